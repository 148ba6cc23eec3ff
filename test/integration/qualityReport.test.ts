/**
 * `toolflow report` end to end: two run folders (graph+plan and neither), EnR with the tiny NLI
 * test model (its numbers mean nothing), SS with GloVe, leakage against a small evaluation file,
 * `--json`, and the self-contained HTML rendered in headless Chromium: no network, no CSP or script
 * errors, the Table-2 comparison, one chart per distribution with bars drawn, model output shown
 * as text. A screenshot is kept in test-artifacts/quality/.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { toOpenAITool } from '../../src/engine/model/tool';
import type { RunQuality } from '../../src/shared/qualityReport';
import { runCli } from '../support/cliRun';
import { weatherTool } from '../support/pipeline/builders';
import { artifactsDir, buildReportBundle, openReport } from '../support/quality/reportPage';
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
});
