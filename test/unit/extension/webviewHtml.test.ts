import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { contentSecurityPolicy, createNonce, webviewHtml } from '../../../src/extension/webview/webviewHtml';

describe('webview HTML shell', () => {
  const nonce = createNonce();
  const html = webviewHtml({ cspSource: 'https://file+.vscode-resource.vscode-cdn.net', nonce, title: 'T "x" <y>', scriptUri: 'https://r/dist/webview/live.js', styleUri: 'https://r/media/live.css' });

  test('nonces are fresh and long enough', () => {
    assert.notEqual(createNonce(), createNonce());
    assert.ok(Buffer.from(nonce, 'base64').length >= 16);
  });

  test('the CSP forbids everything by default and allows scripts only with the nonce', () => {
    const csp = contentSecurityPolicy('https://src', nonce);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, new RegExp(`script-src 'nonce-${nonce.replace(/[+/=]/g, (c) => `\\${c}`)}'(;|$)`));
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    assert.match(csp, /connect-src 'none'/);
  });

  test('the only script carries the nonce and the page embeds the CSP', () => {
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    assert.equal(scripts.length, 1);
    assert.ok(scripts[0]!.includes(`nonce="${nonce}"`));
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;|<meta http-equiv="Content-Security-Policy" content="default-src 'none'/);
  });

  test('attribute values are escaped', () => {
    assert.ok(html.includes('<title>T &quot;x&quot; &lt;y&gt;</title>'));
    assert.ok(!html.includes('<y>'));
  });
});
