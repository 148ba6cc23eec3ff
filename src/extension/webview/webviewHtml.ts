/**
 * The HTML shell of every ToolFlow webview (pure, unit-tested): a strict Content-Security-Policy
 * (nothing by default; scripts only with this page's nonce; styles and fonts only from the
 * extension's own resources), one module script, one stylesheet. All content is rendered by the
 * script with `textContent`, never by HTML strings.
 */
import { randomBytes } from 'node:crypto';

export function createNonce(): string {
  return randomBytes(18).toString('base64');
}

export interface WebviewHtmlOptions {
  /** `webview.cspSource`. */
  cspSource: string;
  nonce: string;
  title: string;
  /** `webview.asWebviewUri(...)` of the script and stylesheet, as strings. */
  scriptUri: string;
  styleUri?: string;
  /** Extra stylesheet URIs (e.g. codicons). */
  extraStyleUris?: string[];
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    // Lit (used by @vscode-elements) adopts constructed stylesheets, which CSP does not restrict.
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function webviewHtml(o: WebviewHtmlOptions): string {
  const styles = [o.styleUri, ...(o.extraStyleUris ?? [])].filter((s): s is string => !!s);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles.map((s) => `<link rel="stylesheet" href="${attr(s)}">`).join('\n')}
<title>${attr(o.title)}</title>
</head>
<body>
<div id="app"></div>
<script type="module" nonce="${attr(o.nonce)}" src="${attr(o.scriptUri)}"></script>
</body>
</html>`;
}
