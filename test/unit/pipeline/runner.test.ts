/** Whole runs against the LLM simulator: records, events, determinism, faults, budget, abort and resume. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startLlmSimulator, type LlmSimulator } from '../../support/llm-simulator/server';
import type { FaultRule } from '../../support/llm-simulator/faults';
import { clientFor, readLines, tmpRunDir } from '../../support/pipeline/harness';
import { flightTool, tool, weatherTool } from '../../support/pipeline/builders';
import { readRun, resumeRun, startRun, type RunConfig } from '../../../src/engine/pipeline/runner';
import type { PipelineEvent } from '../../../src/engine/pipeline/events';
import type { DialogueRecord, RunManifest } from '../../../src/engine/pipeline/types';
import type { LlmLimits } from '../../../src/engine/llm/config';
import { EndpointFailureError, type EndpointFailure } from '../../../src/engine/pipeline/endpointFailure';

let sim: LlmSimulator;
before(async () => {
  sim = await startLlmSimulator({ seed: 'runner', apiKey: 'sk-test-SECRET-1234' });
});
after(async () => {
  await sim.close();
});

const tools = [
  weatherTool,
  flightTool,
  tool('book_hotel', { city: { type: 'string', description: 'city of the hotel' }, nights: { type: 'integer', minimum: 1, description: 'number of nights' } }, ['city', 'nights'], {
    type: 'object',
    properties: { booking_id: { type: 'string', description: 'booking reference' } },
  }),
  tool('convert_currency', { amount: { type: 'number', description: 'amount of money' }, from: { type: 'string', description: 'currency code to convert from' }, to: { type: 'string', description: 'currency code to convert to' } }),
];

function config(dir: string, count: number, extra: Partial<RunConfig['options']> = {}, limits: Partial<LlmLimits> = {}): RunConfig {
  return {
    dir,
    tools,
    model: clientFor(sim, limits, 'sk-test-SECRET-1234'),
    models: { assistant: { baseURL: sim.url, model: 'toolflow-simulator' } },
    options: { count, seed: 7, concurrency: 4, ...extra },
  };
}

async function runWithFaults(faults: FaultRule[], count: number, limits: Partial<LlmLimits> = {}, extra: Partial<RunConfig['options']> = {}): Promise<DialogueRecord[]> {
  sim.setFaults(faults);
  sim.resetStats();
  try {
    const dir = tmpRunDir('faults');
    const r = await startRun(config(dir, count, extra, limits));
    assert.equal(r.reason, 'completed');
    const lines = readLines(dir) as unknown as DialogueRecord[];
    assert.equal(lines.length, count, 'a run of N always ends with N lines');
    assert.equal(new Set(lines.map((l) => l.id)).size, count);
    for (const l of lines) if (l.status === 'rejected') assert.ok(l.reasons.length > 0 && l.reasons.every((x) => x.code && x.message), JSON.stringify(l.reasons));
    return lines;
  } finally {
    sim.setFaults([]);
  }
}

/** Runs with faults that outlast the retries: the run must throw EndpointFailureError, record nothing, and resume to N once the endpoint is healthy. */
async function runExpectingEndpointFailure(faults: FaultRule[], count: number, limits: Partial<LlmLimits>): Promise<EndpointFailure> {
  sim.setFaults(faults);
  sim.resetStats();
  const dir = tmpRunDir('endpoint');
  let failure: EndpointFailure | undefined;
  try {
    await assert.rejects(startRun(config(dir, count, {}, limits)), (e: unknown) => {
      assert.ok(e instanceof EndpointFailureError, String(e));
      failure = e.failure;
      assert.match(e.message, new RegExp(`the ${e.failure.role} endpoint ${sim.url.replace(/[.:/]/g, '\\$&')}`));
      return true;
    });
  } finally {
    sim.setFaults([]);
  }
  assert.equal(readLines(dir).length, 0, 'no dialogue is recorded when the endpoint fails');
  const again = await resumeRun(dir, { model: clientFor(sim, {}, 'sk-test-SECRET-1234') });
  assert.equal(again.reason, 'completed');
  assert.equal(new Set((readLines(dir) as unknown as DialogueRecord[]).map((l) => l.id)).size, count);
  return failure!;
}

describe('runner', () => {
  test('a run of N writes N whole records, events in order, and no secret', async () => {
    const dir = tmpRunDir();
    const events: PipelineEvent[] = [];
    const r = await startRun(config(dir, 6), { onEvent: (e) => events.push(e) });
    assert.equal(r.reason, 'completed');
    assert.equal(r.counts.done, 6);
    assert.ok(r.counts.accepted >= 3, `accepted ${r.counts.accepted} of 6: ${JSON.stringify(r.counts.byReason)}`);
    const lines = readLines(dir) as unknown as DialogueRecord[];
    assert.deepEqual(lines.map((l) => l.index).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5]);
    for (const l of lines) {
      assert.ok(l.tools.length >= 2 && l.tools.length <= 4);
      assert.ok(l.plan && l.plan.steps.length >= 1);
      assert.ok(l.messages.length >= 2);
      assert.ok(l.llmCalls >= 3);
      assert.ok((l.usage.assistant?.promptTokens ?? 0) > 0);
    }
    // Every dialogue: started -> plan -> messages -> verdict, in that order.
    for (const l of lines) {
      const mine = events.filter((e) => 'id' in e && e.id === l.id).map((e) => e.type);
      assert.equal(mine[0], 'dialogue-started');
      assert.ok(mine.indexOf('plan-ready') < mine.indexOf('message'));
      assert.equal(mine[mine.length - 1], 'verdict');
      assert.equal(events.filter((e) => e.type === 'message' && e.id === l.id).length, l.messages.length);
      // Each message says which plan step the dialogue is on: from the first step, never backwards, within the plan.
      const steps = events.flatMap((e) => (e.type === 'message' && e.id === l.id ? [e.planStep] : []));
      assert.equal(steps[0], 0);
      for (let i = 1; i < steps.length; i++) assert.ok(steps[i]! >= steps[i - 1]!, `plan step went back: ${steps.join(',')}`);
      assert.ok(steps.every((s) => s !== undefined && s < l.plan!.steps.length), `plan steps ${steps.join(',')} of ${l.plan!.steps.length}`);
    }
    assert.ok(
      lines.some((l) => new Set(events.flatMap((e) => (e.type === 'message' && e.id === l.id ? [e.planStep] : []))).size > 1),
      'some dialogue moved past its first plan step',
    );
    assert.equal(events[0]!.type, 'run-started');
    assert.equal(events[events.length - 1]!.type, 'run-finished');
    for (const f of fs.readdirSync(dir)) assert.ok(!fs.readFileSync(path.join(dir, f), 'utf8').includes('SECRET'), `${f} holds the API key`);
    const snap = await readRun(dir);
    assert.equal(snap.counts.done, 6);
    assert.equal(snap.manifest.toolCount, 4);
    assert.equal(snap.manifest.options.sampling, 'random');
  });

  test('dialogue i samples the same tools and style for the same seed, whatever the concurrency', async () => {
    const a = tmpRunDir();
    const b = tmpRunDir();
    await startRun(config(a, 5, { concurrency: 1, plan: false }));
    await startRun(config(b, 5, { concurrency: 5, plan: false }));
    const key = (dir: string) => (readLines(dir) as unknown as DialogueRecord[]).sort((x, y) => x.index - y.index).map((l) => [l.index, l.seed, l.style, l.tools.map((t) => t.function.name)]);
    assert.deepEqual(key(a), key(b));
    const c = tmpRunDir();
    await startRun({ ...config(c, 5, { concurrency: 2, plan: false }), options: { count: 5, seed: 8, concurrency: 2, plan: false } });
    assert.notDeepEqual(key(a), key(c), 'another seed gives other tools');
  });

  test('--no-plan: dialogues without a plan', async () => {
    const lines = await runWithFaults([], 3, {}, { plan: false });
    for (const l of lines) assert.equal(l.plan, null);
    assert.equal(sim.stats.bySchema['dialogue_plan'] ?? 0, 0);
  });

  test('tool errors at the configured rate appear as error results', async () => {
    const lines = await runWithFaults([], 3, {}, { toolErrorRate: 1 });
    const results = lines.flatMap((l) => l.messages.filter((m) => m.role === 'tool'));
    assert.ok(results.length > 0);
    for (const m of results) assert.ok('error' in (JSON.parse(m.content) as object), m.content);
  });

  test('turn limit: a plan longer than the limit is rejected as turn-limit', async () => {
    const lines = await runWithFaults([], 2, {}, { maxTurns: 1, planSteps: { min: 3, max: 3 } });
    for (const l of lines) {
      assert.deepEqual(l.reasons.map((r) => r.code), ['turn-limit']);
      assert.equal(l.messages.filter((m) => m.role === 'user').length, 1);
    }
  });

  test('fault: unknown tool names are rejected as unknown-tool', async () => {
    const lines = await runWithFaults([{ fault: 'unknown-tool', rate: 1, target: 'assistant' }], 3);
    const codes = lines.flatMap((l) => l.reasons.map((r) => r.code));
    assert.ok(codes.includes('unknown-tool'), codes.join());
  });

  test('fault: schema-violating arguments are rejected by the validator', async () => {
    const lines = await runWithFaults([{ fault: 'bad-arguments', rate: 1, target: 'assistant' }], 3);
    const codes = new Set(lines.flatMap((l) => l.reasons.map((r) => r.code)));
    assert.ok(codes.has('arguments-invalid') || codes.has('missing-required-param') || codes.has('arguments-not-json'), [...codes].join());
  });

  test('fault: malformed JSON from the tool simulator every time is recorded as llm-failed invalid-output', async () => {
    const lines = await runWithFaults([{ fault: 'malformed-content', rate: 1, target: 'tool' }], 3);
    const failed = lines.flatMap((l) => l.reasons).filter((r) => r.code === 'llm-failed');
    assert.ok(failed.length > 0);
    assert.ok(failed.every((r) => r.llmCode === 'invalid-output' && r.role === 'tool'), JSON.stringify(failed));
  });

  test('fault: HTTP 500 on every request past the retries stops the run: nothing recorded, resumable', async () => {
    const f = await runExpectingEndpointFailure([{ fault: 'server-error', rate: 1 }], 3, { maxRetries: 1 });
    assert.equal(f.kind, 'unavailable');
    assert.match(f.cause, /HTTP 500/);
  });

  test('faults: occasional 429 (Retry-After), 500, hang, truncated and malformed bodies are retried and the run completes', async () => {
    const lines = await runWithFaults(
      [
        // Spaced out so that no single request's repairs all hit faults.
        { fault: 'rate-limit', requests: [2], retryAfterSeconds: 1 },
        { fault: 'server-error', requests: [5, 12] },
        { fault: 'hang', requests: [8] },
        { fault: 'truncated-body', requests: [15] },
        { fault: 'malformed-content', requests: [19] },
        { fault: 'schema-violation', requests: [26] },
      ],
      4,
      { requestTimeoutMs: 400, maxRetries: 3 },
      { concurrency: 2 },
    );
    const injected = sim.stats.faults;
    assert.ok((injected['rate-limit'] ?? 0) >= 1 && (injected.hang ?? 0) >= 1 && (injected['server-error'] ?? 0) >= 1, JSON.stringify(injected));
    const llmFailed = lines.flatMap((l) => l.reasons).filter((r) => r.code === 'llm-failed');
    assert.deepEqual(llmFailed, [], 'transient faults are retried, not recorded as failures');
  });

  test('fault: 429 on every request past the retries stops the run: nothing recorded, resumable', async () => {
    const f = await runExpectingEndpointFailure([{ fault: 'rate-limit', rate: 1, retryAfterSeconds: 0 }], 2, { maxRetries: 1 });
    assert.equal(f.kind, 'unavailable');
    assert.equal(f.llmCode, 'retries-exhausted');
  });

  test('fault: truncated bodies on every assistant request stop the run, naming the assistant role', async () => {
    const f = await runExpectingEndpointFailure([{ fault: 'truncated-body', rate: 1, target: 'assistant' }], 2, { maxRetries: 1 });
    assert.equal(f.role, 'assistant');
  });

  test('fault: every request hangs -> the run stops on the timeouts, nothing recorded', async () => {
    const f = await runExpectingEndpointFailure([{ fault: 'hang', rate: 1 }], 2, { requestTimeoutMs: 150, maxRetries: 1 });
    assert.equal(f.kind, 'unavailable');
    assert.match(f.cause, /timeout|timed out|request timeout/i);
  });

  test('fault: unusable plans every time -> plan-unusable', async () => {
    const lines = await runWithFaults([{ fault: 'schema-violation', rate: 1, target: 'planner' }], 2);
    for (const l of lines) assert.deepEqual(l.reasons.map((r) => r.code), ['plan-unusable']);
  });

  test('budget: the run stops cleanly, keeps what it finished, and resumes to N', async () => {
    const dir = tmpRunDir('budget');
    const r = await startRun(config(dir, 8, { maxTokens: 6000, concurrency: 2 }));
    assert.equal(r.reason, 'budget-exceeded');
    const first = readLines(dir).length;
    assert.ok(first < 8, `stopped after ${first}`);
    assert.equal(first, r.counts.done);
    // Resume with a bigger budget: the manifest keeps the options, so raise it there.
    const manifestFile = path.join(dir, 'manifest.json');
    const m = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { options: { maxTokens?: number } };
    delete m.options.maxTokens;
    fs.writeFileSync(manifestFile, JSON.stringify(m));
    const again = await resumeRun(dir, { model: clientFor(sim, {}, 'sk-test-SECRET-1234') });
    assert.equal(again.reason, 'completed');
    const lines = readLines(dir) as unknown as DialogueRecord[];
    assert.equal(lines.length, 8);
    assert.equal(new Set(lines.map((l) => l.id)).size, 8);
  });

  test('resume with a record: the manifest gets the new models (without credentials), the concurrency and a resumes entry; the rest is kept', async () => {
    const dir = tmpRunDir('record');
    await startRun(config(dir, 2, { plan: false }));
    const manifestFile = path.join(dir, 'manifest.json');
    const before = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as RunManifest;
    const models = { assistant: { baseURL: 'http://user:pw@moved.example/v1', model: 'm2', temperature: 0.3 } };
    await resumeRun(dir, { model: clientFor(sim, {}, 'sk-test-SECRET-1234'), concurrency: 3, record: { models, changed: { model: 'm2', concurrency: 3 } } });
    const saved = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as RunManifest;
    assert.deepEqual(saved.models.assistant, { baseURL: 'http://moved.example/v1', model: 'm2', temperature: 0.3 });
    assert.equal(saved.options.concurrency, 3);
    assert.equal(saved.resumes?.length, 1);
    assert.deepEqual(saved.resumes![0]!.changed, { model: 'm2', concurrency: 3 });
    const { models: _m, resumes: _r, options: _o, ...rest } = saved;
    const { models: _bm, options: _bo, ...restBefore } = before;
    assert.deepEqual(rest, restBefore, 'everything else as the run wrote it');
    assert.deepEqual({ ...saved.options, concurrency: before.options.concurrency }, before.options);
    await resumeRun(dir, { model: clientFor(sim, {}, 'sk-test-SECRET-1234'), record: { changed: {} } });
    assert.deepEqual(JSON.parse(fs.readFileSync(manifestFile, 'utf8')), saved, 'a resume that changes nothing leaves the manifest alone');
  });

  test('abort: in-flight dialogues are not recorded; resume fills the gaps without duplicates', async () => {
    const dir = tmpRunDir('abort');
    const ctrl = new AbortController();
    const r = await startRun(config(dir, 10, { concurrency: 3 }), {
      signal: ctrl.signal,
      onEvent: (e) => {
        if (e.type === 'verdict' && e.index >= 0) ctrl.abort();
      },
    });
    assert.equal(r.reason, 'aborted');
    assert.ok(r.counts.done >= 1 && r.counts.done < 10);
    const again = await resumeRun(dir, { model: clientFor(sim, {}, 'sk-test-SECRET-1234') });
    assert.equal(again.reason, 'completed');
    const lines = readLines(dir) as unknown as DialogueRecord[];
    assert.equal(lines.length, 10);
    assert.deepEqual(lines.map((l) => l.index).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  test('resume after a torn last line: the line is cut, reported, and the dialogue generated again', async () => {
    const dir = tmpRunDir('torn');
    await startRun(config(dir, 3));
    const file = path.join(dir, 'dialogues.jsonl');
    const text = fs.readFileSync(file, 'utf8');
    const cut = text.slice(0, text.length - 40); // the last record loses its end, as after a crash mid-write
    fs.writeFileSync(file, cut);
    const logs: string[] = [];
    const r = await resumeRun(dir, { model: clientFor(sim, {}, 'sk-test-SECRET-1234') }, { onEvent: (e) => e.type === 'log' && logs.push(e.message) });
    assert.equal(r.counts.done, 3);
    assert.ok(logs.some((l) => l.includes('partly written last line')), logs.join('\n'));
    const lines = readLines(dir) as unknown as DialogueRecord[];
    assert.equal(lines.length, 3);
    assert.equal(new Set(lines.map((l) => l.index)).size, 3);
  });

  test('resume refuses a tool set changed since the run started', async () => {
    const dir = tmpRunDir('changed');
    await startRun(config(dir, 1));
    const toolsFile = path.join(dir, 'tools.json');
    const doc = JSON.parse(fs.readFileSync(toolsFile, 'utf8')) as { tools: Array<{ description: string }> };
    doc.tools[0]!.description = 'changed';
    fs.writeFileSync(toolsFile, JSON.stringify(doc));
    await assert.rejects(resumeRun(dir, { model: clientFor(sim) }), /changed since the run started/);
  });

  test('a throwing event listener does not break the run', async () => {
    const dir = tmpRunDir();
    const r = await startRun(config(dir, 2), {
      onEvent: () => {
        throw new Error('view bug');
      },
    });
    assert.equal(r.counts.done, 2);
  });
});
