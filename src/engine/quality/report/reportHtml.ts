/**
 * The self-contained HTML file of `toolflow report`: the report page's bundle (webview-ui/report,
 * Chart.js included, built to dist/webview/report.js) and the report data inlined into one file
 * that opens offline in any browser. A strict Content-Security-Policy allows only this page's own
 * inline script (by nonce) and no network at all.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { QualityReport } from '../../../shared/qualityReport';

export const REPORT_BUNDLE = path.join('dist', 'webview', 'report.js');

export class ReportBundleMissingError extends Error {
  constructor(readonly searchedFrom: string) {
    super(`the report page bundle (${REPORT_BUNDLE}) was not found above ${searchedFrom}`);
    this.name = 'ReportBundleMissingError';
  }
  readonly hint = 'build it with `node esbuild.js` (or `npm run build`) in the ToolFlow Studio checkout';
}

/** Finds dist/webview/report.js walking up from this module (dist/cli.js, an installed extension, or src/ in tests). */
export function findReportBundle(from = __dirname): string {
  let dir = from;
  for (;;) {
    const candidate = path.join(dir, REPORT_BUNDLE);
    if (fs.existsSync(candidate)) return candidate;
    // dist/cli.js itself lives in dist/: the bundle is at ./webview/report.js
    const sibling = path.join(dir, 'webview', 'report.js');
    if (path.basename(dir) === 'dist' && fs.existsSync(sibling)) return sibling;
    const parent = path.dirname(dir);
    if (parent === dir) throw new ReportBundleMissingError(from);
    dir = parent;
  }
}

/** JSON safe inside a <script> element: no "<" can close it. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function reportHtml(report: QualityReport, bundleCode: string, nonce = randomBytes(18).toString('base64')): string {
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    'img-src data:',
    "connect-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
  const title = `ToolFlow quality report: ${report.runs.map((r) => r.name).join(', ')}`;
  // "</script" cannot appear inside the inline module; in JS, "<\/script" means the same thing.
  // The bundle's source-map comment would point at a file the report does not carry.
  const code = bundleCode.replace(/<\/script/gi, '<\\/script').replace(/^\/\/# sourceMappingURL=.*$/m, '');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(title)}</title>
</head>
<body>
<div id="app"></div>
<script type="application/json" id="toolflow-report-data">${jsonForScript(report)}</script>
<script type="module" nonce="${escapeHtml(nonce)}">${code}</script>
</body>
</html>
`;
}

/** Writes the report's HTML file (creating its folder). */
export async function writeReportHtml(file: string, report: QualityReport, bundleFile = findReportBundle()): Promise<void> {
  const code = await fs.promises.readFile(bundleFile, 'utf8');
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  await fs.promises.writeFile(file, reportHtml(report, code));
}
