/**
 * `toolflow generate --review-completion`, then the next command with the decided review, against
 * the LLM simulator: the dialogues' offered tools carry exactly the accepted descriptions.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLlmSimulator, type LlmSimulator } from '../../support/llm-simulator/server';
import { tool, weatherTool } from '../../support/pipeline/builders';
import { readLines } from '../../support/pipeline/harness';
import { runCli } from '../../support/cliRun';
import type { DialogueRecord } from '../../../src/engine/pipeline/types';
import type { Tool } from '../../../src/engine/model/tool';
import type { CompletionReview } from '../../../src/engine/pipeline/completion/completionReviewFile';

let sim: LlmSimulator;
let work: string;
before(async () => {
  sim = await startLlmSimulator({ seed: 'cli-review' });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'toolflow-gen-review-'));
});
after(async () => {
  await sim.close();
});

const blank = (name: string, param: string): Tool => ({ ...tool(name, { [param]: { type: 'string' } }, [param]), description: '' });
const hotel = blank('book_hotel', 'city');
const taxi = blank('call_taxi', 'address');

function writeTools(name: string, tools: Tool[]): string {
  const file = path.join(work, name);
  fs.writeFileSync(file, JSON.stringify({ format: 'toolflow.tools', version: 1, sources: [], tools, diagnostics: [] }));
  return file;
}

const run = (args: string[]) => runCli(['generate', ...args], { cwd: work, env: { OPENAI_BASE_URL: sim.url, TOOLFLOW_MODEL: 'sim' } });

describe('toolflow generate --review-completion', () => {
  test('accepting one tool only: the run offers exactly its completed description and the others\' source text', async () => {
    const tools = writeTools('r.tools.json', [weatherTool, hotel, taxi]);
    // three tools per dialogue out of three: every dialogue offers all of them
    const common = ['--tools', tools, '--count', '3', '--no-graph', '--tools-per-dialogue', '3', '--plan-steps', '2', '--seed', '5'];
    const first = await run([...common, '--out', 'run-r', '--review-completion', '--json']);
    assert.equal(first.code, 0, first.err);
    const reviewFile = path.join(work, 'run-r', 'completion-review.json');
    assert.equal((JSON.parse(first.out) as { reviewFile: string }).reviewFile, reviewFile);
    assert.match(first.err, /set each "decision"/);
    assert.ok(!fs.existsSync(path.join(work, 'run-r', 'dialogues.jsonl')), 'stops before generating');
    const review = JSON.parse(fs.readFileSync(reviewFile, 'utf8')) as CompletionReview;
    assert.deepEqual(review.tools.map((t) => [t.name, t.decision]), [['book_hotel', 'pending'], ['call_taxi', 'pending']], 'only the tools with gaps, all pending');

    // undecided: refused, naming the file and the pointer, nothing generated
    const pending = await run([...common, '--out', 'run-r']);
    assert.equal(pending.code, 1);
    assert.match(pending.err, new RegExp(`${reviewFile.replace(/[.\\/]/g, '\\$&')}:\\d+#/tools/0/decision: 2 decision\\(s\\) still "pending"`));
    assert.ok(!fs.existsSync(path.join(work, 'run-r', 'dialogues.jsonl')));

    // accept call_taxi only
    review.tools[1]!.decision = 'accepted';
    review.tools[0]!.decision = 'rejected';
    fs.writeFileSync(reviewFile, JSON.stringify(review, null, 2));
    const calls = sim.stats.bySchema['tool_completion'] ?? 0;
    const r = await run([...common, '--out', 'run-r']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /1 tool\(s\) accepted \(call_taxi\), 1 rejected/);
    assert.equal(sim.stats.bySchema['tool_completion'] ?? 0, calls, 'no completion call: the review decides');

    const completedTaxi = review.tools[1]!.fills.find((f) => f.pointer === '/description')!.completed as string;
    assert.ok(completedTaxi.length > 0);
    const records = readLines(path.join(work, 'run-r')) as unknown as DialogueRecord[];
    assert.equal(records.length, 3);
    for (const rec of records) {
      const offered = new Map(rec.tools.map((t) => [t.function.name, t.function]));
      assert.equal(offered.get('call_taxi')?.description, completedTaxi, `${rec.id} offers the accepted description`);
      assert.equal(offered.get('call_taxi')?.parameters.properties.address?.description, review.tools[1]!.fills.find((f) => f.pointer === '/parameters/properties/address/description')!.completed);
      assert.equal(offered.get('book_hotel')?.description, '', `${rec.id} offers the rejected tool with its source (empty) description`);
      assert.equal(offered.get('book_hotel')?.parameters.properties.city?.description, undefined);
      assert.equal(offered.get('get_weather')?.description, weatherTool.description);
    }
    const runTools = (JSON.parse(fs.readFileSync(path.join(work, 'run-r', 'tools.json'), 'utf8')) as { tools: Tool[] }).tools;
    assert.deepEqual(runTools.find((t) => t.name === 'book_hotel')!.generated, undefined, 'nothing generated is marked on the rejected tool');
    assert.ok(runTools.find((t) => t.name === 'call_taxi')!.generated?.includes('/description'));
  });

  test('a review made for other tools is refused as stale; --completion-review reads a review from anywhere', async () => {
    const tools = writeTools('s.tools.json', [weatherTool, hotel, taxi]);
    const common = ['--count', '2', '--no-graph', '--tools-per-dialogue', '3', '--plan-steps', '2'];
    assert.equal((await run(['--tools', tools, ...common, '--out', 'run-s', '--review-completion'])).code, 0);
    const reviewFile = path.join(work, 'run-s', 'completion-review.json');
    const moved = path.join(work, 'decided.json');
    fs.writeFileSync(moved, fs.readFileSync(reviewFile, 'utf8').replaceAll('"pending"', '"accepted"'));
    fs.rmSync(reviewFile);

    // the source tools changed since the review
    const changed = writeTools('s2.tools.json', [weatherTool, { ...hotel, parameters: { ...hotel.parameters, required: [] } }, taxi]);
    const stale = await run(['--tools', changed, ...common, '--out', 'run-s2', '--completion-review', moved]);
    assert.equal(stale.code, 1);
    assert.match(stale.err, /decided\.json:\d+#\/sourceHash: the review is stale/);
    assert.match(stale.err, /--review-completion/);
    assert.ok(!fs.existsSync(path.join(work, 'run-s2', 'dialogues.jsonl')));

    const bad = await run(['--tools', tools, ...common, '--out', 'run-s', '--completion-review', moved, '--no-complete']);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /--completion-review cannot be combined with --no-complete/);

    const ok = await run(['--tools', tools, ...common, '--out', 'run-s', '--completion-review', moved]);
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.err, /2 tool\(s\) accepted/);
    const records = readLines(path.join(work, 'run-s')) as unknown as DialogueRecord[];
    for (const rec of records) for (const t of rec.tools) assert.ok(t.function.description.length > 0, `${t.function.name} completed`);
    const resumed = await run(['--out', 'run-s', '--resume', '--completion-review', moved]);
    assert.equal(resumed.code, 1);
    assert.match(resumed.err, /--completion-review applies to a new run/);
  });
});
