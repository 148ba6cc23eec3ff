/**
 * "ToolFlow: Preview Tool Schema": a preview beside the editor, like Markdown's. It follows the
 * active editor (any file the importer reads), re-renders on edits (first render at once, later
 * ones on one 300 ms debounce; a version check drops stale renders), posts content updates instead
 * of resetting the HTML, and reveals a diagnostic's line when the webview asks. Tool forms are
 * built on demand per row (a file may hold 47,000 tools).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../common/errors';
import type { Log } from '../common/log';
import { WebviewPanelHost } from '../webview/webviewPanelHost';
import type { Tool } from '../../engine/model/tool';
import { SCHEMA_PREVIEW_VIEW_TYPE, type DiagnosticView, type FromSchemaPreview, type SchemaPreviewState, type ToSchemaPreview } from '../../shared/schemaPreview';

const DEBOUNCE_MS = 300;

/** Files the importer reads (by name): JSON, JSON lines, YAML. */
export function isToolSourceDocument(doc: vscode.TextDocument): boolean {
  return doc.uri.scheme !== 'output' && /\.(json|jsonl|ya?ml)$/i.test(doc.fileName);
}

export class SchemaPreviewPanel extends WebviewPanelHost<ToSchemaPreview> {
  private static current: SchemaPreviewPanel | undefined;
  private source: vscode.TextDocument | undefined;
  private rendered: { uri: string; version: number; tools: Tool[] } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private renderSeq = 0;

  private constructor(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly log: Log,
  ) {
    super(panel, extensionUri, { title: 'ToolFlow: Tool Schema Preview', script: 'schemaPreview.js', style: 'schemaPreview.css' });
    this._register(vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (editor && isToolSourceDocument(editor.document) && editor.document !== this.source) this.follow(editor.document);
    }));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === this.source) this.schedule();
    }));
  }

  static get instance(): SchemaPreviewPanel | undefined {
    return SchemaPreviewPanel.current;
  }

  /** Opens the preview beside the editor of `doc` (or reveals it) and follows `doc`. */
  static show(extensionUri: vscode.Uri, log: Log, doc: vscode.TextDocument): SchemaPreviewPanel {
    let view = SchemaPreviewPanel.current;
    if (!view) {
      const panel = vscode.window.createWebviewPanel(SCHEMA_PREVIEW_VIEW_TYPE, 'Tool Schema Preview', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {});
      view = SchemaPreviewPanel.current = new SchemaPreviewPanel(panel, extensionUri, log);
    } else view.panel.reveal(undefined, true);
    view.follow(doc);
    return view;
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, log: Log, state: SchemaPreviewState | undefined): void {
    SchemaPreviewPanel.current?.dispose();
    const view = (SchemaPreviewPanel.current = new SchemaPreviewPanel(panel, extensionUri, log));
    const doc = state?.uri ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === state.uri) : vscode.window.activeTextEditor?.document;
    if (doc && isToolSourceDocument(doc)) view.follow(doc);
  }

  private follow(doc: vscode.TextDocument): void {
    this.source = doc;
    this.panel.title = `Preview ${path.basename(doc.fileName)}`;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    void this.render(); // the first render of a document at once
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.render();
    }, DEBOUNCE_MS);
  }

  private async render(): Promise<void> {
    const doc = this.source;
    if (!doc || !this.ready) return;
    const seq = ++this.renderSeq;
    const version = doc.version;
    const started = performance.now();
    try {
      const { importText } = await import('../../engine/import');
      const { tools, diagnostics } = await importText(doc.fileName, doc.getText());
      // A newer render started, or the document changed meanwhile: this result is stale.
      if (seq !== this.renderSeq || doc.version !== version || doc !== this.source) return;
      this.rendered = { uri: doc.uri.toString(), version, tools };
      const diag: DiagnosticView[] = diagnostics.map((d) => ({
        severity: d.severity,
        code: d.code,
        message: d.message,
        ...(d.hint ? { hint: d.hint } : {}),
        line: d.location.line ?? null,
        column: d.location.column ?? null,
        pointer: d.location.pointer ?? '',
      }));
      this.post({
        kind: 'notification',
        method: 'preview/content',
        params: {
          uri: doc.uri.toString(),
          fileName: path.basename(doc.fileName),
          version,
          tools: tools.map((t) => ({ name: t.name, format: t.provenance.format, parameters: Object.keys(t.parameters.properties ?? {}).length, line: t.provenance.line ?? null })),
          diagnostics: diag,
          ms: Math.round(performance.now() - started),
        },
      });
    } catch (e) {
      this.log.error(`Schema preview of ${doc.fileName} failed: ${errorMessage(e)}`);
      this.post({ kind: 'notification', method: 'preview/empty', params: { message: `Cannot preview ${path.basename(doc.fileName)}: ${errorMessage(e)}` } });
    }
  }

  protected override async onMessage(raw: unknown): Promise<void> {
    // Messages from a webview are untrusted input: check their shape.
    if (typeof raw !== 'object' || raw === null) return;
    const m = raw as FromSchemaPreview;
    const p = (m as { params?: unknown }).params as Record<string, unknown> | undefined;
    if (!p || typeof p !== 'object') return;
    if (m.kind === 'notification' && m.method === 'preview/ready') {
      this.ready = true;
      if (this.source) await this.render();
      else this.post({ kind: 'notification', method: 'preview/empty', params: { message: 'Open a tool definition file (JSON, JSON lines or YAML) to preview it.' } });
    } else if (m.kind === 'request' && m.method === 'preview/tool' && typeof m.id === 'number') {
      const r = this.rendered;
      const tool = r && r.uri === p.uri && r.version === p.version && typeof p.index === 'number' ? r.tools[p.index] : undefined;
      const { toolForm } = await import('../../engine/schemaPreview/toolForm');
      this.post({ kind: 'response', inReplyTo: m.id, result: tool ? toolForm(tool) : null });
    } else if (m.kind === 'notification' && m.method === 'preview/reveal') {
      const line = Number(p.line);
      const column = Number(p.column);
      if (!this.source || p.uri !== this.source.uri.toString() || !Number.isInteger(line) || line < 1) return;
      const pos = new vscode.Position(Math.min(line - 1, this.source.lineCount - 1), Number.isInteger(column) && column > 0 ? column - 1 : 0);
      const visible = vscode.window.visibleTextEditors.find((e) => e.document === this.source);
      const editor = await vscode.window.showTextDocument(this.source, { viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One, preserveFocus: false, selection: new vscode.Range(pos, pos) });
      editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
  }

  override dispose(): void {
    if (SchemaPreviewPanel.current === this) SchemaPreviewPanel.current = undefined;
    if (this.timer) clearTimeout(this.timer);
    super.dispose();
  }
}

export function registerSchemaPreview(extensionUri: vscode.Uri, log: Log): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('toolflow.previewSchema', async (uri?: vscode.Uri) => {
      let doc = uri instanceof vscode.Uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
      if (!doc || !isToolSourceDocument(doc)) doc = vscode.window.visibleTextEditors.map((e) => e.document).find(isToolSourceDocument);
      if (!doc) {
        void vscode.window.showInformationMessage('ToolFlow: open a tool definition file (JSON, JSON lines or YAML) to preview its tools.');
        return;
      }
      SchemaPreviewPanel.show(extensionUri, log, doc);
    }),
    vscode.window.registerWebviewPanelSerializer(SCHEMA_PREVIEW_VIEW_TYPE, {
      deserializeWebviewPanel: (panel: vscode.WebviewPanel, state: unknown) => {
        SchemaPreviewPanel.revive(panel, extensionUri, log, state as SchemaPreviewState | undefined);
        return Promise.resolve();
      },
    }),
  ];
}
