/** `toolflow generate` in-process against the LLM simulator: arguments, errors, completion, run, resume. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLlmSimulator, type LlmSimulator } from '../../support/llm-simulator/server';
import { flightTool, tool, weatherTool } from '../../support/pipeline/builders';
import { readLines } from '../../support/pipeline/harness';
import { runCli } from '../../support/cliRun';
import type { DialogueRecord } from '../../../src/engine/pipeline/types';
import type { Tool } from '../../../src/engine/model/tool';

let sim: LlmSimulator;
let work: string;
before(async () => {
  sim = await startLlmSimulator({ seed: 'cli' });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'toolflow-gen-cli-'));
});
after(async () => {
  await sim.close();
});

/** A hotel tool with no descriptions and no return schema, as importers leave them. */
const bare: Tool = {
  ...tool('book_hotel', { city: { type: 'string' }, nights: { type: 'integer' } }, ['city', 'nights']),
  description: '',
  missing: ['/description', '/parameters/properties/city/description', '/parameters/properties/nights/description', '/returns'],
};

function writeTools(name: string, tools: Tool[]): string {
  const file = path.join(work, name);
  fs.writeFileSync(file, JSON.stringify({ format: 'toolflow.tools', version: 1, sources: [], tools, diagnostics: [] }));
  return file;
}

const run = (args: string[], env: Record<string, string> = { OPENAI_BASE_URL: sim.url, TOOLFLOW_MODEL: 'sim' }) => runCli(['generate', ...args], { cwd: work, env });

describe('toolflow generate', () => {
  test('with no endpoint it explains how to point at OpenAI or a local server', async () => {
    const tools = writeTools('a.tools.json', [weatherTool, flightTool]);
    const r = await run(['--tools', tools, '--count', '2', '--out', 'x', '--no-graph'], {});
    assert.equal(r.code, 1);
    assert.match(r.err, /OPENAI_API_KEY/);
    assert.match(r.err, /Ollama|vLLM/);
  });

  test('bad input: one-line errors naming what is wrong', async () => {
    let r = await run(['--count', '2', '--out', 'x', '--no-graph']);
    assert.equal(r.code, 1);
    assert.match(r.err, /--tools/);
    r = await run(['--tools', 'nope.json', '--count', '2', '--out', 'x', '--no-graph']);
    assert.equal(r.code, 1);
    assert.match(r.err, /nope\.json/);
    fs.writeFileSync(path.join(work, 'broken.json'), '{"format": "toolflow.tools", "tools": [');
    r = await run(['--tools', 'broken.json', '--count', '2', '--out', 'x', '--no-graph']);
    assert.equal(r.code, 1);
    assert.match(r.err, /broken\.json/);
    assert.doesNotMatch(r.err, /at .*\.ts:\d+/, 'no stack trace');
    const tools = writeTools('b.tools.json', [weatherTool]);
    r = await run(['--tools', tools, '--count', 'many', '--out', 'x', '--no-graph']);
    assert.equal(r.code, 1);
    assert.match(r.err, /--count/);
    r = await run(['--tools', tools, '--count', '2', '--out', 'x', '--no-graph', '--plan-steps', '4-2']);
    assert.equal(r.code, 1);
    assert.match(r.err, /--plan-steps must be N or MIN-MAX/);
    r = await run(['--tools', tools, '--count', '2', '--out', 'x', '--no-graph', '--irrelevance-rate', '2']);
    assert.equal(r.code, 1);
    assert.match(r.err, /--irrelevance-rate/);
  });

  test('--irrelevance-rate goes into the manifest and every plan gets one irrelevant step at 1', async () => {
    const tools = writeTools('i.tools.json', [weatherTool, flightTool]);
    const r = await run(['--tools', tools, '--count', '2', '--out', 'run-i', '--no-graph', '--no-complete', '--irrelevance-rate', '1', '--plan-steps', '3']);
    assert.equal(r.code, 0, r.err);
    const manifest = JSON.parse(fs.readFileSync(path.join(work, 'run-i', 'manifest.json'), 'utf8')) as { options: { irrelevanceRate?: number } };
    assert.equal(manifest.options.irrelevanceRate, 1);
    const records = fs.readFileSync(path.join(work, 'run-i', 'dialogues.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { plan: { steps: Array<{ kind: string }> } | null });
    for (const rec of records) assert.equal(rec.plan?.steps.filter((s) => s.kind === 'irrelevant').length, 1);
  });

  test('completes missing tool fields (reviewable diff, cached), then generates N dialogues; --json summary', async () => {
    const tools = writeTools('c.tools.json', [weatherTool, flightTool, bare]);
    const review = await run(['--tools', tools, '--count', '6', '--out', 'run-c', '--no-graph', '--review-completion', '--seed', '3']);
    assert.equal(review.code, 0, review.err);
    const diff = fs.readFileSync(path.join(work, 'run-c', 'completion.diff'), 'utf8');
    assert.match(diff, /book_hotel/);
    assert.match(diff, /@@ \/returns @@/);
    assert.match(diff, /@@ \/parameters\/properties\/city\/description @@/);
    assert.ok(!fs.existsSync(path.join(work, 'run-c', 'dialogues.jsonl')), 'review stops before generating');
    const converterCalls = sim.stats.bySchema['tool_completion'] ?? 0;
    assert.ok(converterCalls >= 1);
    // the review file the next command reads: accept every tool
    const reviewFile = path.join(work, 'run-c', 'completion-review.json');
    fs.writeFileSync(reviewFile, fs.readFileSync(reviewFile, 'utf8').replaceAll('"decision": "pending"', '"decision": "accepted"'));

    const r = await run(['--tools', tools, '--count', '6', '--out', 'run-c', '--no-graph', '--seed', '3', '--concurrency', '3', '--tools-per-dialogue', '2-3', '--plan-steps', '2', '--json']);
    assert.equal(r.code, 0, r.err);
    assert.equal(sim.stats.bySchema['tool_completion'] ?? 0, converterCalls, 'the second run takes completions from the review');
    assert.ok(fs.existsSync(path.join(work, 'run-c', 'completion-cache.json')), 'the completion cache lives in the run folder');
    assert.deepEqual(fs.readdirSync(work).filter((f) => f.includes('completion')), [], 'nothing is written beside the input tool set');
    const summary = JSON.parse(r.out) as { done: number; total: number; reason: string };
    assert.deepEqual([summary.done, summary.total, summary.reason], [6, 6, 'completed']);
    assert.match(r.err, /6\/6 dialogues/);
    const lines = readLines(path.join(work, 'run-c')) as unknown as DialogueRecord[];
    assert.equal(lines.length, 6);
    for (const l of lines) assert.ok(l.tools.length >= 2 && l.tools.length <= 3);
    const runTools = JSON.parse(fs.readFileSync(path.join(work, 'run-c', 'tools.json'), 'utf8')) as { tools: Tool[] };
    const hotel = runTools.tools.find((t) => t.name === 'book_hotel')!;
    assert.ok(hotel.description.length > 0 && hotel.returns, 'the run uses the completed tool');
    assert.ok(hotel.generated?.includes('/returns'));
    const offeredHotel = lines.flatMap((l) => l.tools).find((t) => t.function.name === 'book_hotel');
    if (offeredHotel) assert.equal(offeredHotel.function.description, hotel.description);

    // A second generate into the same folder must not clobber it.
    const again = await run(['--tools', tools, '--count', '6', '--out', 'run-c', '--no-graph', '--no-complete']);
    assert.equal(again.code, 1);
    assert.match(again.err, /--resume/);
    // Resume of a finished run is a no-op that still reports N.
    const resumed = await run(['--out', 'run-c', '--resume', '--json']);
    assert.equal(resumed.code, 0, resumed.err);
    assert.equal((JSON.parse(resumed.out) as { done: number }).done, 6);
    assert.equal(readLines(path.join(work, 'run-c')).length, 6);
  });

  test('without --graph it builds the tool graph itself (--offline: embedded model), walks it, and --resume reuses it', async () => {
    const tools = writeTools('g.tools.json', [weatherTool, flightTool, bare]);
    const env = { OPENAI_BASE_URL: sim.url, TOOLFLOW_MODEL: 'sim', TOOLFLOW_CACHE_DIR: path.join(work, 'cache') };
    const r = await run(['--tools', tools, '--count', '3', '--out', 'run-g', '--offline', '--no-complete', '--max-tokens', '2500', '--json'], env);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /building the tool graph/);
    const graphFile = path.join(work, 'run-g', 'graph.json');
    assert.ok(fs.existsSync(graphFile));
    const manifest = JSON.parse(fs.readFileSync(path.join(work, 'run-g', 'manifest.json'), 'utf8')) as { options: { sampling: string }; graphSource: string };
    assert.equal(manifest.options.sampling, 'walk');
    assert.equal(manifest.graphSource, graphFile);
    const summary = JSON.parse(r.out) as { reason: string; done: number };
    // The small budget stops the run early (exit 0, resumable); the resume walks the saved graph to the end.
    assert.equal(summary.reason, 'budget-exceeded');
    assert.ok(summary.done < 3);
    {
      const m = JSON.parse(fs.readFileSync(path.join(work, 'run-g', 'manifest.json'), 'utf8')) as { options: { maxTokens?: number } };
      delete m.options.maxTokens;
      fs.writeFileSync(path.join(work, 'run-g', 'manifest.json'), JSON.stringify(m));
      const again = await run(['--out', 'run-g', '--resume', '--offline'], env);
      assert.equal(again.code, 0, again.err);
      assert.doesNotMatch(again.err, /building the tool graph/);
    }
    assert.equal(readLines(path.join(work, 'run-g')).length, 3);
  });

  test('retries of the LLM client are reported on stderr and the run completes', async () => {
    const tools = writeTools('r.tools.json', [weatherTool, flightTool]);
    sim.resetStats();
    sim.setFaults([{ fault: 'server-error', requests: [1, 2] }]);
    try {
      const r = await run(['--tools', tools, '--count', '1', '--out', 'run-r', '--no-graph']);
      assert.equal(r.code, 0, r.err);
      assert.match(r.err, /warning: \w+ request server-error \(attempt 1\), retrying/);
      assert.equal(readLines(path.join(work, 'run-r')).length, 1);
    } finally {
      sim.setFaults([]);
    }
  });

  test('an output folder that cannot be written is a one-line user error', async () => {
    const tools = writeTools('w.tools.json', [weatherTool, flightTool]);
    fs.writeFileSync(path.join(work, 'a-file'), 'x');
    const r = await run(['--tools', tools, '--count', '1', '--out', 'a-file/run', '--no-graph', '--no-complete']);
    assert.equal(r.code, 1);
    assert.match(r.err, /cannot \w+ .*a-file.*(ENOTDIR|EEXIST)/);
    assert.doesNotMatch(r.err, /internal error/);
  });

  test('--resume on a folder that is not a run says so', async () => {
    const r = await run(['--out', 'nothing-here', '--resume']);
    assert.equal(r.code, 1);
    assert.match(r.err, /not a run folder/);
  });
});
