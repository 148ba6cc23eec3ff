/**
 * ToolAlpaca dataset files: a JSON array of API records whose `Documentation` holds an OpenAPI spec as
 * a JSON string (the shape of ToolAlpaca's eval_real.json / eval_simulated.json). Detected without
 * --format; one tool per operation; provenance names the record and the path inside its spec.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importPaths } from '../../../src/engine/import';
import type { JsonSchema } from '../../../src/engine/model/jsonSchema';
import { repoRoot } from '../../support/importData';

const fixture = path.join(repoRoot, 'test', 'fixtures', 'toolalpaca', 'eval_real.sample.json');

test('a ToolAlpaca file is detected and gives one tool per operation of every record', async () => {
  const r = await importPaths([fixture]);
  const tools = r.toolSet.tools;
  assert.deepEqual(tools.map((t) => t.name), ['ForecastGetDaily', 'AlertsList', 'searchBooks', 'createReadingList', 'get_fact']);
  assert.ok(tools.every((t) => t.provenance.format === 'toolalpaca'));
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.deepEqual(Object.keys(r.summary.byFormat), ['toolalpaca']);

  const forecast = tools[0]!;
  const props = forecast.parameters.properties as Record<string, JsonSchema & { minimum?: number; maximum?: number; default?: unknown; enum?: unknown[] }>;
  assert.deepEqual(forecast.parameters.required, ['city']);
  assert.equal(props.days!.minimum, 1);
  assert.equal(props.days!.maximum, 7);
  assert.equal(props.days!.default, 3);
  assert.deepEqual(props.units!.enum, ['metric', 'imperial'], 'a $ref inside the string spec is resolved against that spec');
  const days = (forecast.returns as { properties: Record<string, { items?: { properties?: Record<string, unknown> } }> }).properties.days!;
  assert.ok(days.items?.properties?.maxTemp, 'nested $ref in the response resolved');
  const list = tools.find((t) => t.name === 'createReadingList')!;
  assert.deepEqual(list.parameters.required, ['name'], 'request body properties become parameters');
});

test('provenance points at the record and at the path inside its spec', async () => {
  const r = await importPaths([fixture]);
  const text = fs.readFileSync(fixture, 'utf8').split('\n');
  const books = r.toolSet.tools.find((t) => t.name === 'searchBooks')!;
  assert.equal(books.provenance.pointer, '/1/Documentation/paths/~1search.json/get');
  assert.deepEqual(
    { record: books.provenance.context?.record, recordPointer: books.provenance.context?.recordPointer, specPointer: books.provenance.context?.specPointer, category: books.provenance.context?.category },
    { record: 'Open Library Lite', recordPointer: '/1', specPointer: '/paths/~1search.json/get', category: 'Books' },
  );
  assert.match(text[books.provenance.line! - 1]!, /^\s+"Documentation": /, 'the line is the record\'s Documentation field');
  const records = JSON.parse(fs.readFileSync(fixture, 'utf8')) as Array<{ Documentation: string }>;
  const spec = JSON.parse(records[1]!.Documentation) as { paths: Record<string, Record<string, unknown>> };
  assert.ok(spec.paths['/search.json']!.get, 'the spec pointer resolves inside the parsed Documentation');
  // The spec has no description for searchBooks: ToolAlpaca's Function_Description supplies it.
  assert.equal(books.description, 'Search books by title, author or subject');
});

test('a record whose Documentation is not JSON is reported at its pointer; the other records still import', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolflow-alpaca-'));
  const records = JSON.parse(fs.readFileSync(fixture, 'utf8')) as Array<Record<string, unknown>>;
  records[1]!.Documentation = '{"openapi": "3.0.0", "paths": {';
  const file = path.join(dir, 'eval_simulated.json');
  fs.writeFileSync(file, JSON.stringify(records, null, 2));
  const r = await importPaths([file]);
  assert.deepEqual(r.toolSet.tools.map((t) => t.name), ['ForecastGetDaily', 'AlertsList', 'get_fact']);
  const err = r.diagnostics.find((d) => d.severity === 'error')!;
  assert.equal(err.location.pointer, '/1/Documentation');
  assert.match(err.message, /"Open Library Lite": Documentation is not valid JSON/);
  // One record alone (not in an array) is recognised too.
  fs.writeFileSync(file, JSON.stringify(records[2]));
  const one = await importPaths([file]);
  assert.deepEqual(one.toolSet.tools.map((t) => [t.name, t.provenance.format, t.provenance.pointer]), [['get_fact', 'toolalpaca', '/Documentation/paths/~1fact/get']]);
});
