/** Builds the report page bundle and opens report HTML files in headless Chromium (playwright-core). */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const artifactsDir = path.join(repoRoot, 'test-artifacts', 'quality');

/** Bundles webview-ui/report/main.ts to dist/webview/report.js, as `node esbuild.js` does. */
export async function buildReportBundle(): Promise<string> {
  const outfile = path.join(repoRoot, 'dist', 'webview', 'report.js');
  await build({ entryPoints: [path.join(repoRoot, 'webview-ui', 'report', 'main.ts')], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', outfile, logLevel: 'warning' });
  return outfile;
}

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export interface OpenedPage {
  browser: Browser;
  page: Page;
  /** Console errors/warnings and page errors (CSP violations show up here). */
  problems: string[];
  /** Requests that left the file (there must be none: the report works offline). */
  network: string[];
}

export async function openReport(file: string, viewport = { width: 1400, height: 1000 }): Promise<OpenedPage> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM)`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  const network: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`[${m.type()}] ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`[pageerror] ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith('file://') && !r.url().startsWith('data:')) network.push(r.url());
  });
  await page.goto(`file://${file}`);
  return { browser, page, problems, network };
}
