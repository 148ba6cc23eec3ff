/**
 * `toolflow export` on a run generated in the test against the LLM simulator: the OpenAI file passes
 * OpenAI's published chat fine-tuning checks with one line per accepted dialogue (reviewer verdicts
 * applied); the Hugging Face export (JSONL, Parquet, dataset card) renders through Qwen2.5's template
 * with every call intact; ShareGPT gets its dataset_info.json; Hermes round-trips; --split-by tools
 * leaves no tool on both sides and says what it dropped; --dedupe; bad input.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Template } from '@huggingface/jinja';
import { parse as parseYaml } from 'yaml';
import { startLlmSimulator, type LlmSimulator } from '../../support/llm-simulator/server';
import { flightTool, tool, weatherTool } from '../../support/pipeline/builders';
import { hotelTool } from '../../support/export/records';
import { runCli } from '../../support/cliRun';
import { cookbookFormatErrors, cookbookTokens, toolCallErrors } from '../../support/export/openaiCookbookChecks';
import { exportRun, formatModule, recordTrace, toolsOf } from '../../../src/engine/export';
import { readParquetSamples } from '../../../src/engine/export/parquet';
import { effectiveStatus } from '../../../src/engine/review/reviewState';
import type { DialogueRecord } from '../../../src/engine/pipeline/types';
import type { Tool } from '../../../src/engine/model/tool';

let sim: LlmSimulator;
let work: string;
let run: string;
let records: DialogueRecord[];

const extraTools: Tool[] = [
  tool('convert_currency', { amount: { type: 'number', description: 'amount' }, from: { type: 'string', description: 'from currency' }, to: { type: 'string', description: 'to currency' } }),
  tool('get_time', { timezone: { type: 'string', description: 'IANA time zone' } }),
  tool('translate_text', { text: { type: 'string', description: 'text' }, target: { type: 'string', description: 'target language' } }),
  tool('find_restaurant', { city: { type: 'string', description: 'city' }, cuisine: { type: 'string', description: 'cuisine' } }, ['city']),
];

const readJsonl = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
const cli = (args: string[]) => runCli(args, { cwd: work, env: {} });

before(async () => {
  sim = await startLlmSimulator({ seed: 'export' });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'toolflow-export-'));
  fs.writeFileSync(path.join(work, 't.tools.json'), JSON.stringify({ format: 'toolflow.tools', version: 1, sources: [], tools: [weatherTool, flightTool, hotelTool, ...extraTools], diagnostics: [] }));
  const g = await runCli(['generate', '--tools', 't.tools.json', '--count', '16', '--out', 'run', '--no-graph', '--no-complete', '--seed', '4', '--tools-per-dialogue', '2-3', '--plan-steps', '2-3'], {
    cwd: work,
    env: { OPENAI_BASE_URL: sim.url, TOOLFLOW_MODEL: 'sim' },
  });
  assert.equal(g.code, 0, g.err);
  run = path.join(work, 'run');
  // A reviewer rejects one accepted dialogue and accepts nothing else: the export must follow the verdict.
  const lines = readJsonl(path.join(run, 'dialogues.jsonl')) as unknown as DialogueRecord[];
  const victim = lines.find((r) => r.status === 'accepted')!;
  (victim as DialogueRecord & { review?: unknown }).review = { verdict: 'rejected', note: 'not natural', reviewed: true };
  fs.writeFileSync(path.join(run, 'dialogues.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  records = lines.sort((a, b) => a.index - b.index);
});
after(async () => {
  await sim.close();
});

const accepted = () => records.filter((r) => effectiveStatus(r) === 'accepted');

describe('toolflow export on a generated run', () => {
  test('the run has accepted dialogues with tool calls, parallel ones included, and a reviewer rejection', () => {
    assert.ok(accepted().length >= 8, `accepted: ${accepted().length}`);
    assert.ok(records.some((r) => r.status === 'accepted' && effectiveStatus(r) === 'rejected'));
    assert.ok(accepted().some((r) => r.messages.some((m) => m.role === 'assistant' && (m.tool_calls?.length ?? 0) > 1)), 'a parallel call to carry through');
  });

  test('openai: one line per accepted dialogue, passing OpenAI\'s cookbook format checks, tool rules and token limit', async () => {
    const r = await cli(['export', 'run', '--format', 'openai', '-o', 'out/openai.jsonl', '--json']);
    assert.equal(r.code, 0, r.err);
    const lines = readJsonl(path.join(work, 'out/openai.jsonl'));
    assert.equal(lines.length, accepted().length);
    assert.deepEqual(cookbookFormatErrors(lines), {}, 'no cookbook format error');
    for (const [i, ex] of lines.entries()) {
      assert.deepEqual(toolCallErrors(ex as never), [], `line ${i + 1}`);
      assert.ok(cookbookTokens(ex.messages as Array<Record<string, unknown>>) < 65_536);
      assert.deepEqual(Object.keys(ex).sort(), ['messages', 'parallel_tool_calls', 'tools']);
    }
    const prov = readJsonl(path.join(work, 'out/openai.provenance.jsonl'));
    assert.deepEqual(prov.map((p) => p.dialogueId), accepted().map((d) => d.id), 'provenance maps each line to its dialogue, in order');
    assert.deepEqual(prov.map((p) => p.seed), accepted().map((d) => d.seed));
    assert.equal(prov[0]!.run, 'run');
    // calls, arguments and results of every line are the dialogue's
    lines.forEach((ex, i) => assert.deepEqual(formatModule('openai').parseTrace(ex), recordTrace(accepted()[i]!.messages)));
    const summary = JSON.parse(r.out) as { valid: boolean; counts: { train: number }; selection: { rejected: number } };
    assert.equal(summary.valid, true);
    assert.equal(summary.selection.rejected, records.length - accepted().length);
    assert.match(r.err, /out\/openai\.jsonl: \d+ sample\(s\), 0 error\(s\)/);
  });

  test('hf: JSONL + Parquet with the same rows, a dataset card from the manifest and quality report, renderable by Qwen2.5\'s template', async () => {
    fs.writeFileSync(path.join(run, 'quality.jsonl'), accepted().map((d, i) => JSON.stringify({ id: d.id, ss: 0.5 + i / 100, distinct3: 0.8, judge: { naturalness: 4, coherence: 5, helpfulness: 4, accuracy: 5 } })).join('\n') + '\n');
    const r = await cli(['export', 'run', '--format', 'hf', '-o', 'hf/data.jsonl', '--split', '0.75', '--seed', '2']);
    assert.equal(r.code, 0, r.err);
    const train = readJsonl(path.join(work, 'hf/data.train.jsonl'));
    const val = readJsonl(path.join(work, 'hf/data.validation.jsonl'));
    assert.equal(train.length + val.length, accepted().length);
    assert.equal(val.length, Math.round(accepted().length * 0.25));
    const pq = await readParquetSamples(path.join(work, 'hf/data.train.parquet'));
    assert.deepEqual(pq.map((p) => p.sample), train, 'the Parquet rows are the JSONL rows');
    const v = await cli(['validate', 'hf/data.train.parquet', '--format', 'hf']);
    assert.equal(v.code, 0, v.err);

    const card = fs.readFileSync(path.join(work, 'hf/README.md'), 'utf8');
    const front = parseYaml(card.split('---\n')[1]!) as Record<string, unknown>;
    assert.deepEqual(front.task_categories, ['text-generation']);
    assert.deepEqual(front.size_categories, ['n<1K']);
    assert.equal(front.license, undefined, 'the license is left to the user');
    assert.match(card, /# license: choose one/);
    assert.deepEqual(front.configs, [{ config_name: 'default', data_files: [{ split: 'train', path: 'data.train.jsonl' }, { split: 'validation', path: 'data.validation.jsonl' }] }]);
    assert.match(card, /dialogues requested: 16, run seed 4/);
    assert.match(card, /user: `sim` at http:\/\/127\.0\.0\.1/);
    assert.match(card, /\| judge: coherence \| 5\.00 \|/);
    assert.match(card, /\| distinct-3 \| 0\.800 \|/);

    const qwen = new Template(fs.readFileSync(path.join(__dirname, '../../fixtures/chat-templates/qwen2.5-instruct.jinja'), 'utf8'));
    const prov = readJsonl(path.join(work, 'hf/data.train.provenance.jsonl'));
    train.forEach((row, i) => {
      const text = qwen.render({ messages: row.messages as unknown[], tools: row.tools as unknown[], bos_token: '' });
      const calls = [...text.matchAll(/<tool_call>\n(\{"name": "[^"]+".*\})\n<\/tool_call>/g)].map((m) => JSON.parse(m[1]!) as { name: string; arguments: unknown });
      const d = records.find((x) => x.id === prov[i]!.dialogueId)!;
      assert.deepEqual(calls, recordTrace(d.messages).flatMap((t) => t.calls), `${d.id}: calls rendered intact`);
    });
  });

  test('sharegpt: dataset_info.json entry (function_call/observation, tools column), merged into an existing file', async () => {
    fs.mkdirSync(path.join(work, 'lf'), { recursive: true });
    fs.writeFileSync(path.join(work, 'lf/dataset_info.json'), JSON.stringify({ alpaca_en_demo: { file_name: 'alpaca_en_demo.json' } }));
    const r = await cli(['export', 'run', '--format', 'sharegpt', '-o', 'lf/toolflow.jsonl']);
    assert.equal(r.code, 0, r.err);
    const info = JSON.parse(fs.readFileSync(path.join(work, 'lf/dataset_info.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    assert.ok(info.alpaca_en_demo, 'other datasets kept');
    assert.deepEqual(info.toolflow_run_toolflow, {
      file_name: 'toolflow.jsonl',
      formatting: 'sharegpt',
      columns: { messages: 'conversations', system: 'system', tools: 'tools' },
      tags: { role_tag: 'from', content_tag: 'value', user_tag: 'human', assistant_tag: 'gpt', observation_tag: 'observation', function_tag: 'function_call' },
    });
    const lines = readJsonl(path.join(work, 'lf/toolflow.jsonl'));
    lines.forEach((ex, i) => assert.deepEqual(formatModule('sharegpt').parseTrace(ex), recordTrace(accepted()[i]!.messages)));
    // a broken dataset_info.json stops the export before anything is replaced
    const before = fs.readFileSync(path.join(work, 'lf/toolflow.jsonl'), 'utf8');
    fs.writeFileSync(path.join(work, 'lf/dataset_info.json'), '{"alpaca": ');
    const bad = await cli(['export', 'run', '--format', 'sharegpt', '-o', 'lf/toolflow.jsonl', '--include', 'all']);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /dataset_info\.json is not valid JSON/);
    assert.equal(fs.readFileSync(path.join(work, 'lf/toolflow.jsonl'), 'utf8'), before);
  });

  test('hermes: every line passes and round-trips', async () => {
    const r = await cli(['export', 'run', '--format', 'hermes']);
    assert.equal(r.code, 0, r.err);
    const file = path.join(run, 'export/hermes.jsonl');
    const lines = readJsonl(file);
    lines.forEach((ex, i) => assert.deepEqual(formatModule('hermes').parseTrace(ex), recordTrace(accepted()[i]!.messages)));
  });

  test('--split-by tools: no tool on both sides; the output says how many dialogues were dropped and why', async () => {
    const r = await cli(['export', 'run', '--format', 'openai', '-o', 'tools/x.jsonl', '--split', '0.7', '--split-by', 'tools', '--seed', '1', '--json']);
    assert.equal(r.code, 0, r.err);
    const summary = JSON.parse(r.out) as { split: { train: number; validation: number; dropped: number; droppedIds: string[] } };
    const names = (file: string) => new Set(readJsonl(path.join(work, file)).flatMap((ex) => (ex.tools as Array<{ function: { name: string } }>).map((t) => t.function.name)));
    const train = names('tools/x.train.jsonl');
    const val = names('tools/x.validation.jsonl');
    assert.ok(val.size > 0 && train.size > 0);
    assert.deepEqual([...val].filter((t) => train.has(t)), []);
    assert.equal(summary.split.train + summary.split.validation + summary.split.dropped, accepted().length);
    assert.match(r.err, new RegExp(`split by tools \\(seed 1\\): ${summary.split.train} train, ${summary.split.validation} validation, ${summary.split.dropped} dropped`));
    if (summary.split.dropped) assert.match(r.err, /dropped because they offer tools from both sides/);
    for (const id of summary.split.droppedIds) {
      const ts = toolsOf(records.find((d) => d.id === id)!);
      assert.ok(ts.some((t) => train.has(t)) || ts.some((t) => val.has(t)));
    }
  });

  test('--dedupe: says when duplicates.json is missing; with it, keeps one per cluster', async () => {
    let r = await cli(['export', 'run', '--format', 'openai', '-o', 'dd/a.jsonl', '--dedupe']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /--dedupe: no duplicates\.json in .*; nothing removed/);
    const ids = accepted().map((d) => d.id);
    fs.writeFileSync(path.join(run, 'duplicates.json'), JSON.stringify({ method: { method: 'test' }, clusters: [{ id: 0, members: [ids[1], ids[2], ids[3]], similarity: [1, 0.9, 0.9] }] }));
    r = await cli(['export', 'run', '--format', 'openai', '-o', 'dd/b.jsonl', '--dedupe']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /2 near-duplicate\(s\) removed/);
    assert.deepEqual(readJsonl(path.join(work, 'dd/b.provenance.jsonl')).map((p) => p.dialogueId), ids.filter((id) => id !== ids[2] && id !== ids[3]));
    fs.rmSync(path.join(run, 'duplicates.json'));
  });

  test('cancelled once converted: nothing is written over an earlier export', async () => {
    const out = path.join(work, 'cancel/openai.jsonl');
    await exportRun(run, { format: 'openai', output: out });
    const before = fs.readFileSync(out, 'utf8');
    const ac = new AbortController();
    await assert.rejects(
      exportRun(run, { format: 'openai', output: out, include: 'all', signal: ac.signal, onProgress: (p) => p.phase === 'convert' && p.done === p.total && ac.abort(new Error('cancelled by test')) }),
      /cancelled by test/,
    );
    assert.equal(fs.readFileSync(out, 'utf8'), before);
    assert.deepEqual(fs.readdirSync(path.dirname(out)).sort(), ['openai.jsonl', 'openai.provenance.jsonl']);
  });

  test('bad input: one-line errors that say what to do', async () => {
    let r = await cli(['export', 'nowhere', '--format', 'openai']);
    assert.equal(r.code, 1);
    assert.match(r.err, /nowhere\/dialogues\.jsonl does not exist: .* is not a run folder/);
    r = await cli(['export', 'run']);
    assert.match(r.err, /missing --format/);
    r = await cli(['export', 'run', '--format', 'openai', '--include', 'good']);
    assert.match(r.err, /unknown --include "good"; use accepted, reviewed or all/);
    r = await cli(['export', 'run', '--format', 'openai', '--split', '1.5']);
    assert.match(r.err, /--split must be a number ≥ 0\.01 ≤ 1/);
    r = await cli(['export', 'run', '--format', 'openai', '--include', 'reviewed']);
    assert.equal(r.code, 1);
    assert.match(r.err, /no dialogue to export from .*: 16 read, 1 rejected, 15 not reviewed\nno accepted dialogue has been reviewed yet/);
  });
});
