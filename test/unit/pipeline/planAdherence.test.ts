/** The filter's plan-adherence rules, on hand-built dialogues (one test per reason code). */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { filterDialogue, type PlanTrace } from '../../../src/engine/pipeline/filter';
import type { ChatMessage } from '../../../src/engine/llm/types';
import type { DialoguePlan, PlanStep } from '../../../src/engine/pipeline/types';
import { call, goodDialogue, offered } from '../../support/pipeline/builders';

const weatherStep: PlanStep = { kind: 'tool', request: 'get the weather in Paris', tools: ['get_weather'] };
const flightStep: PlanStep = { kind: 'tool', request: 'find flights from Paris to Rome', tools: ['search_flights'] };
const chitchat: PlanStep = { kind: 'chitchat', request: 'chat about Paris' };
const irrelevant: PlanStep = { kind: 'irrelevant', request: 'recommend a novel for a rainy holiday' };

const plan = (...steps: PlanStep[]): DialoguePlan => ({ steps });
const turns = (...pairs: Array<[number, number]>): PlanTrace['userTurnSteps'] => pairs.map(([messageIndex, step]) => ({ messageIndex, step }));
const codes = (m: ChatMessage[], trace: PlanTrace) => filterDialogue(m, offered, trace).map((r) => r.code);

/** A user asks for something no tool can do at message 4; the assistant's reply follows. */
function withIrrelevantRequest(reply: ChatMessage[]): ChatMessage[] {
  return [...goodDialogue().slice(0, 4), { role: 'user', content: 'Could you recommend a novel for a rainy holiday?' }, ...reply];
}

describe('plan adherence', () => {
  test('a dialogue that follows its plan is accepted', () => {
    assert.deepEqual(codes(goodDialogue(), { plan: plan(weatherStep, chitchat), userTurnSteps: turns([0, 0], [4, 1]) }), []);
  });

  test('plan-no-tool-call: tool steps planned, no call made (the user ended after an assistant question)', () => {
    const m: ChatMessage[] = [
      { role: 'user', content: 'I need to register an appointment.' },
      { role: 'assistant', content: 'Sure, for which date would you like it?' },
    ];
    const r = codes(m, { plan: plan(weatherStep, chitchat), userTurnSteps: turns([0, 0]) });
    assert.deepEqual(r, ['plan-no-tool-call', 'plan-unfinished']);
  });

  test('plan-step-not-served: the assistant asked for a detail, then called another tool than the step names', () => {
    const m: ChatMessage[] = [
      { role: 'user', content: 'Find me flights to Rome.' },
      { role: 'assistant', content: 'From which city, and on what date?' },
      { role: 'user', content: 'From Paris, on 2025-05-01.' },
      { role: 'assistant', content: null, tool_calls: [call('c1', 'get_weather', { city: 'Paris' })] },
      { role: 'tool', tool_call_id: 'c1', content: '{"temperature": 18}' },
      { role: 'assistant', content: 'It is 18 °C in Paris.' },
    ];
    const r = filterDialogue(m, offered, { plan: plan(flightStep), userTurnSteps: turns([0, 0], [2, 0]) });
    assert.deepEqual(r.map((x) => x.code), ['plan-step-not-served']);
    assert.match(r[0]!.message, /search_flights/);
    assert.equal(r[0]!.messageIndex, 0);
  });

  test('plan-step-not-served: each tool step needs a call made while the user is on it', () => {
    // The weather is fetched while the user is (by the record) on step 2: step 1 got no turn.
    assert.deepEqual(codes(goodDialogue(), { plan: plan(chitchat, weatherStep), userTurnSteps: turns([0, 1], [4, 1]) }), ['plan-step-skipped']);
    assert.deepEqual(codes(goodDialogue(), { plan: plan(weatherStep, flightStep), userTurnSteps: turns([0, 0], [4, 1]) }), ['plan-step-not-served']);
  });

  test('plan-step-skipped: no user turn served a step before a later one', () => {
    const r = filterDialogue(goodDialogue(), offered, { plan: plan(weatherStep, chitchat, chitchat), userTurnSteps: turns([0, 0], [4, 2]) });
    assert.deepEqual(r.map((x) => x.code), ['plan-step-skipped']);
    assert.match(r[0]!.message, /step 2/);
  });

  test('plan-unfinished: the user finished before the last step', () => {
    assert.deepEqual(codes(goodDialogue(), { plan: plan(weatherStep, chitchat, flightStep), userTurnSteps: turns([0, 0], [4, 1]) }), ['plan-unfinished']);
  });

  test('call-in-irrelevant-step: a tool call during a step no tool can do rejects the dialogue', () => {
    const m = withIrrelevantRequest([
      { role: 'assistant', content: null, tool_calls: [call('c2', 'get_weather', { city: 'London' })] },
      { role: 'tool', tool_call_id: 'c2', content: '{"temperature": 12}' },
      { role: 'assistant', content: 'It is 12 °C in London, good reading weather.' },
    ]);
    const r = filterDialogue(m, offered, { plan: plan(weatherStep, irrelevant), userTurnSteps: turns([0, 0], [4, 1]) });
    assert.deepEqual(r.map((x) => x.code), ['call-in-irrelevant-step']);
    assert.equal(r[0]!.messageIndex, 5);
    assert.equal(r[0]!.tool, 'get_weather');
  });

  test('an irrelevant step answered without a call is accepted', () => {
    const m = withIrrelevantRequest([{ role: 'assistant', content: 'None of my tools can do that, but "Rebecca" is a classic rainy-day read.' }]);
    assert.deepEqual(codes(m, { plan: plan(weatherStep, irrelevant), userTurnSteps: turns([0, 0], [4, 1]) }), []);
  });

  test('missing-detail-not-asked: in a missing-detail step the assistant must ask before calling', () => {
    const missing: PlanStep = { kind: 'missing-detail', request: 'get the weather, without saying the city', tools: ['get_weather'] };
    const asked: ChatMessage[] = [
      { role: 'user', content: 'What is the weather like?' },
      { role: 'assistant', content: 'Which city do you mean?' },
      { role: 'user', content: 'Paris.' },
      { role: 'assistant', content: null, tool_calls: [call('c1', 'get_weather', { city: 'Paris' })] },
      { role: 'tool', tool_call_id: 'c1', content: '{"temperature": 18}' },
      { role: 'assistant', content: 'It is 18 °C in Paris.' },
    ];
    assert.deepEqual(codes(asked, { plan: plan(missing), userTurnSteps: turns([0, 0], [2, 0]) }), []);
    const guessed: ChatMessage[] = [{ role: 'user', content: 'What is the weather like?' }, ...goodDialogue().slice(1, 4)];
    const r = filterDialogue(guessed, offered, { plan: plan(missing), userTurnSteps: turns([0, 0]) });
    assert.deepEqual(r.map((x) => x.code), ['missing-detail-not-asked']);
    assert.equal(r[0]!.messageIndex, 1);
    // Asked, but never called: the step is not served.
    assert.deepEqual(codes(asked.slice(0, 3).concat([{ role: 'assistant', content: 'Paris is lovely.' }]), { plan: plan(missing), userTurnSteps: turns([0, 0], [2, 0]) }), ['plan-no-tool-call']);
  });

  test('records without the step of each turn: order-free checks only', () => {
    assert.deepEqual(codes(goodDialogue(), { plan: plan(flightStep, chitchat) }), ['plan-step-not-served']);
    assert.deepEqual(codes(goodDialogue(), { plan: plan(weatherStep, chitchat) }), []);
  });

  test('a step that names no tools is served by any call', () => {
    assert.deepEqual(codes(goodDialogue(), { plan: plan({ kind: 'tool', request: 'something' }, chitchat), userTurnSteps: turns([0, 0], [4, 1]) }), []);
  });
});
