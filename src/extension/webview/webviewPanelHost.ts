/**
 * What every ToolFlow webview panel shares (the graph view, live transcripts, the schema preview,
 * the quality report): its options (scripts on, command URIs off, resources only from the
 * extension's `dist/webview` and `media`), icon, the strict-CSP page of `webviewHtml`, messages in
 * and out, and its life: a panel hidden loses its page (no `retainContextWhenHidden`), which says
 * `ready` again when shown, so `ready` drops while hidden; closing the panel disposes its host.
 */
import * as vscode from 'vscode';
import { Disposable } from '../common/disposable';
import { createNonce, webviewHtml } from './webviewHtml';

/** The page of a panel: its title and its files under `dist/webview` and `media`. */
export interface PanelPage {
  title: string;
  /** e.g. `graph.js` (bundled from webview-ui/graph). */
  script: string;
  /** e.g. `graph.css`. */
  style?: string;
}

export function webviewPanelOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export abstract class WebviewPanelHost<ToWebview> extends Disposable {
  /** The page has said it is ready (since it was last shown). */
  protected ready = false;

  protected constructor(
    protected readonly panel: vscode.WebviewPanel,
    protected readonly extensionUri: vscode.Uri,
    page: PanelPage,
  ) {
    super();
    const webview = panel.webview;
    webview.options = webviewPanelOptions(extensionUri);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'toolflow.svg');
    const asUri = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
    webview.html = webviewHtml({
      cspSource: webview.cspSource,
      nonce: createNonce(),
      title: page.title,
      scriptUri: asUri('dist', 'webview', page.script),
      ...(page.style ? { styleUri: asUri('media', page.style) } : {}),
    });
    this._register(webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)));
    this._register(panel.onDidDispose(() => this.dispose()));
    this._register(panel.onDidChangeViewState((e) => {
      if (!e.webviewPanel.visible) this.ready = false;
    }));
  }

  /** A message from the page: untrusted input, whose shape the panel checks. */
  protected abstract onMessage(raw: unknown): void | Promise<void>;

  protected post(message: ToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  override dispose(): void {
    super.dispose();
    this.panel.dispose();
  }
}
