/**
 * Re-ask, don't record: a scripted endpoint (the LLM simulator with faults on chosen request
 * numbers) breaks one turn of a dialogue; the dialogue still ends accepted, the repair is counted
 * for its role, and the failed attempt is not in `messages`.
 *
 * Request order in one dialogue (plan steps 2, ask rate 0): 1 planner, 2 user, 3 assistant (calls),
 * 4 tool simulator, 5 assistant (answer), 6 user, ...
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startLlmSimulator, type LlmSimulator } from '../../support/llm-simulator/server';
import type { FaultRule } from '../../support/llm-simulator/faults';
import { clientFor } from '../../support/pipeline/harness';
import { flightTool, tool, weatherTool } from '../../support/pipeline/builders';
import type { ChatModel, ChatRequest, StructuredRequest } from '../../../src/engine/llm/types';
import { generateDialogue, PROTOCOL_REPAIRS } from '../../../src/engine/pipeline/dialogue';
import { TokenMeter } from '../../../src/engine/pipeline/meteredModel';
import { DEFAULT_OPTIONS } from '../../../src/engine/pipeline/runner';
import { addToCounts } from '../../../src/engine/pipeline/runStore';
import type { DialogueRecord, RunCounts, RunGenerationOptions } from '../../../src/engine/pipeline/types';

let sim: LlmSimulator;
before(async () => {
  sim = await startLlmSimulator({ seed: 'repairs', askRate: 0 });
});
after(async () => {
  await sim.close();
});

async function dialogue(faults: FaultRule[], extra: Partial<RunGenerationOptions> = {}): Promise<DialogueRecord> {
  sim.resetStats();
  sim.setFaults(faults);
  try {
    const options: RunGenerationOptions = { ...DEFAULT_OPTIONS, count: 1, sampling: 'random', planSteps: { min: 2, max: 2 }, toolErrorRate: 0, irrelevanceRate: 0, ...extra };
    return await generateDialogue({ index: 0, seed: 5, tools: [weatherTool, flightTool], model: clientFor(sim), meter: new TokenMeter(undefined), options, signal: new AbortController().signal, emit: () => {} });
  } finally {
    sim.setFaults([]);
  }
}

const callNames = (r: DialogueRecord) => r.messages.flatMap((m) => (m.role === 'assistant' ? (m.tool_calls ?? []).map((c) => c.function.name) : []));

describe('repairs instead of rejections', () => {
  test('baseline: the same dialogue without faults is accepted with no repair', async () => {
    const r = await dialogue([]);
    assert.equal(r.status, 'accepted', JSON.stringify(r.reasons));
    assert.deepEqual(r.repairs, {});
    assert.ok(r.plan!.steps.some((s) => s.kind === 'tool'));
  });

  test('a user turn that finishes at once is re-asked; the dialogue follows the plan', async () => {
    const r = await dialogue([{ fault: 'finish-early', requests: [2] }]);
    assert.equal(sim.stats.log[1]!.fault, 'finish-early');
    assert.equal(r.status, 'accepted', JSON.stringify(r.reasons));
    assert.equal(r.repairs?.user, 1);
    assert.ok(r.messages.length >= 4);
    assert.equal(r.messages[0]!.role, 'user');
    assert.deepEqual(r.userTurnSteps?.map((t) => t.step), r.plan!.steps.map((_, i) => i));
  });

  test('a user turn that skips the current step is re-asked; the skipped step is served', async () => {
    const r = await dialogue([{ fault: 'skip-step', requests: [2] }]);
    assert.equal(sim.stats.log[1]!.fault, 'skip-step');
    assert.equal(r.status, 'accepted', JSON.stringify(r.reasons));
    assert.equal(r.repairs?.user, 1);
    assert.equal(r.userTurnSteps?.[0]?.step, 0, 'the first user message serves step 1');
    const step1 = r.plan!.steps[0]!;
    assert.ok(callNames(r).some((n) => step1.tools!.includes(n)), 'step 1 got its call');
  });

  test('an assistant call of an unknown tool is sampled again; the failed attempt is not kept', async () => {
    const r = await dialogue([{ fault: 'unknown-tool', requests: [3] }]);
    assert.equal(sim.stats.log[2]!.fault, 'unknown-tool');
    assert.equal(r.status, 'accepted', JSON.stringify(r.reasons));
    assert.equal(r.repairs?.assistant, 1);
    assert.ok(callNames(r).length > 0);
    assert.ok(!callNames(r).some((n) => n.endsWith('_nonexistent')), JSON.stringify(callNames(r)));
    assert.ok(!JSON.stringify(r.messages).includes('could not be used'), 'the feedback is not in the dialogue');
  });

  for (const fault of ['bad-arguments', 'wrong-argument-types', 'non-json-arguments'] as const) {
    test(`assistant arguments that fail (${fault}) are sampled again with the validator's message`, async () => {
      const r = await dialogue([{ fault, requests: [3] }]);
      assert.equal(sim.stats.log[2]!.fault, fault);
      assert.equal(r.status, 'accepted', JSON.stringify(r.reasons));
      assert.equal(r.repairs?.assistant, 1);
      // The discarded attempt and the feedback are absent; every call kept validates (the filter passed).
      assert.equal(r.messages.filter((m) => m.role === 'user' && m.content.startsWith('Your previous reply')).length, 0);
      assert.equal(sim.stats.log[3]!.kind, 'assistant', 'the re-sample is the next request');
    });
  }

  test('a tool result off the return schema is asked again', async () => {
    const r = await dialogue([{ fault: 'schema-violation', target: 'tool', requests: [4] }]);
    assert.equal(sim.stats.log[3]!.fault, 'schema-violation');
    assert.equal(r.status, 'accepted', JSON.stringify(r.reasons));
    assert.equal(r.repairs?.tool, 1);
  });

  test('what still fails after the bound is rejected with its reason, repairs counted', async () => {
    const r = await dialogue([{ fault: 'unknown-tool', rate: 1 }], { assistantRepairs: 2 });
    assert.equal(r.status, 'rejected');
    const codes = new Set(r.reasons.map((x) => x.code));
    assert.ok(codes.has('unknown-tool'), JSON.stringify(r.reasons));
    assert.ok(![...codes].some((c) => c.startsWith('plan-')), 'the cause is not buried under plan reasons');
    assert.equal(r.repairs?.assistant, 2);
    const u = await dialogue([{ fault: 'finish-early', rate: 1 }]);
    assert.equal(u.status, 'rejected');
    assert.deepEqual(u.reasons.map((x) => x.code), ['plan-unfinished']);
    assert.equal(u.repairs?.user, PROTOCOL_REPAIRS);
  });

  test('run totals add the repairs of each record per role', () => {
    const counts: RunCounts = { total: 2, done: 0, accepted: 0, rejected: 0, byReason: {} };
    addToCounts(counts, { status: 'accepted', reasons: [], repairs: { user: 1, assistant: 2 } });
    addToCounts(counts, { status: 'accepted', reasons: [], repairs: { assistant: 1 } });
    addToCounts(counts, { status: 'accepted', reasons: [] });
    assert.deepEqual(counts.repairs, { user: 1, assistant: 3 });
  });
});

describe('names as people say them', () => {
  test('planner and user agent see spoken names; the assistant calls the exact ones', async () => {
    const suffixed = { ...tool('get_weather_2', weatherTool.parameters.properties ?? {}, ['city'], weatherTool.returns), description: 'Get the weather for a city' };
    suffixed.provenance = { ...suffixed.provenance, originalName: 'get_weather' };
    const inner = clientFor(sim);
    const seen: Array<{ role: string; text: string; tools: string[] }> = [];
    const recording: ChatModel = {
      chat: (req: ChatRequest) => {
        seen.push({ role: req.role, text: JSON.stringify(req.messages), tools: (req.tools ?? []).map((t) => t.function.name) });
        return inner.chat(req);
      },
      structured: <T>(req: StructuredRequest<T>) => {
        seen.push({ role: req.role, text: JSON.stringify(req.messages), tools: [] });
        return inner.structured(req);
      },
    };
    sim.setFaults([]);
    // Two steps: the user agent's second turn hears about the call of the first.
    const options: RunGenerationOptions = { ...DEFAULT_OPTIONS, count: 1, sampling: 'random', planSteps: { min: 2, max: 2 }, toolErrorRate: 0, irrelevanceRate: 0 };
    const r = await generateDialogue({ index: 0, seed: 3, tools: [suffixed], model: recording, meter: new TokenMeter(undefined), options, signal: new AbortController().signal, emit: () => {} });
    assert.equal(r.status, 'accepted', JSON.stringify(r.reasons));
    const user = seen.filter((x) => x.role === 'user');
    assert.ok(user.length > 0);
    // The assistant's own words may say anything; the plan lines and call lines the user agent gets may not.
    for (const u of user) {
      const system = (JSON.parse(u.text) as Array<{ content: string }>)[0]!.content;
      assert.ok(!/get[_ ]weather[_ ]2/.test(system), system);
      assert.doesNotMatch(u.text, /called tool get_weather/);
    }
    assert.ok(user.some((u) => u.text.includes('(Assistant used get weather)')), 'the user agent hears the spoken name');
    const planner = seen.find((x) => x.role === 'planner')!;
    assert.match(planner.text, /- get_weather_2 \(\\"get weather\\"\)/);
    assert.ok(seen.filter((x) => x.role === 'assistant').every((a) => a.tools.includes('get_weather_2')));
    assert.equal(callNames(r)[0], 'get_weather_2');
    assert.deepEqual(r.plan!.steps[0]!.tools, ['get_weather_2']);
  });
});

describe('when not to call a tool', () => {
  test('with irrelevanceRate 1 the plan has one irrelevant step, answered without a call', async () => {
    const r = await dialogue([], { irrelevanceRate: 1, planSteps: { min: 3, max: 3 } });
    assert.equal(r.status, 'accepted', JSON.stringify(r.reasons));
    const k = r.plan!.steps.findIndex((s) => s.kind === 'irrelevant');
    assert.ok(k > 0, JSON.stringify(r.plan));
    assert.equal(r.plan!.steps.filter((s) => s.kind === 'irrelevant').length, 1);
    const turns = r.userTurnSteps!.filter((t) => t.step === k);
    assert.ok(turns.length > 0, 'a user turn served the irrelevant step');
    const next = r.userTurnSteps!.find((t) => t.step > k)?.messageIndex ?? r.messages.length;
    const during = r.messages.slice(turns[0]!.messageIndex, next);
    assert.ok(during.every((m) => m.role !== 'tool' && !(m.role === 'assistant' && m.tool_calls?.length)), JSON.stringify(during));
  });

  test('with missingDetailRate 1 the plan has one missing-detail step; the assistant asks before calling', async () => {
    const r = await dialogue([], { missingDetailRate: 1, planSteps: { min: 2, max: 2 } });
    assert.equal(r.status, 'accepted', JSON.stringify(r.reasons));
    const k = r.plan!.steps.findIndex((s) => s.kind === 'missing-detail');
    assert.ok(k >= 0, JSON.stringify(r.plan));
    const first = r.userTurnSteps!.find((t) => t.step === k)!.messageIndex;
    const reply = r.messages[first + 1]!;
    assert.equal(reply.role, 'assistant');
    assert.ok(reply.role === 'assistant' && !reply.tool_calls?.length && /\?$/.test(reply.content ?? ''), JSON.stringify(reply));
  });

  test('with irrelevanceRate 0 no plan has an irrelevant step', async () => {
    const r = await dialogue([], { irrelevanceRate: 0, planSteps: { min: 3, max: 3 } });
    assert.ok(!r.plan!.steps.some((s) => s.kind === 'irrelevant'));
  });
});
