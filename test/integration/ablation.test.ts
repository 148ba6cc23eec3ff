/**
 * `toolflow ablation` against the LLM simulator (test double): four runs (graph on/off x plan
 * on/off) on the same tools, count and seed, the tool graph built once, then the comparison report;
 * a second call resumes and only recomputes the report.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunManifest } from '../../src/engine/pipeline/types';
import type { RunQuality } from '../../src/shared/qualityReport';
import { runCli } from '../support/cliRun';
import { startLlmSimulator, type LlmSimulator } from '../support/llm-simulator/server';
import { flightTool, tool, weatherTool } from '../support/pipeline/builders';
import { buildReportBundle } from '../support/quality/reportPage';
import { ensureOfflineEmbeddingModel, tempDir } from '../support/quality/runFolder';

describe('toolflow ablation', () => {
  let sim: LlmSimulator;
  let work: string;
  let env: Record<string, string>;
  before(async () => {
    sim = await startLlmSimulator({ seed: 'ablation' });
    env = { OPENAI_BASE_URL: sim.url, TOOLFLOW_MODEL: 'sim' };
    work = tempDir('ablation');
    ensureOfflineEmbeddingModel();
    await buildReportBundle();
    const hotel = tool('book_hotel', { city: { type: 'string', description: 'city of the hotel' }, nights: { type: 'integer', description: 'number of nights' } }, ['city', 'nights'], {
      type: 'object',
      properties: { booking_id: { type: 'string', description: 'booking reference' } },
    });
    fs.writeFileSync(path.join(work, 'tools.json'), JSON.stringify({ format: 'toolflow.tools', version: 1, sources: [], tools: [weatherTool, flightTool, hotel], diagnostics: [] }));
  });
  after(async () => {
    await sim.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  test('four settings with the same count and seed, one graph, one comparison report', async () => {
    const r = await runCli(['ablation', '--tools', 'tools.json', '--count', '3', '--seed', '7', '--out', 'abl', '--offline', '--no-complete', '--no-nli', '--json'], { cwd: work, env });
    assert.equal(r.code, 0, r.err);
    const { runs } = JSON.parse(r.out) as { runs: RunQuality[] };
    assert.deepEqual(
      runs.map((x) => [x.name, x.settings.graph, x.settings.plan, x.settings.count, x.settings.seed]),
      [
        ['graph-plan', true, true, 3, 7],
        ['graph-noplan', true, false, 3, 7],
        ['nograph-plan', false, true, 3, 7],
        ['nograph-noplan', false, false, 3, 7],
      ],
    );
    for (const run of runs) assert.ok(run.stats.dialogues + run.stats.rejected === 3, `${run.name}: 3 dialogues`);
    const manifests = runs.map((x) => JSON.parse(fs.readFileSync(path.join(work, 'abl', x.name, 'manifest.json'), 'utf8')) as RunManifest);
    assert.equal(manifests[1]!.graphSource, path.join(work, 'abl', 'graph-plan', 'graph.json'), 'the second graph run reuses the first one\'s graph');
    assert.equal(fs.existsSync(path.join(work, 'abl', 'graph-noplan', 'graph.json')), false);
    // Plans only where planning is on.
    const firstRecord = (name: string) => JSON.parse(fs.readFileSync(path.join(work, 'abl', name, 'dialogues.jsonl'), 'utf8').split('\n')[0]!) as { plan: unknown };
    assert.notEqual(firstRecord('graph-plan').plan, null);
    assert.equal(firstRecord('graph-noplan').plan, null);
    assert.ok(fs.existsSync(path.join(work, 'abl', 'ablation-report.html')));
    assert.doesNotMatch(r.out.trim(), /\n/, '--json prints exactly one line (generate summaries go to stderr)');

    // Again: every run is complete, nothing is generated, the report is recomputed.
    const before = sim.stats.requests;
    const again = await runCli(['ablation', '--tools', 'tools.json', '--count', '3', '--seed', '7', '--out', 'abl', '--offline', '--no-complete', '--no-nli', '--json'], { cwd: work, env });
    assert.equal(again.code, 0, again.err);
    assert.match(again.err, /graph-plan: graph on, plan on \(resuming\)/);
    assert.equal(sim.stats.requests, before, 'no new LLM request for complete runs');
  });

  test('missing options are one-line errors naming the option', async () => {
    const r = await runCli(['ablation', '--tools', 'tools.json', '--out', 'x'], { cwd: work, env });
    assert.equal(r.code, 1);
    assert.match(r.err, /--count N is required/);
  });
});
