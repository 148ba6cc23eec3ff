/**
 * Round trips: our dialogue → each format → JSON text → parsed back → the same calls (names,
 * arguments), the same results, in the same order, parallel calls included; plus what each format
 * must hold (string vs object arguments, tool names and ids, text beside calls).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EXPORT_FORMATS, formatModule, recordTrace } from '../../../src/engine/export';
import { TEXT_DROPPED_NOTE } from '../../../src/engine/export/formats/sharegpt';
import { record, richMessages } from '../../support/export/records';

const rec = record('d000007', richMessages());
const expected = recordTrace(rec.messages);

describe('round trip through every format', () => {
  test('the expected trace has the parallel calls in call order with their results matched by id', () => {
    assert.equal(expected.length, 2);
    assert.deepEqual(expected[0]!.calls.map((c) => c.name), ['get_weather', 'search_flights']);
    assert.deepEqual(expected[0]!.results.map((r) => r.name), ['get_weather', 'search_flights']);
    assert.equal(expected[0]!.results[0]!.content, '{"temperature":18,"condition":"cloudy"}');
    assert.deepEqual(expected[1]!.calls[0]!.arguments, { city: 'Paris "Nord" ☂', nights: 2 });
  });

  for (const format of EXPORT_FORMATS) {
    test(`${format}: calls, arguments and results come back intact and in order; the sample passes its own validator`, () => {
      const mod = formatModule(format);
      const { sample } = mod.convert(rec, { system: true });
      const line = JSON.stringify(sample);
      assert.ok(!line.includes('\n'), 'one line per sample');
      const parsed = JSON.parse(line) as unknown;
      assert.deepEqual(mod.parseTrace(parsed), expected);
      assert.deepEqual(mod.validate(parsed), []);
    });
  }

  test('openai: arguments are JSON strings, tool messages carry tool_call_id and name, text beside calls is kept', () => {
    const { sample } = formatModule('openai').convert(rec, { system: true });
    const messages = sample.messages as Array<Record<string, unknown>>;
    assert.deepEqual(messages[0], { role: 'system', content: rec.system });
    const calls = messages[2]!.tool_calls as Array<{ id: string; function: { arguments: unknown } }>;
    assert.equal(typeof calls[0]!.function.arguments, 'string');
    // results put in call order (the run had them reversed): call_a's first
    assert.deepEqual(messages[3], { role: 'tool', tool_call_id: 'call_a', name: 'get_weather', content: '{"temperature":18,"condition":"cloudy"}' });
    assert.deepEqual(messages[4], { role: 'tool', tool_call_id: 'call_b', name: 'search_flights', content: '{"flights":[{"id":"AF7","price":89.5}]}' });
    assert.equal(messages[7]!.content, 'Sure, booking it now.');
    assert.equal((messages[7]!.tool_calls as unknown[]).length, 1);
    assert.equal(sample.parallel_tool_calls, true);
    assert.deepEqual((sample.tools as Array<{ function: { name: string } }>).map((t) => t.function.name), ['get_weather', 'search_flights', 'book_hotel']);
    assert.ok(!('id' in sample) && !('seed' in sample), 'provenance stays out of the training line');
  });

  test('hf: arguments are objects; tool messages carry name; no system prompt with system: false', () => {
    const { sample } = formatModule('hf').convert(rec, { system: false });
    const messages = sample.messages as Array<Record<string, unknown>>;
    assert.equal(messages[0]!.role, 'user');
    const calls = messages[1]!.tool_calls as Array<{ function: { arguments: unknown } }>;
    assert.deepEqual(calls[1]!.function.arguments, { origin: 'Lyon', destination: 'Paris', date: '2025-05-01' });
    assert.equal(messages[2]!.name, 'get_weather');
    assert.equal(messages[2]!.tool_call_id, 'call_a');
    assert.equal(messages[3]!.name, 'search_flights');
  });

  test('sharegpt: parallel calls are one function_call list and one observation list; text beside a call is dropped and reported', () => {
    const { sample, notes } = formatModule('sharegpt').convert(rec, { system: true });
    const conv = sample.conversations as Array<{ from: string; value: string }>;
    assert.deepEqual(conv.map((t) => t.from), ['human', 'function_call', 'observation', 'gpt', 'human', 'function_call', 'observation', 'gpt', 'human', 'gpt']);
    assert.equal((JSON.parse(conv[1]!.value) as unknown[]).length, 2);
    assert.deepEqual(JSON.parse(conv[2]!.value), ['{"temperature":18,"condition":"cloudy"}', '{"flights":[{"id":"AF7","price":89.5}]}']);
    assert.deepEqual(notes, [TEXT_DROPPED_NOTE]);
    assert.equal(sample.system, rec.system);
    assert.equal(typeof sample.tools, 'string');
  });

  test('hermes: text and <tool_call> blocks share the assistant turn; tools listed in the system turn', () => {
    const { sample } = formatModule('hermes').convert(rec, { system: true });
    const conv = sample.conversations as Array<{ from: string; value: string }>;
    assert.equal(conv[0]!.from, 'system');
    assert.match(conv[0]!.value, /<tools> \[.*"book_hotel".*\] <\/tools>/s);
    const withText = conv.find((t) => t.from === 'gpt' && t.value.includes('<tool_call>') && t.value.startsWith('Sure'));
    assert.ok(withText, 'the text stays before the call block');
    assert.equal((conv[2]!.value.match(/<tool_call>/g) ?? []).length, 2, 'parallel calls: two blocks in one turn');
  });
});
