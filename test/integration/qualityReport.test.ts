/**
 * `toolflow report` end to end: two run folders (graph+plan and neither), EnR with the tiny NLI
 * test model (its numbers mean nothing), SS with GloVe, leakage against a small evaluation file,
 * `--json`, and the self-contained HTML rendered in headless Chromium: no network, no CSP or script
 * errors, the Table-2 comparison, one chart per distribution with bars drawn, model output shown
 * as text. A screenshot is kept in test-artifacts/quality/.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { toOpenAITool } from '../../src/engine/model/tool';
import type { RunQuality } from '../../src/shared/qualityReport';
import { runCli } from '../support/cliRun';
import { startLlmSimulator } from '../support/llm-simulator/server';
import { webviewHtml } from '../../src/extension/webview/webviewHtml';
import { buildReport } from '../../src/engine/quality/report/buildReport';
import { computeRunQuality } from '../../src/engine/quality/report/runQuality';
import { weatherTool } from '../support/pipeline/builders';
import { artifactsDir, buildReportBundle, CHROMIUM, openReport } from '../support/quality/reportPage';
import { buildTinyNliModel, ensureOfflineEmbeddingModel, tempDir, textDialogue, writeRun } from '../support/quality/runFolder';

/** A run folder named like markup: names are shown on the page and must stay text. */
const HOSTILE = '<img src=x onerror="document.title=\'pwned\'">';

describe('toolflow report: JSON and the HTML report in headless Chromium', () => {
  let dir: string;
  let tiny: string;
  before(async () => {
    dir = tempDir('report');
    tiny = buildTinyNliModel(path.join(dir, 'tiny-nli'));
    ensureOfflineEmbeddingModel();
    await buildReportBundle();
    const shared: Array<[string, string]> = [
      ['Please check the weather forecast for Lisbon this weekend because we plan a long picnic', 'Saturday is sunny and warm. Sunday has light clouds in the afternoon'],
      ['Then search flights from Porto to Lisbon on Friday morning for two adults', 'I found three direct flights leaving at 7, 9 and 11 in the morning'],
    ];
    writeRun(
      path.join(dir, 'graph-plan'),
      [
        textDialogue(0, shared),
        textDialogue(1, shared.map(([u, a]) => [u.replace('two adults', 'three adults'), a])),
        textDialogue(2, [['What is the weather in Oslo?', 'Cold and snowy.'], ['And in Bergen?', 'Rainy as usual.'], ['Book me a flight to Bergen then', 'Which date?']]),
      ],
      { sampling: 'walk', plan: true },
    );
    writeRun(
      path.join(dir, HOSTILE),
      [textDialogue(0, [['Weather in Rome', 'Sunny.'], ['Flights to Paris', 'Found two.']]), textDialogue(1, [['Flights to Paris', 'Found two.']])],
      { sampling: 'random', plan: false },
    );
    // An evaluation set that holds our weather tool verbatim (leaks by both rules) and an unrelated tool.
    const unrelated = { type: 'function', function: { name: 'compute_tax_rebate', description: 'Computes a tax rebate from yearly income and deductions.', parameters: { type: 'object', properties: { income: { type: 'number', description: 'yearly income' } }, required: ['income'] } } };
    fs.writeFileSync(path.join(dir, 'eval.json'), JSON.stringify([toOpenAITool(weatherTool), unrelated]));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('--json prints the figures of each run; quality.jsonl and duplicates.json are written', async () => {
    const out = path.join(dir, 'report.html');
    const r = await runCli(['report', 'graph-plan', HOSTILE, '-o', out, '--offline', '--nli-model', tiny, '--eval', 'eval.json', '--json'], { cwd: dir });
    assert.equal(r.code, 0, r.err);
    const { runs } = JSON.parse(r.out) as { runs: RunQuality[] };
    assert.deepEqual(runs.map((x) => x.name), ['graph-plan', HOSTILE]);
    const [a, b] = runs as [RunQuality, RunQuality];
    assert.deepEqual([a.settings.graph, a.settings.plan, b.settings.graph, b.settings.plan], [true, true, false, false]);
    assert.equal(a.stats.calls, 0);
    assert.equal(a.stats.callTurns, 0);
    assert.ok(a.stats.tokens > 50);
    assert.equal(typeof a.diversity.distinct3, 'number');
    assert.ok(a.diversity.entropy > 3);
    assert.equal(a.coherence.pairs, 4);
    assert.equal(typeof a.coherence.ss, 'number');
    assert.equal(typeof a.coherence.enr, 'number');
    assert.equal(a.duplicates.clusters, 1);
    assert.deepEqual(a.duplicates.top[0]!.members, ['d000000', 'd000001']);
    assert.equal(a.leakage!.ngram.leaking, 1);
    assert.deepEqual(a.leakage!.leaking.map((t) => [t.name, t.ngram?.closest, t.embedding?.closest]), [['get_weather', 'get_weather', 'get_weather']]);
    assert.ok(a.leakage!.leaking[0]!.embedding!.cosine > 0.999);
    assert.equal(a.leakage!.leaking[0]!.ngram!.share, 1, 'the same tool, imported from another file (keys reordered), is contaminated throughout');
    assert.equal(b.leakage!.tools, 2);
    assert.ok(fs.existsSync(path.join(dir, 'graph-plan', 'quality.jsonl')));
    assert.ok(fs.existsSync(path.join(dir, 'graph-plan', 'duplicates.json')));
    assert.match(r.err, /report: .*report\.html/);
    assert.ok(fs.existsSync(out));
  });

  test('the HTML renders offline in Chromium: comparison table, charts with bars, text-only model output', async () => {
    const file = path.join(dir, 'report.html');
    const html = fs.readFileSync(file, 'utf8');
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; script-src 'nonce-/);
    assert.doesNotMatch(html, /<script[^>]+src=/, 'no external script');
    const { browser, page, problems, network } = await openReport(file);
    try {
      await page.waitForSelector('body[data-rendered="true"]', { timeout: 20_000 });
      const rows = await page.$$eval('#comparison tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)));
      assert.equal(rows.length, 2);
      assert.deepEqual(rows.map((r) => r.slice(0, 3)), [['graph-plan', '✓', '✓'], [HOSTILE, '✗', '✗']], 'the markup-like run name is shown as text');
      const charts = await page.$$eval('canvas', (cs) =>
        cs.map((c) => {
          const ctx = (c as HTMLCanvasElement).getContext('2d')!;
          const { data } = ctx.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height);
          let blue = 0;
          for (let i = 0; i < data.length; i += 4) if (data[i]! < 40 && data[i + 1]! > 80 && data[i + 1]! < 130 && data[i + 2]! > 190) blue++;
          return blue;
        }),
      );
      const report = JSON.parse(html.slice(html.indexOf('toolflow-report-data">') + 22, html.indexOf('</script>'))) as { distributions: unknown[] };
      assert.equal(charts.length, report.distributions.length);
      assert.ok(charts.length >= 6);
      assert.ok(charts.every((n) => n > 50), `every chart has bars of the first run's colour: ${charts.join(', ')}`);
      const snippets = await page.$$eval('.snippet', (s) => s.map((x) => x.textContent ?? ''));
      assert.ok(snippets.some((s) => s.includes('saturday is sunny and warm')), `what near-duplicates share: ${snippets.join(' | ')}`);
      assert.equal(await page.$$eval('img, b', (n) => n.length), 0, 'no element was created from the run name');
      assert.notEqual(await page.title(), 'pwned');
      const leakRow = await page.$$eval('#leakage tbody tr', (trs) => trs.map((tr) => tr.textContent));
      assert.equal(leakRow.length, 2);
      fs.mkdirSync(artifactsDir, { recursive: true });
      await page.screenshot({ path: path.join(artifactsDir, 'quality-report.png'), fullPage: true });
      assert.deepEqual(problems, []);
      assert.deepEqual(network, []);
    } finally {
      await browser.close();
    }
  });

  test('bad input: a folder that is not a run, and a missing evaluation file, are one-line errors', async () => {
    fs.mkdirSync(path.join(dir, 'empty'), { recursive: true });
    const notRun = await runCli(['report', 'empty', '--offline', '--no-nli'], { cwd: dir });
    assert.equal(notRun.code, 1);
    assert.match(notRun.err, /empty holds no dialogues.jsonl: not a run folder/);
    const noEval = await runCli(['report', 'graph-plan', '--offline', '--no-nli', '--eval', 'nope.json'], { cwd: dir });
    assert.equal(noEval.code, 1);
    assert.match(noEval.err, /cannot read ".*nope\.json": no such file or folder/);
    assert.doesNotMatch(noEval.err + notRun.err, /at .*\.ts:\d+/, 'no stack trace');
  });

  test('--no-nli: EnR is absent (not zero) and the report still lists SS, H and D-3', async () => {
    const r = await runCli(['report', HOSTILE, '--offline', '--no-nli', '--json', '-o', 'b.html'], { cwd: dir });
    assert.equal(r.code, 0, r.err);
    const run = JSON.parse(r.out) as RunQuality;
    assert.equal(run.coherence.enr, undefined);
    assert.equal(typeof run.coherence.ss, 'number');
    assert.equal(run.stats.dialogues, 2);
  });

  test('--judge through the judge role (simulator): means of the four criteria in --json and on the page', async () => {
    const sim = await startLlmSimulator({ seed: 'report-judge' });
    try {
      const r = await runCli(['report', 'graph-plan', '--offline', '--no-nli', '--judge', '--judge-sample', 'all', '--json', '-o', 'j.html'], {
        cwd: dir,
        env: { OPENAI_BASE_URL: sim.url, TOOLFLOW_MODEL: 'sim', TOOLFLOW_JUDGE_MODEL: 'sim-judge' },
      });
      assert.equal(r.code, 0, r.err);
      const run = JSON.parse(r.out) as RunQuality;
      assert.equal(run.judge!.judged, 3);
      assert.equal(run.judge!.model, 'sim-judge');
      assert.equal(sim.stats.byKind.judge, 3);
      // The simulator's rules: d000002 asks one question ("Which date?") -> helpfulness 4, the others 5.
      assert.ok(Math.abs(run.judge!.helpfulness - 14 / 3) < 1e-9);
      const again = await runCli(['report', 'graph-plan', '--offline', '--no-nli', '--judge', '--judge-sample', 'all', '--json', '-o', 'j.html'], {
        cwd: dir,
        env: { OPENAI_BASE_URL: sim.url, TOOLFLOW_MODEL: 'sim', TOOLFLOW_JUDGE_MODEL: 'sim-judge' },
      });
      assert.equal(again.code, 0, again.err);
      assert.equal(sim.stats.byKind.judge, 3, 'judged dialogues are not sent again');
    } finally {
      await sim.close();
    }
  });

  test('--offline with the default NLI model: one warning line saying EnR is skipped and what to do; exit 0', async () => {
    const r = await runCli(['report', 'graph-plan', '--offline', '--json', '-o', 'o.html', '--cache-dir', 'empty-cache'], { cwd: dir });
    assert.equal(r.code, 0, r.err);
    const warning = r.err.split('\n').filter((l) => l.includes('EnR skipped'));
    assert.equal(warning.length, 1);
    assert.match(warning[0]!, /^warning: EnR skipped: NLI model Xenova\/nli-deberta-v3-xsmall: missing .*; run once with network .* or pass --nli-model <folder>/);
    const run = JSON.parse(r.out) as RunQuality;
    assert.equal(run.coherence.enr, undefined);
    assert.ok(run.notes.some((n) => n.startsWith('EnR skipped')));
  });

  test('the webview path: the page asks for the report, draws it from a message, shows errors as text', async () => {
    const report = buildReport([await computeRunQuality(path.join(dir, 'graph-plan'))]);
    // The webview shell of the extension (strict CSP, nonce'd module script), served over HTTP as a webview would load it.
    const bundle = fs.readFileSync(path.join(__dirname, '..', '..', 'dist', 'webview', 'report.js'));
    const server = http.createServer((req, res) => {
      if (req.url === '/report.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
      else res.writeHead(200, { 'content-type': 'text/html' }).end(webviewHtml({ cspSource: 'http://127.0.0.1:*', nonce: 'bm9uY2U', title: 'Quality', scriptUri: '/report.js' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { chromium } = await import('playwright-core');
    const b = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const p = await b.newPage();
      const errors: string[] = [];
      p.on('pageerror', (e) => errors.push(e.message));
      p.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      // A string, not a function: tsx would add its __name helper to a serialised function.
      await p.addInitScript({ content: 'window.sent = []; window.acquireVsCodeApi = function () { return { postMessage: function (m) { window.sent.push(m); }, getState: function () {}, setState: function () {} }; };' });
      await p.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      await p.waitForFunction(() => (window as unknown as { sent: unknown[] }).sent.length > 0);
      assert.deepEqual(await p.evaluate(() => (window as unknown as { sent: unknown[] }).sent), [{ type: 'report/ready' }]);
      assert.match((await p.textContent('#report-status')) ?? '', /Computing the quality report/);
      await p.evaluate((m) => window.postMessage({ type: 'report/error', message: m }, '*'), '<b>model</b> unavailable');
      await p.waitForFunction(() => document.getElementById('report-status')?.textContent?.includes('unavailable'));
      assert.equal(await p.$$eval('#app b', (n) => n.length), 0, 'an error message is text');
      await p.evaluate((r) => window.postMessage({ type: 'report/data', report: r }, '*'), report as unknown as Record<string, unknown>);
      await p.waitForSelector('body[data-rendered="true"]');
      assert.equal(await p.$$eval('#comparison tbody tr', (n) => n.length), 1);
      assert.equal(await p.$$eval('canvas', (n) => n.length), report.distributions.length);
      fs.mkdirSync(artifactsDir, { recursive: true });
      await p.screenshot({ path: path.join(artifactsDir, 'quality-report-webview-shell.png') });
      assert.deepEqual(errors, []);
    } finally {
      await b.close();
      server.close();
    }
  });
});
