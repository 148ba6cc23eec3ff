/** JSON extraction from model text, the schema instruction round trip, and Retry-After parsing. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { extractJson, parseSchemaInstruction, withSchemaInstruction } from '../../../src/engine/llm/structuredOutput';
import type { JsonSchema } from '../../../src/engine/model/jsonSchema';
import { parseRetryAfter, retryDelayMs } from '../../../src/engine/llm/retryPolicy';

describe('extractJson', () => {
  test('plain, fenced, and embedded JSON', () => {
    assert.deepEqual(extractJson(' {"a": 1} '), { ok: true, value: { a: 1 } });
    assert.deepEqual(extractJson('Here you go:\n```json\n{"a": [1, 2]}\n```\nBye'), { ok: true, value: { a: [1, 2] } });
    assert.deepEqual(extractJson('```\n{"b": true}\n```'), { ok: true, value: { b: true } });
    assert.deepEqual(extractJson('The answer is {"s": "a } brace \\" and {", "n": 2} as asked.'), { ok: true, value: { s: 'a } brace " and {', n: 2 } });
    assert.deepEqual(extractJson('list: [1, {"x": 2}] done'), { ok: true, value: [1, { x: 2 }] });
    assert.deepEqual(extractJson('<think>maybe {"a": 0} or [1]?</think>\n{"a": 2}'), { ok: true, value: { a: 2 } });
  });
  test('unusable text gives a reason', () => {
    const r = extractJson('{"a": [1, 2');
    assert.equal(r.ok, false);
    assert.match((r as { error: string }).error, /not valid JSON/);
    assert.deepEqual(extractJson('   '), { ok: false, error: 'the reply was empty' });
  });
});

describe('schema instruction', () => {
  test('is appended to the first system message and can be read back', () => {
    const schema: JsonSchema = { type: 'object', required: ['steps'], properties: { steps: { type: 'array' } } };
    const msgs = withSchemaInstruction([{ role: 'system', content: 'Plan.' }, { role: 'user', content: 'go' }], 'dialogue_plan', schema);
    assert.equal(msgs.length, 2);
    assert.match((msgs[0] as { content: string }).content, /^Plan\.\n\n## Response format/);
    assert.deepEqual(parseSchemaInstruction((msgs[0] as { content: string }).content), { schemaName: 'dialogue_plan', schema });
    const noSystem = withSchemaInstruction([{ role: 'user', content: 'go' }], 'x', { type: 'object' });
    assert.equal(noSystem[0]!.role, 'system');
    assert.equal(parseSchemaInstruction('no instruction here'), undefined);
  });
});

describe('Retry-After', () => {
  const h = (v: Record<string, string>) => ({ get: (n: string) => v[n] ?? null });
  test('seconds, HTTP date and retry-after-ms', () => {
    assert.equal(parseRetryAfter(h({ 'retry-after': '3' })), 3000);
    const now = Date.parse('2025-01-01T00:00:00Z');
    assert.equal(parseRetryAfter(h({ 'retry-after': 'Wed, 01 Jan 2025 00:00:05 GMT' }), now), 5000);
    assert.equal(parseRetryAfter(h({ 'retry-after-ms': '250', 'retry-after': '9' })), 250);
    assert.equal(parseRetryAfter(h({ 'retry-after': 'soon' })), undefined);
    assert.equal(parseRetryAfter(h({})), undefined);
  });
  test('backoff grows exponentially, is capped, and never undercuts Retry-After', () => {
    const opts = { backoffBaseMs: 100, backoffMaxMs: 1000, maxRetryAfterMs: 5000 };
    assert.equal(retryDelayMs(1, opts, undefined, () => 1), 100);
    assert.equal(retryDelayMs(3, opts, undefined, () => 1), 400);
    assert.equal(retryDelayMs(3, opts, undefined, () => 0), 200);
    assert.equal(retryDelayMs(10, opts, undefined, () => 1), 1000);
    assert.ok(retryDelayMs(1, opts, 3000, () => 0) >= 3000);
    assert.ok(retryDelayMs(1, opts, 60_000, () => 0) === 5000, 'clamped to maxRetryAfterMs');
  });
});
