/**
 * The dialogue review editor: the default editor of run files (`dialogues.jsonl`).
 *
 * Why a `CustomEditorProvider` with its own document and not a `CustomTextEditorProvider` on a
 * `TextDocument`: a run of the paper's size (8,000 dialogues of 4-6 KB, more with real models) is a
 * file of 50-100 MB, and VS Code does not synchronize text documents above 50 MB with extensions
 * ("Files above 50MB cannot be synchronized with extensions", microsoft/vscode#111849): a text
 * document based editor could not open it at all, and below that limit it would hold the whole file
 * as a string in the extension host and re-send it on every change. Our document (after
 * vscode-hexeditor) holds line offsets and the changed lines, reads records on demand, saves only
 * changed lines atomically, and implements undo/redo, dirty, revert and hot-exit backup itself.
 * "Reopen Editor With… > Text Editor" still opens the raw file (priority `default`, not `exclusive`).
 */
import * as vscode from 'vscode';
import { ReviewActionError } from '../../engine/review';
import { Disposable } from '../common/disposable';
import type { Log } from '../common/log';
import { createNonce, webviewHtml } from '../webview/webviewHtml';
import { REVIEW_VIEW_TYPE, type FromReviewWebview, type ReviewCommand, type ToReviewWebview } from '../../shared/review';
import { ReviewDocument } from './reviewDocument';
import { answerReviewRequest, countsOf } from './reviewRequests';

interface Editor {
  document: ReviewDocument;
  panel: vscode.WebviewPanel;
  ready: boolean;
}

export class ReviewEditorProvider extends Disposable implements vscode.CustomEditorProvider<ReviewDocument> {
  private readonly onDidChangeEmitter = this._register(new vscode.EventEmitter<vscode.CustomDocumentEditEvent<ReviewDocument>>());
  readonly onDidChangeCustomDocument = this.onDidChangeEmitter.event;
  private readonly editors = new Set<Editor>();
  /** Dialogue to select when the editor of a file is ready: uri -> dialogue id. */
  private readonly pendingSelect = new Map<string, string>();
  private active: Editor | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Log,
  ) {
    super();
  }

  static register(extensionUri: vscode.Uri, log: Log): ReviewEditorProvider {
    const provider = new ReviewEditorProvider(extensionUri, log);
    provider._register(
      vscode.window.registerCustomEditorProvider(REVIEW_VIEW_TYPE, provider, {
        // Without retainContextWhenHidden the page is rebuilt when shown again; its selection and
        // query survive in setState (vscode#113705: state only in the webview is lost otherwise).
        webviewOptions: { retainContextWhenHidden: false },
        supportsMultipleEditorsPerDocument: false,
      }),
    );
    // The same keys work inside the webview without modifiers (it handles them itself); these
    // commands serve the palette and the Alt+key bindings scoped to this editor in package.json.
    const send = (command: ReviewCommand) => () => provider.post(provider.active, { kind: 'notification', method: 'review/command', params: { command } });
    for (const d of [
      vscode.commands.registerCommand('toolflow.review.next', send('next')),
      vscode.commands.registerCommand('toolflow.review.previous', send('previous')),
      vscode.commands.registerCommand('toolflow.review.nextUnreviewed', send('nextUnreviewed')),
      vscode.commands.registerCommand('toolflow.review.accept', send('accept')),
      vscode.commands.registerCommand('toolflow.review.reject', send('reject')),
      vscode.commands.registerCommand('toolflow.review.edit', send('edit')),
      vscode.commands.registerCommand('toolflow.review.search', send('search')),
      vscode.commands.registerCommand('toolflow.review.tag', send('tag')),
      vscode.commands.registerCommand('toolflow.review.reviewed', send('reviewed')),
    ]) {
      provider._register(d);
    }
    return provider;
  }

  /** Opens `file` in the review editor at dialogue `id` (the Runs view's "Open Dialogue"). */
  async revealDialogue(file: vscode.Uri, id: string): Promise<void> {
    this.pendingSelect.set(file.toString(), id);
    const open = [...this.editors].find((e) => e.document.uri.toString() === file.toString());
    await vscode.commands.executeCommand('vscode.openWith', file, REVIEW_VIEW_TYPE);
    if (open?.ready) this.flushSelect(open);
  }

  private flushSelect(e: Editor): void {
    const id = this.pendingSelect.get(e.document.uri.toString());
    if (id === undefined) return;
    this.pendingSelect.delete(e.document.uri.toString());
    const slot = e.document.model.slotOfId(id);
    if (slot >= 0) this.post(e, { kind: 'notification', method: 'review/select', params: { slot } });
  }

  async openCustomDocument(uri: vscode.Uri, openContext: vscode.CustomDocumentOpenContext, _token: vscode.CancellationToken): Promise<ReviewDocument> {
    const doc = await ReviewDocument.create(uri, openContext.untitledDocumentData ? undefined : openContext.backupId, this.log);
    doc.onDidChange((e) => this.onDidChangeEmitter.fire(e));
    return doc;
  }

  async resolveCustomEditor(document: ReviewDocument, panel: vscode.WebviewPanel, _token: vscode.CancellationToken): Promise<void> {
    const editor: Editor = { document, panel, ready: false };
    this.editors.add(editor);
    const webview = panel.webview;
    webview.options = {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
    const asUri = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...p)).toString();
    webview.html = webviewHtml({ cspSource: webview.cspSource, nonce: createNonce(), title: 'Dialogue Review', scriptUri: asUri('dist', 'webview', 'review.js'), styleUri: asUri('media', 'review.css') });
    const subs: vscode.Disposable[] = [
      webview.onDidReceiveMessage((m: unknown) => void this.onMessage(editor, m as FromReviewWebview)),
      document.onDidChangeContent((c) => this.post(editor, { kind: 'notification', method: 'review/changed', params: c })),
      document.onDidChangeContent(() => this.postState(editor)),
      document.onDidChangeReadOnly(() => this.postState(editor)),
      panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.active) this.active = editor;
        if (!e.webviewPanel.visible) editor.ready = false;
      }),
    ];
    if (panel.active) this.active = editor;
    panel.onDidDispose(() => {
      this.editors.delete(editor);
      if (this.active === editor) this.active = undefined;
      for (const s of subs) s.dispose();
    });
  }

  private post(e: Editor | undefined, m: ToReviewWebview): void {
    if (e?.ready) void e.panel.webview.postMessage(m);
  }

  private postState(e: Editor): void {
    const d = e.document;
    this.post(e, { kind: 'notification', method: 'review/state', params: { fileName: d.uri.fsPath, readOnly: d.readOnly, counts: countsOf(d.model), problems: d.model.problems.slice(0, 50) } });
  }

  private async onMessage(e: Editor, m: FromReviewWebview): Promise<void> {
    if (!m || typeof m !== 'object') return;
    if (m.kind === 'notification') {
      if (m.method === 'review/ready') {
        e.ready = true;
        this.postState(e);
        this.flushSelect(e);
      } else if (m.method === 'review/painted') {
        this.log.info(`Review editor: first paint of ${m.params.rows} rows ${m.params.ms.toFixed(0)} ms after ready`);
      }
      return;
    }
    if (m.kind !== 'request') return;
    try {
      const result = await answerReviewRequest(e.document.model, m, {
        readOnly: () => e.document.readOnly,
        apply: (slot, action) => e.document.apply(slot, action),
        reviewer: { by: e.document.reviewer },
      });
      void e.panel.webview.postMessage({ kind: 'response', inReplyTo: m.id, result } satisfies ToReviewWebview);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (!(err instanceof ReviewActionError)) this.log.warn(`Review editor: ${m.method} failed: ${message}`);
      void e.panel.webview.postMessage({ kind: 'response', inReplyTo: m.id, error: message } satisfies ToReviewWebview);
    }
  }

  async saveCustomDocument(document: ReviewDocument, _token: vscode.CancellationToken): Promise<void> {
    if (document.readOnly) throw new Error(`ToolFlow: cannot save: ${document.readOnly}`);
    await document.save();
    this.log.info(`Review editor: saved ${document.uri.fsPath}`);
  }

  async saveCustomDocumentAs(document: ReviewDocument, destination: vscode.Uri, _token: vscode.CancellationToken): Promise<void> {
    await document.save(destination);
  }

  async revertCustomDocument(document: ReviewDocument, _token: vscode.CancellationToken): Promise<void> {
    await document.revert();
  }

  backupCustomDocument(document: ReviewDocument, context: vscode.CustomDocumentBackupContext, _token: vscode.CancellationToken): Promise<vscode.CustomDocumentBackup> {
    return document.backup(context.destination);
  }
}
