import * as vscode from 'vscode';
import type { Log } from '../common/log';
import { WebviewPanelHost, webviewPanelOptions } from '../webview/webviewPanelHost';
import { LIVE_VIEW_TYPE, type FromLiveWebview, type LiveSnapshot, type ToLiveWebview } from '../../shared/liveTranscripts';
import type { StoreChange, TranscriptStore } from './transcriptStore';

const UPDATE_INTERVAL_MS = 100;

/**
 * The "ToolFlow: Live Transcripts" panel. One at a time; restored after a reload by the
 * WebviewPanelSerializer. Updates are coalesced (at most one batch per 100 ms) so thousands of
 * events per second do not flood the webview.
 */
export class LivePanel extends WebviewPanelHost<ToLiveWebview> {
  private static current: LivePanel | undefined;
  /**
   * Loads a finished dialogue from its run folder into the store, for dialogues the webview still
   * lists (restored state) but this extension host has not seen. Set by the composition root.
   */
  static loadFromDisk: ((key: string) => Promise<boolean>) | undefined;
  private selectedKey: string | null = null;
  private pending: { run: boolean; list: boolean; selected: boolean } = { run: false, list: false, selected: false };
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly store: TranscriptStore,
    private readonly log: Log,
  ) {
    super(panel, extensionUri, { title: 'ToolFlow: Live Transcripts', script: 'live.js', style: 'live.css' });
  }

  static get instance(): LivePanel | undefined {
    return LivePanel.current;
  }

  /** Opens (or reveals) the panel, optionally selecting a dialogue. */
  static show(extensionUri: vscode.Uri, store: TranscriptStore, log: Log, selectKey?: string): LivePanel {
    let live = LivePanel.current;
    if (!live) {
      const panel = vscode.window.createWebviewPanel(LIVE_VIEW_TYPE, 'ToolFlow: Live Transcripts', { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, webviewPanelOptions(extensionUri));
      live = LivePanel.current = new LivePanel(panel, extensionUri, store, log);
    } else {
      live.panel.reveal(undefined, false);
    }
    if (selectKey) live.select(selectKey);
    return live;
  }

  /** Re-attaches a panel VS Code restored after a reload (its webview state comes back on `ready`). */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, store: TranscriptStore, log: Log): LivePanel {
    LivePanel.current?.dispose();
    return (LivePanel.current = new LivePanel(panel, extensionUri, store, log));
  }

  select(key: string): void {
    this.selectedKey = key;
    this.schedule({ run: false, list: true, selected: true });
  }

  /** Called by the generation service after each store change. */
  onStoreChange(change: StoreChange): void {
    // Follow the first dialogue of a run when nothing is selected yet.
    if (!this.selectedKey || !this.store.get(this.selectedKey)) {
      const first = this.store.list()[0];
      if (first) {
        this.selectedKey = first.key;
        change.list = true;
        change.dialogues.add(first.key);
      }
    }
    this.schedule({
      run: !!change.run,
      list: !!change.list,
      selected: this.selectedKey !== null && change.dialogues.has(this.selectedKey),
    });
  }

  private schedule(what: { run: boolean; list: boolean; selected: boolean }): void {
    this.pending.run ||= what.run;
    this.pending.list ||= what.list;
    this.pending.selected ||= what.selected;
    if (!this.ready || this.timer) return;
    this.timer = setTimeout(() => this.flush(), UPDATE_INTERVAL_MS);
  }

  private flush(): void {
    this.timer = undefined;
    if (this.isDisposed || !this.ready) return;
    const p = this.pending;
    this.pending = { run: false, list: false, selected: false };
    if (p.run) this.post({ kind: 'notification', method: 'live/run', params: this.store.run });
    if (p.list) this.post({ kind: 'notification', method: 'live/dialogues', params: this.store.list() });
    if (p.selected) this.post({ kind: 'notification', method: 'live/selected', params: this.selectedKey ? (this.store.get(this.selectedKey) ?? null) : null });
  }

  private snapshot(): LiveSnapshot {
    return {
      run: this.store.run,
      dialogues: this.store.list(),
      selected: this.selectedKey ? (this.store.get(this.selectedKey) ?? null) : null,
    };
  }

  protected override onMessage(raw: unknown): void {
    // Messages from a webview are untrusted input: check their shape.
    if (typeof raw !== 'object' || raw === null) return;
    const m = raw as Partial<FromLiveWebview>;
    if (m.kind !== 'notification' || typeof m.params !== 'object' || m.params === null) return;
    if (m.method === 'live/ready') {
      const key = (m.params as { selectedKey?: unknown }).selectedKey;
      this.ready = true;
      if (!this.selectedKey && typeof key === 'string' && this.store.get(key)) this.selectedKey = key;
      // A restored panel whose dialogue is no longer in memory keeps showing its saved snapshot.
      if (this.store.run || this.store.list().length > 0 || this.selectedKey) {
        this.post({ kind: 'notification', method: 'live/snapshot', params: this.snapshot() });
      }
      this.log.debug('live transcripts view ready');
    } else if (m.method === 'live/select') {
      const key = (m.params as { key?: unknown }).key;
      if (typeof key !== 'string') return;
      if (this.store.get(key)) this.select(key);
      else void LivePanel.loadFromDisk?.(key).then((ok) => ok && this.select(key));
    }
  }

  override dispose(): void {
    if (LivePanel.current === this) LivePanel.current = undefined;
    if (this.timer) clearTimeout(this.timer);
    super.dispose();
  }
}

/** Restores the live panel after VS Code reloads (state comes from the webview's `setState`). */
export class LivePanelSerializer implements vscode.WebviewPanelSerializer {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: TranscriptStore,
    private readonly log: Log,
  ) {}

  deserializeWebviewPanel(panel: vscode.WebviewPanel): Thenable<void> {
    LivePanel.revive(panel, this.extensionUri, this.store, this.log);
    return Promise.resolve();
  }
}
