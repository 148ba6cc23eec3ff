/**
 * When the dialogue ends without asking the user agent for a goodbye: once the last plan step is a
 * tool step whose every named tool returned a result and the assistant replied from it. Otherwise
 * (a chitchat last step, a tool that failed) the user agent is asked, and it decides. The planner's
 * answer is fixed here (a wrapper around the real client on the LLM simulator, a test double), so
 * each case has the plan it is about.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startLlmSimulator, type LlmSimulator } from '../../support/llm-simulator/server';
import { clientFor } from '../../support/pipeline/harness';
import { flightTool, weatherTool } from '../../support/pipeline/builders';
import type { ChatModel, StructuredRequest } from '../../../src/engine/llm/types';
import { generateDialogue } from '../../../src/engine/pipeline/dialogue';
import { TokenMeter } from '../../../src/engine/pipeline/meteredModel';
import { DEFAULT_OPTIONS } from '../../../src/engine/pipeline/runner';
import type { DialoguePlan, DialogueRecord, RunGenerationOptions } from '../../../src/engine/pipeline/types';

let sim: LlmSimulator;
before(async () => {
  sim = await startLlmSimulator({ seed: 'dialogue-end', askRate: 0 });
});
after(async () => {
  await sim.close();
});

async function run(plan: DialoguePlan, toolErrorRate = 0): Promise<{ record: DialogueRecord; roles: string[] }> {
  const inner = clientFor(sim);
  const roles: string[] = [];
  const model: ChatModel = {
    chat: (req) => {
      roles.push(req.role);
      return inner.chat(req);
    },
    structured: async <T>(req: StructuredRequest<T>) => {
      roles.push(req.role);
      if (req.role !== 'planner') return inner.structured(req);
      const checked = req.validate(plan);
      if (!checked.ok) throw new Error(checked.errors.join('; '));
      return { value: checked.value, usage: { promptTokens: 1, completionTokens: 1 } };
    },
  };
  const options: RunGenerationOptions = { ...DEFAULT_OPTIONS, count: 1, sampling: 'random', planSteps: { min: plan.steps.length, max: plan.steps.length }, toolErrorRate, irrelevanceRate: 0 };
  const record = await generateDialogue({ index: 0, seed: 2, tools: [weatherTool, flightTool], model, meter: new TokenMeter(undefined), options, signal: new AbortController().signal, emit: () => {} });
  return { record, roles };
}

const weather = { kind: 'tool' as const, request: 'Ask the assistant to get the weather in Paris', tools: ['get_weather'] };
const flights = { kind: 'tool' as const, request: 'Ask the assistant to search flights from Paris to Rome', tools: ['search_flights'] };
const chitchat = { kind: 'chitchat' as const, request: 'Chat about travelling in spring' };
const userMessages = (r: DialogueRecord) => r.messages.filter((m) => m.role === 'user').length;

describe('the end of a planned dialogue', () => {
  test('a last tool step answered from its result ends the dialogue without a goodbye request', async () => {
    const { record, roles } = await run({ steps: [weather, flights] });
    assert.equal(record.status, 'accepted', JSON.stringify(record.reasons));
    assert.equal(roles[roles.length - 1], 'assistant', `the last request was ${roles[roles.length - 1]}`);
    assert.equal(roles.filter((r) => r === 'user').length, userMessages(record), 'every user request gave a recorded message');
    const last = record.messages[record.messages.length - 1]!;
    assert.ok(last.role === 'assistant' && !last.tool_calls && last.content, 'it ends with the assistant answering');
    assert.ok(record.messages.some((m) => m.role === 'assistant' && m.tool_calls?.some((c) => c.function.name === 'search_flights')), 'the last step was served');
  });

  test('a chitchat last step still goes back to the user agent, who finishes', async () => {
    const { record, roles } = await run({ steps: [weather, chitchat] });
    assert.equal(record.status, 'accepted', JSON.stringify(record.reasons));
    assert.equal(roles[roles.length - 1], 'user');
    assert.equal(roles.filter((r) => r === 'user').length, userMessages(record) + 1, 'one finishing request, whose goodbye is not recorded');
  });

  test('a last tool step naming two tools, of which one was called, goes back to the user agent', async () => {
    const { record, roles } = await run({ steps: [flights, { ...weather, tools: ['get_weather', 'search_flights'] }] });
    const lastStepCalls = record.messages.slice(record.userTurnSteps!.find((t) => t.step === 1)!.messageIndex).flatMap((m) => (m.role === 'assistant' ? (m.tool_calls ?? []).map((c) => c.function.name) : []));
    assert.deepEqual([...new Set(lastStepCalls)], ['get_weather'], 'the premise: only one of the two was called');
    assert.equal(roles[roles.length - 1], 'user');
  });

  test('a last tool step whose tool failed goes back to the user agent', async () => {
    const { roles } = await run({ steps: [weather, flights] }, 1);
    assert.equal(roles[roles.length - 1], 'user');
  });
});
