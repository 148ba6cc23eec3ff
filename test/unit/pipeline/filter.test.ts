import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { filterDialogue } from '../../../src/engine/pipeline/filter';
import type { ChatMessage } from '../../../src/engine/llm/types';
import { call, goodDialogue, offered } from '../../support/pipeline/builders';

const codes = (m: ChatMessage[]) => filterDialogue(m, offered).map((r) => r.code);

describe('rule-based filter', () => {
  test('accepts a well-formed dialogue', () => {
    assert.deepEqual(filterDialogue(goodDialogue(), offered), []);
  });

  test('accepts parallel calls answered in any order', () => {
    const m: ChatMessage[] = [
      { role: 'user', content: 'Weather in Paris and flights Paris to Rome on 2025-05-01?' },
      { role: 'assistant', content: null, tool_calls: [call('a', 'get_weather', { city: 'Paris' }), call('b', 'search_flights', { origin: 'Paris', destination: 'Rome', date: '2025-05-01' })] },
      { role: 'tool', tool_call_id: 'b', content: '{"flights": []}' },
      { role: 'tool', tool_call_id: 'a', content: '{"temperature": 20}' },
      { role: 'assistant', content: 'Sunny-ish; no flights found.' },
    ];
    assert.deepEqual(codes(m), []);
  });

  test('unknown tool', () => {
    const m = goodDialogue();
    m[1] = { role: 'assistant', content: null, tool_calls: [call('c1', 'get_wether', { city: 'Paris' })] };
    const r = filterDialogue(m, offered);
    assert.deepEqual(r.map((x) => x.code), ['unknown-tool']);
    assert.equal(r[0]!.tool, 'get_wether');
    assert.equal(r[0]!.messageIndex, 1);
  });

  test('arguments that are not JSON or not an object', () => {
    const m = goodDialogue();
    m[1] = { role: 'assistant', content: null, tool_calls: [call('c1', 'get_weather', '{"city": "Par')] };
    assert.deepEqual(codes(m), ['arguments-not-json']);
    m[1] = { role: 'assistant', content: null, tool_calls: [call('c1', 'get_weather', '["Paris"]')] };
    assert.deepEqual(codes(m), ['arguments-not-json']);
  });

  test('missing required parameter names it with a pointer', () => {
    const m = goodDialogue();
    m[1] = { role: 'assistant', content: null, tool_calls: [call('c1', 'get_weather', { unit: 'celsius' })] };
    const r = filterDialogue(m, offered);
    assert.deepEqual(r.map((x) => x.code), ['missing-required-param']);
    assert.equal(r[0]!.pointer, '/city');
  });

  test('schema-violating arguments: enum, type and format are checked by the validator', () => {
    const m = goodDialogue();
    m[1] = { role: 'assistant', content: null, tool_calls: [call('c1', 'get_weather', { city: 42, unit: 'kelvin' })] };
    const r = filterDialogue(m, offered);
    assert.deepEqual(r.map((x) => x.code), ['arguments-invalid', 'arguments-invalid']);
    assert.deepEqual(r.map((x) => x.pointer).sort(), ['/city', '/unit']);
    m[1] = { role: 'assistant', content: null, tool_calls: [call('c1', 'search_flights', { origin: 'A', destination: 'B', date: 'next tuesday' })] };
    assert.deepEqual(codes(m), ['arguments-invalid']);
  });

  test('a tool call without a result', () => {
    const m = goodDialogue();
    m.splice(2, 1);
    assert.deepEqual(codes(m), ['missing-tool-result']);
  });

  test('a tool result that answers no call', () => {
    const m = goodDialogue();
    m[2] = { role: 'tool', tool_call_id: 'zzz', content: '{}' };
    assert.deepEqual(codes(m).sort(), ['missing-tool-result', 'orphan-tool-result']);
  });

  test('a tool result that is not JSON', () => {
    const m = goodDialogue();
    m[2] = { role: 'tool', tool_call_id: 'c1', content: 'temperature: 18' };
    assert.deepEqual(codes(m), ['tool-result-unparseable']);
  });

  test('the assistant must answer after results', () => {
    const m = goodDialogue();
    m.splice(3, 1); // the user speaks right after the tool result
    assert.deepEqual(codes(m), ['no-answer-after-results']);
    const cut = goodDialogue().slice(0, 3); // ends on the tool result
    assert.deepEqual(codes(cut).sort(), ['incomplete-dialogue', 'no-answer-after-results']);
  });

  test('incomplete dialogues: empty, not started by the user, ending on the user', () => {
    assert.deepEqual(codes([]), ['incomplete-dialogue']);
    assert.deepEqual(codes([{ role: 'assistant', content: 'Hello' }]), ['incomplete-dialogue']);
    assert.deepEqual(codes([...goodDialogue(), { role: 'user', content: 'And tomorrow?' }]), ['incomplete-dialogue']);
  });

  test('empty turns', () => {
    const m = goodDialogue();
    m[4] = { role: 'user', content: '   ' };
    assert.deepEqual(codes(m), ['empty-turn']);
    const n = goodDialogue();
    n[5] = { role: 'assistant', content: '' };
    assert.deepEqual(codes(n).sort(), ['empty-turn', 'incomplete-dialogue']);
  });
});
