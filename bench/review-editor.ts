/**
 * The review editor on a run of 10,000 dialogues (~60 MB): the real webview bundle
 * (dist/webview/review.js, built by `node esbuild.js`) in headless Chromium, talking to the real
 * host-side code (ReviewDocumentModel + answerReviewRequest) in this Node process over the same
 * message protocol the extension uses. Prints: index time, heap and search-text bytes of the host, first paint after
 * the webview says ready, and the latency of filters and searches (request to rows drawn).
 * Goals (issue 10): first paint < 1 s after ready, filter/search < 200 ms.
 *
 *   node esbuild.js && node --expose-gc --import tsx bench/review-editor.ts [count]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { ReviewDocumentModel } from '../src/engine/review';
import type { DialogueRecord } from '../src/engine/pipeline/types';
import type { ChatMessage } from '../src/engine/llm/types';
import type { OpenAITool } from '../src/engine/model/tool';
import { answerReviewRequest } from '../src/extension/review/reviewRequests';
import { webviewHtml } from '../src/extension/webview/webviewHtml';
import type { FromReviewWebview, ToReviewWebview } from '../src/shared/review';

/** What the bench reads in the page (bench/ has no DOM lib). */
interface PageGlobals {
  document: { body: { dataset: Record<string, string | undefined> }; querySelector(s: string): { dataset: Record<string, string | undefined> } | null };
  postMessage(m: unknown, origin: string): void;
}

const COUNT = Number(process.argv[2] ?? 10_000);
const root = path.resolve(import.meta.dirname, '..');
const TOOLS = ['get_weather', 'search_flights', 'book_hotel', 'convert_currency', 'get_stock_price', 'translate_text', 'find_restaurants', 'get_news'];
const REASONS = ['missing-required-param', 'arguments-invalid', 'unknown-tool', 'no-answer-after-results', 'tool-result-unparseable'];

function toolDef(name: string): OpenAITool {
  return {
    type: 'function' as const,
    function: {
      name,
      description: `${name.replace(/_/g, ' ')}: returns structured data for the request, with paging, locale and unit options. `.repeat(3),
      parameters: {
        type: 'object' as const,
        properties: Object.fromEntries(['query', 'locale', 'units', 'limit', 'page', 'date'].map((p) => [p, { type: p === 'limit' || p === 'page' ? ('integer' as const) : ('string' as const), description: `the ${p} of the ${name} request, as the user gave it` }])),
        required: ['query'],
      },
    },
  };
}

function recordOf(i: number): DialogueRecord {
  const tools = [0, 1, 2].map((k) => TOOLS[(i + k * 3) % TOOLS.length]!);
  const messages: ChatMessage[] = [];
  for (let t = 0; t < 4; t++) {
    const tool = tools[t % tools.length]!;
    messages.push({ role: 'user', content: `Request ${t} of dialogue ${i}: could you look up ${tool.replace(/_/g, ' ')} for city ${i % 97} next week, and tell me what you find? I am planning a trip with ${t + 2} friends.` });
    messages.push({ role: 'assistant', content: null, tool_calls: [{ id: `c${i}_${t}`, type: 'function', function: { name: tool, arguments: JSON.stringify({ query: `city ${i % 97}`, locale: 'en-GB', units: 'metric', limit: 5 }) } }] });
    messages.push({ role: 'tool', tool_call_id: `c${i}_${t}`, content: JSON.stringify({ results: [1, 2, 3].map((k) => ({ id: `r${k}`, title: `Result ${k} for city ${i % 97}`, score: k / 3, summary: 'A short summary of what was found for this request.' })) }) });
    messages.push({ role: 'assistant', content: `Here is what I found for city ${i % 97}: three results, the best being Result 3 with a score of 1. Would you like details on any of them?` });
  }
  const rejected = i % 5 === 0;
  return {
    id: `d${String(i).padStart(6, '0')}`, index: i, status: rejected ? 'rejected' : 'accepted',
    reasons: rejected ? [{ code: REASONS[(i / 5) % REASONS.length] as 'unknown-tool', message: 'reason text', messageIndex: 1 }] : [],
    tools: tools.map(toolDef), plan: { steps: [{ kind: 'tool', request: 'look up', tools: [tools[0]!] }, { kind: 'tool', request: 'then', tools: [tools[1]!] }, { kind: 'chitchat', request: 'thanks' }] },
    system: 'You are a helpful assistant with access to tools.', messages, seed: i, style: 'casual and brief',
    usage: { planner: { promptTokens: 800, completionTokens: 90 }, user: { promptTokens: 1200, completionTokens: 200 }, assistant: { promptTokens: 3000, completionTokens: 400 }, tool: { promptTokens: 900, completionTokens: 300 } },
    llmCalls: 17, timings: { startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:09.000Z', durationMs: 9000 },
  };
}

async function main(): Promise<void> {
  const bundle = path.join(root, 'dist', 'webview', 'review.js');
  if (!fs.existsSync(bundle)) throw new Error('dist/webview/review.js is missing: run `node esbuild.js` first');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolflow-bench-review-'));
  const file = path.join(dir, 'dialogues.jsonl');
  const fd = fs.openSync(file, 'w');
  for (let i = 0; i < COUNT; i++) fs.writeSync(fd, JSON.stringify(recordOf(i)) + '\n');
  fs.closeSync(fd);
  const mb = fs.statSync(file).size / 1024 / 1024;

  (globalThis as { gc?: () => void }).gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  let t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const model = await ReviewDocumentModel.open(file);
  const indexMs = performance.now() - t0;
  const indexCpu = process.cpuUsage(cpu0);
  (globalThis as { gc?: () => void }).gc?.();
  const heapMb = (process.memoryUsage().heapUsed - heap0) / 1024 / 1024;

  const browser = await chromium.launch({ executablePath: process.env.TOOLFLOW_CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (e) => console.error('page error:', e.message));
    page.on('console', (m) => m.type() === 'error' && console.error('page console:', m.text()));
    const origin = 'http://review.bench';
    const html = webviewHtml({ cspSource: origin, nonce: 'benchnonce', title: 'bench', scriptUri: `${origin}/review.js`, styleUri: `${origin}/review.css` });
    await page.route(`${origin}/**`, (route) => {
      const u = new URL(route.request().url());
      if (u.pathname === '/review.js') return route.fulfill({ body: fs.readFileSync(bundle), contentType: 'text/javascript' });
      if (u.pathname === '/review.css') return route.fulfill({ body: fs.readFileSync(path.join(root, 'media', 'review.css')), contentType: 'text/css' });
      return route.fulfill({ body: html, contentType: 'text/html' });
    });
    // As one JSON string: Playwright's own value serialization of a 10,000-number array costs far more than VS Code's postMessage does.
    const send = (m: ToReviewWebview) => page.evaluate((json) => (globalThis as unknown as PageGlobals).postMessage(JSON.parse(json) as unknown, '*'), JSON.stringify(m));
    let readyAt = 0;
    /** CPU time of the host for the last query: what it costs whatever else the machine runs. */
    let lastQueryCpuMs = 0;
    await page.exposeFunction('__toHost', async (m: FromReviewWebview) => {
      if (m.kind === 'notification') {
        if (m.method === 'review/ready') {
          readyAt = performance.now();
          await send({ kind: 'notification', method: 'review/state', params: { fileName: file, readOnly: null, counts: model.counts(), problems: [] } });
        }
        return;
      }
      const tReq = performance.now();
      if (process.env.BENCH_TRACE) console.log(`  [${(tReq - readyAt).toFixed(0)} ms] ${m.method}`);
      try {
        const cpu0 = process.cpuUsage();
        const result = await answerReviewRequest(model, m, { readOnly: () => null, apply: async (slot, action) => void (await model.apply(slot, action)), reviewer: {} });
        if (m.method === 'review/query') {
          const cpu = process.cpuUsage(cpu0);
          lastQueryCpuMs = (cpu.user + cpu.system) / 1000;
        }
        const tAns = performance.now();
        await send({ kind: 'response', inReplyTo: m.id, result });
        if (process.env.BENCH_TRACE) console.log(`  [${(performance.now() - readyAt).toFixed(0)} ms] ${m.method} answered in ${(tAns - tReq).toFixed(0)} ms, sent in ${(performance.now() - tAns).toFixed(0)} ms`);
      } catch (e) {
        await send({ kind: 'response', inReplyTo: m.id, error: String(e) });
      }
    });
    // A string, not a function: tsx would wrap a function's inner arrows in its `__name` helper.
    await page.addInitScript(`(() => {
      let state;
      window.acquireVsCodeApi = () => ({ postMessage: (m) => void window.__toHost(m), getState: () => state, setState: (s) => { state = s; } });
    })()`);
    t0 = performance.now();
    await page.goto(`${origin}/index.html`);
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.body.dataset.firstPaintMs !== undefined, undefined, { timeout: 60_000 });
    const firstPaint = Number(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.body.dataset.firstPaintMs));
    const hostFirstPaint = performance.now() - readyAt;
    const rowsInDom = await page.locator('#list .row[data-loaded="1"]').count();
    const detailTurns = await page.locator('#detail .turn').count();

    const runs: Array<{ what: string; shown: number; pageMs: number; hostMs: number; cpuMs: number }> = [];
    const measure = async (what: string, act: (p: Page) => Promise<void>) => {
      const before = Number(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.body.dataset.queryDone ?? '0'));
      await act(page);
      await page.waitForFunction((b) => Number((globalThis as unknown as PageGlobals).document.body.dataset.queryDone ?? '0') > b, before, { timeout: 30_000 });
      const [pageMs, hostMs, shown] = await page.evaluate(() => [Number((globalThis as unknown as PageGlobals).document.body.dataset.queryMs), Number((globalThis as unknown as PageGlobals).document.body.dataset.hostQueryMs), Number((globalThis as unknown as PageGlobals).document.querySelector('#shown')?.dataset.count)]);
      runs.push({ what, shown: shown!, pageMs: pageMs!, hostMs: hostMs!, cpuMs: lastQueryCpuMs });
    };
    await measure('status = rejected', (p) => p.selectOption('#filter-status', 'rejected').then(() => undefined));
    await measure('reason = arguments-invalid', (p) => p.selectOption('#filter-reason', 'arguments-invalid').then(() => undefined));
    // One action per measure: a second action's reply would land in the next measure's window.
    await measure('clear status', (p) => p.selectOption('#filter-status', '').then(() => undefined));
    await measure('clear reason', (p) => p.selectOption('#filter-reason', '').then(() => undefined));
    await measure('tool = book_hotel', (p) => p.selectOption('#filter-tool', 'book_hotel').then(() => undefined));
    await measure('search "city 42" (+ tool)', (p) => p.fill('#search', 'city 42'));
    await measure('clear search', (p) => p.fill('#search', ''));
    await measure('clear tool', (p) => p.selectOption('#filter-tool', '').then(() => undefined));
    await measure('search "Result 3 for city 96"', (p) => p.fill('#search', 'Result 3 for city 96'));
    await measure('search "no such text"', (p) => p.fill('#search', 'no such text'));
    await measure('search cleared', (p) => p.fill('#search', ''));

    console.log(`review editor, ${COUNT.toLocaleString('en-US')} dialogues, ${mb.toFixed(1)} MB (${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)}, Node ${process.version})`);
    console.log(`  host: index ${indexMs.toFixed(0)} ms (${((indexCpu.user + indexCpu.system) / 1000).toFixed(0)} ms CPU), heap retained by the index ${heapMb.toFixed(1)} MB (${((heapMb * 1024 * 1024) / COUNT).toFixed(0)} B/dialogue), search texts ${(model.searchTextBytes / 1024 / 1024).toFixed(1)} MB in Buffers (${((model.searchTextBytes / 1024 / 1024 / mb) * 100).toFixed(0)}% of the file)`);
    console.log(`  first paint after ready: ${firstPaint.toFixed(0)} ms in the page (${hostFirstPaint.toFixed(0)} ms seen by the host), ${rowsInDom} rows in the DOM, ${detailTurns} turns of the selected dialogue`);
    for (const r of runs) console.log(`  ${r.what.padEnd(32)} ${String(r.shown).padStart(6)} shown   ${r.pageMs.toFixed(0).padStart(5)} ms to rows drawn   (${r.hostMs.toFixed(0)} ms in the host, ${r.cpuMs.toFixed(0)} ms of its CPU)`);
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
