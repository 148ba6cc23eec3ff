/**
 * The schema preview's engine side: `importText` reads an editor's text in every format the
 * importer knows (diagnostics carry lines of that text); `toolForm` turns each tool into a form
 * with nested fields, and its example call validates against the tool's parameter schema.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { importText } from '../../../src/engine/import';
import { validateAgainst } from '../../../src/engine/pipeline/schemaValidator';
import { exampleValue, toolForm, type FormField } from '../../../src/engine/schemaPreview/toolForm';
import { repoRoot, sharedTools } from '../../support/graphData';

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'import');
const files: Array<[string, string]> = [
  ['OpenAI', path.join(fixtures, 'openai-tools.json')],
  ['Anthropic', path.join(fixtures, 'anthropic-tools.json')],
  ['MCP', path.join(fixtures, 'mcp-tools-list.json')],
  ['OpenAPI YAML', path.join(sharedTools, 'openapi', 'apisguru__xkcd.com__1.0.0__openapi.yaml')],
  ['API-Bank', path.join(fixtures, 'api-bank.json')],
  ['BFCL', path.join(sharedTools, 'bfcl', 'bfcl_functions.jsonl')],
  ['OpenAPI JSON (Spotify)', path.join(sharedTools, 'openapi', 'restgpt__spotify_oas.json')],
];

/** A schema that no value can satisfy: an `enum` none of whose values has the declared type (BFCL has `boolean` with `["True", "False", "dontcare"]`). */
function selfContradictory(schema: unknown): boolean {
  if (!schema || typeof schema !== 'object') return false;
  const s = schema as Record<string, unknown>;
  if (Array.isArray(s.enum) && s.enum.every((v) => validateAgainst(s, v).length > 0)) return true;
  return Object.values(s).some((v) => (Array.isArray(v) ? v.some(selfContradictory) : selfContradictory(v)));
}

function depth(fields: FormField[]): number {
  return fields.reduce((d, f) => Math.max(d, 1 + depth(f.children ?? [])), 0);
}

describe('schema preview: importText + toolForm', () => {
  for (const [format, file] of files) {
    test(`${format}: every tool becomes a form whose example call validates`, async () => {
      const { tools } = await importText(path.basename(file), fs.readFileSync(file, 'utf8'));
      assert.ok(tools.length > 0, 'tools imported');
      let invalid = 0;
      for (const t of tools) {
        const f = toolForm(t);
        assert.equal(f.parameters.length, Object.keys(t.parameters.properties ?? {}).length);
        const call = JSON.parse(f.exampleCall) as { name: string; arguments: unknown };
        assert.equal(call.name, t.name);
        assert.deepEqual(f.exampleProblems, validateAgainst(t.parameters, call.arguments).map((p) => p.message), 'the verdict is ajv’s');
        for (const r of t.parameters.required ?? []) assert.ok(r in (call.arguments as object), `${t.name}: required ${r} in the example`);
        if (f.exampleProblems.length) invalid++;
      }
      // Only a regex `pattern` or a self-contradictory schema may defeat the generator (then the form says why).
      assert.ok(invalid <= tools.filter((t) => JSON.stringify(t.parameters).includes('"pattern"') || selfContradictory(t.parameters)).length, `${invalid} invalid examples`);
    });
  }

  test('nested objects and arrays become nested fields; enums and defaults are kept', async () => {
    const text = JSON.stringify([{ type: 'function', function: { name: 'book', description: 'Book a trip', parameters: { type: 'object', required: ['trip'], properties: {
      trip: { type: 'object', required: ['legs'], properties: { legs: { type: 'array', items: { type: 'object', required: ['from'], properties: { from: { type: 'string', description: 'IATA code' }, class: { type: 'string', enum: ['economy', 'business'] } } } } } },
      seats: { type: 'integer', minimum: 1, maximum: 9, default: 1 },
    } } } }], null, 2);
    const { tools } = await importText('book.json', text);
    const f = toolForm(tools[0]!);
    const trip = f.parameters.find((p) => p.name === 'trip')!;
    assert.equal(trip.required, true);
    const legs = trip.children!.find((c) => c.name === 'legs')!;
    assert.equal(legs.type, 'object[]');
    const item = legs.children![0]!;
    assert.equal(item.name, '[]');
    assert.deepEqual(item.children!.find((c) => c.name === 'class')!.enum, ['economy', 'business']);
    assert.equal(f.parameters.find((p) => p.name === 'seats')!.default, '1');
    assert.ok(depth(f.parameters) >= 4);
    assert.deepEqual(f.exampleProblems, []);
    assert.deepEqual(JSON.parse(f.exampleCall).arguments, { trip: { legs: [{ from: 'example from' }] }, seats: 1 });
  });

  test('exampleValue honours formats and bounds', () => {
    assert.equal(exampleValue({ type: 'string', format: 'date' }, 'd'), '2025-01-31');
    assert.equal(exampleValue({ type: 'integer', minimum: 5 }, 'n'), 5);
    assert.deepEqual(exampleValue({ type: 'array', items: { type: 'number' }, minItems: 2 }, 'xs'), [1, 1]);
  });

  test('a syntax error is a diagnostic with the line of the editor text; the text is not a file on disk', async () => {
    const text = '[\n  {"type": "function", "function": {"name": "ok", "parameters": {"type": "object", "properties": {}}}},\n  {"type": "function",, }\n]\n';
    const { tools, diagnostics } = await importText('/nowhere/unsaved.json', text);
    assert.equal(tools.length, 0);
    const d = diagnostics.find((x) => x.severity === 'error')!;
    assert.equal(d.location.line, 3);
  });
});
