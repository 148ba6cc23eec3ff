/**
 * LlmClient.structured against the LLM simulator: json_schema, the fallbacks to JSON mode and to
 * plain text (remembered per endpoint), repair re-asks, and `invalid-output` after the limit.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LlmError } from '../../../src/engine/llm/types';
import { schemaValidator } from '../../../src/engine/llm/schemaValidator';
import type { JsonSchema } from '../../../src/engine/model/jsonSchema';
import { kit, rejection } from './llmTestKit';

const recipeSchema: JsonSchema = {
  type: 'object',
  required: ['title', 'servings', 'ingredients'],
  properties: {
    title: { type: 'string', minLength: 3 },
    servings: { type: 'integer', minimum: 1, maximum: 12 },
    ingredients: { type: 'array', minItems: 2, items: { type: 'object', required: ['name', 'grams'], properties: { name: { type: 'string' }, grams: { type: 'number', minimum: 0 } } } },
    vegetarian: { type: 'boolean' },
  },
  additionalProperties: false,
};
interface Recipe {
  title: string;
  servings: number;
  ingredients: Array<{ name: string; grams: number }>;
}
const ask = (k: Awaited<ReturnType<typeof kit>>, maxRepairs?: number) =>
  k.client.structured<Recipe>({
    role: 'planner',
    messages: [{ role: 'system', content: 'You write recipes.' }, { role: 'user', content: 'A recipe for pancakes.' }],
    schemaName: 'recipe',
    schema: recipeSchema,
    validate: schemaValidator<Recipe>(recipeSchema),
    ...(maxRepairs !== undefined ? { maxRepairs } : {}),
  });

describe('LlmClient.structured', () => {
  test('asks with response_format json_schema when the endpoint supports it', async () => {
    const k = await kit();
    try {
      const { value, usage } = await ask(k);
      assert.ok(value.ingredients.length >= 2);
      assert.ok(value.servings >= 1 && value.servings <= 12);
      assert.ok(usage.promptTokens > 0);
      assert.deepEqual(k.sim.stats.log.map((r) => r.mode), ['json_schema']);
      assert.equal(k.client.structuredModeFor('planner'), 'json_schema');
    } finally {
      await k.close();
    }
  });

  test('falls back to JSON mode when json_schema is refused, and remembers it for the endpoint', async () => {
    const k = await kit({ supportsJsonSchema: false });
    try {
      const first = await ask(k);
      assert.ok(first.value.title.length >= 3);
      assert.deepEqual(k.sim.stats.log.map((r) => [r.mode, r.status]), [['json_schema', 400], ['json_object', 200]]);
      const fallback = k.events.filter(([n]) => n === 'fallback').map(([, e]) => e as { from: string; to: string });
      assert.deepEqual(fallback.map((e) => [e.from, e.to]), [['json_schema', 'json_object']]);
      await ask(k);
      // The second request went straight to JSON mode: no second refusal.
      assert.equal(k.sim.stats.unsupportedResponseFormat, 1);
      assert.equal(k.sim.stats.requests, 3);
      assert.equal(k.client.structuredModeFor('tool'), 'json_object', 'all roles on this endpoint share what was learned');
    } finally {
      await k.close();
    }
  });

  test('falls back to plain text (schema in the prompt, JSON extracted from prose) when neither mode exists', async () => {
    const k = await kit({ supportsJsonSchema: false, supportsJsonMode: false });
    try {
      const { value } = await ask(k);
      assert.ok(value.ingredients.every((i) => typeof i.grams === 'number'));
      assert.deepEqual(k.sim.stats.log.map((r) => [r.mode, r.status]), [['json_schema', 400], ['json_object', 400], ['text', 200]]);
      assert.equal(k.client.structuredModeFor('planner'), 'text');
      await ask(k);
      assert.equal(k.sim.stats.requests, 4);
    } finally {
      await k.close();
    }
  });

  test('re-asks with the problems listed after malformed or schema-violating output, then succeeds', async () => {
    const k = await kit({ faults: [{ fault: 'malformed-content', requests: [1] }, { fault: 'schema-violation', requests: [2] }] });
    try {
      const { value } = await ask(k);
      assert.ok(value.ingredients.length >= 2);
      assert.equal(k.sim.stats.requests, 3);
      const repairs = k.events.filter(([n]) => n === 'repair').map(([, e]) => e as { repair: number; problems: string[] });
      assert.equal(repairs.length, 2);
      assert.match(repairs[0]!.problems.join(' '), /not valid JSON/);
      assert.match(repairs[1]!.problems.join(' '), /must have required property 'title'/);
    } finally {
      await k.close();
    }
  });

  test('gives up with invalid-output after maxRepairs re-asks', async () => {
    const k = await kit({ faults: [{ fault: 'schema-violation', rate: 1 }] });
    try {
      const e = await rejection(ask(k, 2));
      assert.ok(e instanceof LlmError);
      assert.equal(e.code, 'invalid-output');
      assert.equal(e.role, 'planner');
      assert.equal(k.sim.stats.requests, 3, 'one ask plus two repairs');
      assert.ok((e.detail.problems ?? []).length > 0);
      assert.match(e.message, /recipe/);
    } finally {
      await k.close();
    }
  });

  test('a validator that rejects good JSON is honoured: the problems go back to the model', async () => {
    const k = await kit();
    try {
      let calls = 0;
      const { value } = await k.client.structured({
        role: 'judge',
        messages: [{ role: 'user', content: 'Rate it.' }],
        schemaName: 'score',
        schema: { type: 'object', required: ['score'], properties: { score: { type: 'integer', minimum: 1, maximum: 5 } } },
        validate: (v) => (++calls === 1 ? { ok: false, errors: ['score must be justified'] } : { ok: true, value: v }),
      });
      assert.equal(calls, 2);
      assert.ok(typeof (value as { score: number }).score === 'number');
      assert.equal(k.sim.stats.requests, 2);
    } finally {
      await k.close();
    }
  });
});
