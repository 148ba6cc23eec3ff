/**
 * First render of the tool graph view in headless Chromium (playwright-core, /usr/bin/chromium,
 * software WebGL): the real webview bundle `dist/webview/graph.js` on a page that stands in for
 * VS Code's webview (an `acquireVsCodeApi` stub answering the page's requests with the engine's
 * results). The payload is what the extension host sends (GraphSession: graph file + cached layout).
 *
 *   node esbuild.js --production && node --import tsx bench/graph-view-render.ts --graph path/to/x.graph.json [--runs 3]
 * (the production bundle is what the packaged extension runs; `--profile` reads better with the
 * development one, `node esbuild.js`)
 *
 * As in VS Code, the page opens at once and the host reads the graph meanwhile: the page's
 * `graph/ready` is answered with the `graph/load` message once the host's measured load time has
 * passed since the page opened (or at once, if the page was readier later). The page builds and
 * warms up its renderer while it waits (webview-ui/graph/main.ts).
 *
 * Prints: host load (graph file + layout, cached or not), the tool set's read (after the first
 * frame, as the panel reads it), the payload size, and per run: the time
 * from opening the panel to the first frame presented (the headline: what a user waits; goal for all
 * of ToolBench under 3 s), the time from the `graph/load` message to it, and the page's own split
 * (graphology graph, sigma indexing and drawing), read from its status line; then a timeline of
 * frames and long tasks (where the time went).
 * Then a walk of three steps over the first drawn edges (as "Sample from here" plays it: each step
 * is a full redraw, reducers over every node and edge and the walk's edges on their own program):
 * the slowest of its redraws, from the page's data-redraw-ms. Then a drag of the canvas (frames per
 * second while it moves) and the τ slider moved to 0.95 (the redraw, and the time until the engine's
 * counts at that τ, asked of GraphSession in this process, are shown).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { GraphSession } from '../src/extension/graphView/graphSession';

const repoRoot = path.resolve(__dirname, '..');
const { values } = parseArgs({ options: { graph: { type: 'string' }, runs: { type: 'string' }, chromium: { type: 'string' }, profile: { type: 'boolean' } } });
if (!values.graph) {
  console.error('usage: bench/graph-view-render.ts --graph <x.graph.json> (e.g. written by `toolflow graph toolenv_all.jsonl.gz --offline -o tb.graph.json`)');
  process.exit(1);
}

/** Browser flags: the e2e harness's, plus software WebGL (SwiftShader) since there is no GPU. */
export const WEBGL_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--enable-unsafe-swiftshader', '--use-angle=swiftshader'];

async function main(): Promise<void> {
  const t = performance.now();
  const session = await GraphSession.open(path.resolve(values.graph!));
  const p = session.payload;
  console.log(`host              ${p.nodes} tools, ${p.edges} edges, ${p.communities} communities; graph + layout loaded in ${Math.round(performance.now() - t)} ms (layout ${p.layoutCached ? 'cached' : 'computed and cached'})`);
  const st = session.timings;
  console.log(`  host phases     read + check the graph file ${st.readMs} ms, layout ${st.layoutMs} ms, payload (degrees, level of detail) ${st.payloadMs} ms; graph file ${(fs.statSync(values.graph!).size / 1e6).toFixed(1)} MB`);
  // Binary payload for the page: names as JSON, arrays as raw bytes.
  const arrays = { x: p.x, y: p.y, community: p.community, degree: p.degree, edgeSource: p.edgeSource, edgeTarget: p.edgeTarget, edgeSimilarity: p.edgeSimilarity };
  const meta = { ...p, ...Object.fromEntries(Object.keys(arrays).map((k) => [k, null])) };
  const bytes = Object.values(arrays).reduce((n, a) => n + a.byteLength, 0) + JSON.stringify(meta).length;
  console.log(`payload           ${(bytes / 1e6).toFixed(1)} MB (typed arrays + names)`);
  // One blob of the arrays (each at a 4-byte-aligned offset) and the rest as JSON.
  const offsets: Record<string, [number, number]> = {};
  const blobs: Buffer[] = [];
  let at = 0;
  for (const [k, a] of Object.entries(arrays)) {
    offsets[k] = [at, a.length];
    blobs.push(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    at += a.byteLength; // 4-byte elements: offsets stay aligned
  }
  const blob = Buffer.concat(blobs);
  const metaJson = JSON.stringify({ ...meta, __offsets: offsets });
  const hostMs = Math.round(performance.now() - t);
  // Not in the first render: the panel reads the tool set (a clicked tool's details) once the graph is drawn.
  const tt = performance.now();
  const toolCount = (await session.readTools()).size;
  const readMs = Math.round(performance.now() - tt);
  console.log(`  tool set        ${toolCount} tools read in ${readMs} ms after the first frame (${fs.existsSync(session.toolsFile) ? `${(fs.statSync(session.toolsFile).size / 1e6).toFixed(1)} MB, ` : ''}${path.basename(session.toolsFile)}; not on the first render's path)`);
  const page = `<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/graph.css"></head><body><div id="app"></div>
<script>
  // Where the wall time goes: when the load message reaches the page, main-thread long tasks, and
  // every animation frame (a frame that takes long is raster/compositing). Times are
  // performance.now(): milliseconds since the page (the panel) opened.
  window.__posted = [];
  window.__long = [];
  window.__frames = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__long.push([Math.round(e.startTime), Math.round(e.duration)]); }).observe({ entryTypes: ['longtask'] });
  window.addEventListener('message', () => { window.__received = performance.now(); }, { once: true });
  const tick = () => { window.__frames.push(Math.round(performance.now())); if (window.__frames.length < 3000) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  // The host's side: the payload, fetched and decoded by a worker (standing in for the extension
  // host, which holds it in memory) and handed to the page by structured clone, as VS Code hands a
  // webview its messages; posted in reply to graph/ready once the host's load time has passed since
  // the panel opened. A message that arrives while the page is busy waits, as in VS Code.
  const host = new Worker(URL.createObjectURL(new Blob([\`
    onmessage = async ({ data: origin }) => {
      const [meta, buf] = await Promise.all([fetch(origin + '/meta.json').then((r) => r.json()), fetch(origin + '/arrays.bin').then((r) => r.arrayBuffer())]);
      const types = { x: Float32Array, y: Float32Array, community: Int32Array, degree: Int32Array, edgeSource: Int32Array, edgeTarget: Int32Array, edgeSimilarity: Float32Array };
      for (const [k, T] of Object.entries(types)) meta[k] = new T(buf, meta.__offsets[k][0], meta.__offsets[k][1]);
      delete meta.__offsets;
      postMessage(meta, [buf]);
    };\`], { type: 'text/javascript' })));
  const payload = new Promise((resolve) => { host.onmessage = (e) => resolve(e.data); });
  host.postMessage(location.origin);
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => {
      window.__posted.push(m);
      // Requests (counts at τ, a tool's details) answered by the engine's GraphSession in the bench's process.
      if (m.kind === 'request') {
        void window.__hostRequest(JSON.stringify(m)).then((result) => window.postMessage({ kind: 'response', inReplyTo: m.id, result: JSON.parse(result) }, '*'));
        return;
      }
      if (m.method !== 'graph/ready' || window.__ready !== undefined) return;
      window.__ready = performance.now();
      window.__due = Math.max(window.__ready, ${hostMs});
      void payload.then((meta) => setTimeout(() => {
        window.__sent = performance.now();
        window.postMessage({ kind: 'notification', method: 'graph/load', params: meta }, '*');
      }, Math.max(0, window.__due - performance.now())));
    },
    getState: () => undefined,
    setState: () => {},
  });
</script>
<script type="module" src="/graph.js"></script></body></html>`;
  const server = http.createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0]!;
    if (url === '/favicon.ico') res.writeHead(204).end();
    else if (url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    else if (url === '/graph.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(fs.readFileSync(path.join(repoRoot, 'dist', 'webview', 'graph.js')));
    else if (url === '/graph.css') res.writeHead(200, { 'content-type': 'text/css' }).end(fs.readFileSync(path.join(repoRoot, 'media', 'graph.css')));
    else if (url === '/meta.json') res.writeHead(200, { 'content-type': 'application/json' }).end(metaJson);
    else if (url === '/arrays.bin') res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(blob);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const browser = await chromium.launch({ executablePath: values.chromium ?? '/usr/bin/chromium', headless: true, args: WEBGL_ARGS });
  try {
    for (let run = 0; run < Number(values.runs ?? 3); run++) {
      const tab = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await tab.exposeFunction('__hostRequest', async (raw: string) => {
        const m = JSON.parse(raw) as { method: string; params: { threshold: number; name?: string } };
        const result = m.method === 'graph/counts' ? session.counts(m.params.threshold) : m.method === 'graph/tool' ? await session.details(m.params.name!, m.params.threshold) : null;
        return JSON.stringify(result);
      });
      const errors: string[] = [];
      tab.on('pageerror', (e) => (errors.push(e.message), console.error('page error:', e.message)));
      tab.on('console', (m) => m.type() === 'error' && console.error('console:', m.text()));
      // --profile: the page's CPU profile of the first run (DevTools protocol), top functions by self time.
      const cdp = values.profile && run === 0 ? await tab.context().newCDPSession(tab) : undefined;
      if (cdp) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
        await cdp.send('Profiler.start');
      }
      await tab.goto(`http://127.0.0.1:${port}/`);
      await tab.waitForFunction("document.getElementById('graph-status')?.dataset.rendered === '1'", undefined, { timeout: 300_000 });
      const r = (await tab.evaluate("({ ms: Number(document.getElementById('graph-status').dataset.renderMs), graphMs: Number(document.getElementById('graph-status').dataset.graphMs), sigmaMs: Number(document.getElementById('graph-status').dataset.sigmaMs), sent: window.__sent, received: window.__received, ready: window.__ready, due: window.__due })")) as { ms: number; graphMs: number; sigmaMs: number; sent: number; received: number; ready: number; due: number };
      // Let the page settle, then show where the wall time went after the page's own measurement.
      await tab.waitForTimeout(3000);
      const f = (await tab.evaluate('({ frames: window.__frames, long: window.__long })')) as { frames: number[]; long: Array<[number, number]> };
      if (cdp) {
        const { profile } = (await cdp.send('Profiler.stop')) as { profile: { nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>; samples: number[]; timeDeltas: number[] } };
        const self = new Map<number, number>();
        profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
        const byName = new Map<string, number>();
        for (const n of profile.nodes) {
          const name = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop() ?? ''}:${n.callFrame.lineNumber}`;
          byName.set(name, (byName.get(name) ?? 0) + (self.get(n.id) ?? 0));
        }
        const top = [...byName].sort((a, b) => b[1] - a[1]).slice(0, 12);
        console.log(`  page profile    ${top.map(([k, us]) => `${Math.round(us / 1000)} ms ${k}`).join('; ')}`);
      }
      const rel = (t: number) => Math.round(t - r.sent);
      const gaps = f.frames.map((t, i) => [rel(f.frames[i - 1] ?? r.sent), t - (f.frames[i - 1] ?? r.sent)] as const).filter(([at, g]) => g > 100 && at >= -100);
      // The page's mark is taken in the animation-frame callback, before that frame is drawn; the
      // next frame starts once it has been (with software WebGL, after the frame is rasterised on the
      // main thread's GL calls).
      const mark = r.received + r.ms;
      // presented: the first frame after the mark that follows a pause (the first frame's raster), else the next one
      const after = f.frames.filter((t) => t > mark + 1);
      const presented = after.find((t, i) => i > 0 && t - after[i - 1]! > 100) ?? after[0] ?? NaN;
      console.log(`first render #${run + 1}   ${Math.round(presented)} ms from opening the panel to the first frame presented (goal < 3000); ${Math.round(presented - r.sent)} ms from the load message (page ready at ${Math.round(r.ready)} ms, host's load ${hostMs} ms, message due at ${Math.round(r.due)} ms, posted at ${Math.round(r.sent)} ms); in the page: graphology ${r.graphMs} ms, sigma index + draw ${r.sigmaMs - r.graphMs} ms, mark ${r.ms} ms after the message${errors.length ? `; page errors: ${errors.join('; ')}` : ''}`);
      console.log(`  timeline        (ms from the load message) delivered after ${Math.round(r.received - r.sent)}; page's first-frame mark at ${Math.round(mark - r.sent)}; first frame presented at ${Math.round(presented - r.sent)}; frames > 100 ms apart: ${gaps.map(([at, g]) => `${g} ms from ${at}`).join(', ') || 'none'}; long tasks: ${f.long.map(([at, d]) => `${d} ms at ${rel(at)}`).join(', ') || 'none'}`);
      // A walk as the host sends it: three steps along drawn edges of one tool.
      const names = p.names;
      // (the first tool that is the source of three drawn edges)
      const outDegree = new Map<number, number>();
      let first = p.edgeSource[0]!;
      for (const src of p.edgeSource) {
        const d = (outDegree.get(src) ?? 0) + 1;
        outDegree.set(src, d);
        if (d === 3) {
          first = src;
          break;
        }
      }
      const steps = [];
      for (let k = 0; k < p.edgeSource.length && steps.length < 3; k++) {
        if (p.edgeSource[k] === first) steps.push({ from: names[first]!, to: names[p.edgeTarget[k]!]!, added: true, similarity: p.edgeSimilarity[k]! });
      }
      const walk = { start: names[first]!, size: steps.length + 1, seed: 1, short: false, steps };
      await tab.evaluate(`(() => { window.__redraws = []; new MutationObserver(() => window.__redraws.push(Number(document.getElementById('graph-status').dataset.redrawMs))).observe(document.getElementById('graph-status'), { attributes: true, attributeFilter: ['data-redraw-ms'] }); window.postMessage({ kind: 'notification', method: 'graph/walk', params: ${JSON.stringify(walk)} }, '*'); })()`);
      await tab.waitForFunction("document.getElementById('graph-walk')?.dataset.done === 'true'", undefined, { timeout: 300_000 });
      const redraws = (await tab.evaluate('window.__redraws')) as number[];
      console.log(`walk redraw #${run + 1}    ${Math.max(...redraws)} ms slowest of ${redraws.length} redraws (${redraws.join(', ')} ms) for a walk of ${steps.length} steps`);
      await interactions(tab, run);
      if (run === 0) {
        const shot = path.join(repoRoot, 'test-artifacts', 'bench', 'graph-view-toolbench.png');
        fs.mkdirSync(path.dirname(shot), { recursive: true });
        await tab.screenshot({ path: shot });
        console.log(`screenshot        ${path.relative(repoRoot, shot)}`);
      }
      await tab.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
  console.log(`load average      ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.availableParallelism()} cores`);
}

/**
 * What a user does next, on the drawn graph: drag the canvas (sigma hides edges and labels while it
 * moves), move the τ slider (every drawn edge through the edge reducer; the engine's counts at that τ
 * from the host).
 */
async function interactions(tab: import('playwright-core').Page, run: number): Promise<void> {
  const box = (await tab.locator('#graph-canvas').boundingBox())!;
  const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
  // Drag: 30 mouse moves over ~1.5 s; frames drawn meanwhile.
  await tab.evaluate('window.__frames.length = 0');
  const t0 = (await tab.evaluate('performance.now()')) as number;
  await tab.mouse.move(cx, cy);
  await tab.mouse.down();
  for (let i = 1; i <= 30; i++) {
    await tab.mouse.move(cx + i * 6, cy + i * 3);
    await tab.waitForTimeout(50);
  }
  await tab.mouse.up();
  const t1 = (await tab.evaluate('performance.now()')) as number;
  await tab.waitForTimeout(1500);
  const frames = ((await tab.evaluate('window.__frames')) as number[]).filter((t) => t >= t0 && t <= t1);
  const gaps = frames.slice(1).map((t, i) => t - frames[i]!).sort((a, b) => a - b);
  // (a move is dispatched once the page is free: the time a move takes beyond its 50 ms pause is the redraw it waits for)
  const drawn = gaps.filter((g) => g > 34);
  const med = (a: number[]) => a[Math.floor(a.length / 2)] ?? NaN;
  console.log(`drag #${run + 1}           ${drawn.length} redraws while dragging (edges and labels hidden), median ${Math.round(med(drawn))} ms (about ${(1000 / med(drawn)).toFixed(0)} frames per second; software WebGL), max ${Math.round(gaps[gaps.length - 1] ?? NaN)} ms; each of 30 moves waited ${Math.round((t1 - t0 - 30 * 50) / 30)} ms on average for the page`);
  // τ slider to 0.95: the redraw, then the engine's counts at 0.95 shown.
  const tau = await tab.evaluate(`(() => new Promise((resolve) => {
    const status = document.getElementById('graph-status');
    const input = document.getElementById('graph-threshold');
    const t = performance.now();
    new MutationObserver((_r, o) => { if (status.dataset.countsThreshold === '0.95') { o.disconnect(); resolve({ counts: Math.round(performance.now() - t), redraw: Number(status.dataset.redrawMs), edges: status.dataset.edges }); } }).observe(status, { attributes: true });
    input.value = '0.95';
    input.dispatchEvent(new Event('input'));
  }))()`) as { counts: number; redraw: number; edges: string };
  console.log(`τ slider #${run + 1}       to 0.95: redraw ${tau.redraw} ms; the engine's counts (${tau.edges} edges) shown ${tau.counts} ms after the move (incl. the page's 120 ms debounce)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
