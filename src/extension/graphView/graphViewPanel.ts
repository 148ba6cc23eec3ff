/**
 * "ToolFlow: Show Tool Graph": one panel showing one graph file. The host keeps the graph
 * (`GraphSession`, engine functions); the webview draws it with sigma.js and asks for details,
 * counts at a threshold and walks through the typed protocol of `src/shared/graphView.ts`.
 * Restored after a reload by a serializer (the webview's state names the graph file).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../common/errors';
import type { Log } from '../common/log';
import { WebviewPanelHost, webviewPanelOptions } from '../webview/webviewPanelHost';
import { GRAPH_VIEW_TYPE, type FromGraphWebview, type GraphWebviewState, type HighlightView, type ToGraphWebview } from '../../shared/graphView';
import type { GraphSession } from './graphSession';

export interface GraphViewHooks {
  /**
   * Rebuilds the graph file's tool set at a lower threshold (the "Build Tool Graph" command) with the
   * embedding model the graph was built with (τ is on that model's scale), not the current setting.
   */
  rebuild(graphFile: string, threshold: number, model: string | undefined): Promise<void>;
}

/** Opens a graph file's session; `onProgress` hears what the host is doing meanwhile. */
export type OpenGraph = (file: string, onProgress?: (message: string) => void) => Promise<GraphSession>;

export class GraphViewPanel extends WebviewPanelHost<ToGraphWebview> {
  private static current: GraphViewPanel | undefined;
  private session: Promise<GraphSession> | undefined;
  private file: string | undefined;
  private pendingHighlight: HighlightView | undefined;
  private loadedAt = 0;
  /** What the host is doing before the graph can be sent (the first layout), for a page that gets ready meanwhile. */
  private progress: string | undefined;
  /** The page has said it is ready at least once (it can show progress; `ready` waits for the session). */
  private pageUp = false;

  private constructor(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly log: Log,
    private readonly hooks: GraphViewHooks,
  ) {
    super(panel, extensionUri, { title: 'ToolFlow: Tool Graph', script: 'graph.js', style: 'graph.css' });
  }

  static get instance(): GraphViewPanel | undefined {
    return GraphViewPanel.current;
  }

  /** Opens (or reveals) the panel on a graph file. */
  static async show(extensionUri: vscode.Uri, log: Log, hooks: GraphViewHooks, file: string, open: OpenGraph, highlight?: (s: GraphSession) => HighlightView): Promise<GraphViewPanel> {
    let view = GraphViewPanel.current;
    if (!view) {
      const panel = vscode.window.createWebviewPanel(GRAPH_VIEW_TYPE, `Tool Graph: ${path.basename(file)}`, { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, webviewPanelOptions(extensionUri));
      view = GraphViewPanel.current = new GraphViewPanel(panel, extensionUri, log, hooks);
    } else {
      view.panel.reveal(undefined, false);
    }
    await view.load(file, open, highlight);
    return view;
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, log: Log, hooks: GraphViewHooks, state: GraphWebviewState | undefined, open: OpenGraph): void {
    GraphViewPanel.current?.dispose();
    const view = (GraphViewPanel.current = new GraphViewPanel(panel, extensionUri, log, hooks));
    if (state && typeof state.file === 'string') void view.load(state.file, open).catch(() => undefined);
  }

  private async load(file: string, open: OpenGraph, highlight?: (s: GraphSession) => HighlightView): Promise<void> {
    if (this.file !== file || !this.session) {
      this.file = file;
      this.panel.title = `Tool Graph: ${path.basename(file)}`;
      this.progress = undefined;
      this.session = open(file, (message) => {
        if (this.file !== file) return;
        this.progress = message; // (told to a page that gets ready later)
        if (this.pageUp) this.post({ kind: 'notification', method: 'graph/progress', params: { message } });
      });
      this.loadedAt = 0;
    }
    const pending = this.session;
    const session = await pending.catch((e: unknown) => {
      if (this.session === pending) {
        // (once, whoever else waits for it): the page stops saying what it was doing and says why
        this.session = undefined;
        this.progress = undefined;
        if (this.pageUp) this.post({ kind: 'notification', method: 'graph/error', params: { message: `Could not show ${path.basename(file)}: ${errorMessage(e)}` } });
      }
      throw e;
    });
    if (this.session === pending) this.progress = undefined;
    if (highlight) this.pendingHighlight = highlight(session);
    if (this.ready) this.sendAll(session, this.loadedAt === 0);
  }

  private sendAll(session: GraphSession, load: boolean): void {
    if (load) {
      this.post({ kind: 'notification', method: 'graph/load', params: session.payload });
      this.loadedAt = Date.now();
    }
    if (this.pendingHighlight) {
      this.post({ kind: 'notification', method: 'graph/highlight', params: this.pendingHighlight });
      this.pendingHighlight = undefined;
    }
  }

  protected override async onMessage(raw: unknown): Promise<void> {
    // Messages from a webview are untrusted input: check their shape.
    if (typeof raw !== 'object' || raw === null) return;
    const m = raw as FromGraphWebview;
    const params = (m as { params?: unknown }).params;
    if (typeof params !== 'object' || params === null) return;
    if (m.kind === 'notification' && m.method === 'graph/ready') {
      // Before waiting for the session: the page says what is taking long (the first layout).
      this.pageUp = true;
      if (this.progress !== undefined) this.post({ kind: 'notification', method: 'graph/progress', params: { message: this.progress } });
    }
    const session = await this.session?.catch(() => undefined);
    try {
      if (m.kind === 'notification' && m.method === 'graph/ready') {
        this.ready = true;
        if (session) this.sendAll(session, true);
        else if (!this.file) this.post({ kind: 'notification', method: 'graph/error', params: { message: 'No graph loaded. Run “ToolFlow: Show Tool Graph”.' } });
      } else if (m.kind === 'request') {
        if (!session || typeof m.id !== 'number') return;
        if (m.method === 'graph/tool' && typeof m.params.name === 'string' && typeof m.params.threshold === 'number') {
          this.post({ kind: 'response', inReplyTo: m.id, result: await session.details(m.params.name, m.params.threshold) });
        } else if (m.method === 'graph/counts' && typeof m.params.threshold === 'number') {
          this.post({ kind: 'response', inReplyTo: m.id, result: session.counts(m.params.threshold) });
        }
      } else if (m.kind === 'notification' && m.method === 'graph/sample') {
        const { start, size, seed } = m.params;
        if (!session || typeof start !== 'string' || !Number.isInteger(size) || size < 1 || size > 50 || !Number.isFinite(seed)) return;
        this.post({ kind: 'notification', method: 'graph/walk', params: session.walk(start, size, seed) });
      } else if (m.kind === 'notification' && m.method === 'graph/rebuild') {
        if (this.file && typeof m.params.threshold === 'number') await this.hooks.rebuild(this.file, m.params.threshold, session?.payload.model || undefined);
      } else if (m.kind === 'notification' && m.method === 'graph/rendered') {
        this.log.info(`Tool graph view: first render of ${m.params.nodes} tools and ${m.params.edges} edges in ${m.params.ms} ms`);
        // The tool set (details of a clicked tool) is read now that the graph is drawn, not before.
        void session?.readTools().then(() => {
          if (session.toolsProblem) this.log.warn(`Tool graph view: the tool set ${session.toolsFile} could not be read (${session.toolsProblem}); a tool's details show what the graph file holds`);
        });
      }
    } catch (e) {
      this.post({ kind: 'notification', method: 'graph/error', params: { message: errorMessage(e) } });
    }
  }

  /** After a rebuild of the same file: reload it. */
  async reload(open: OpenGraph): Promise<void> {
    if (!this.file) return;
    this.session = undefined;
    await this.load(this.file, open);
  }

  override dispose(): void {
    if (GraphViewPanel.current === this) GraphViewPanel.current = undefined;
    super.dispose();
  }
}
