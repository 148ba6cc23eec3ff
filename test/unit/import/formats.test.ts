/**
 * Each supported format is detected automatically from its own keys, converted to the canonical
 * model, and a wrong explicit --format is reported rather than silently misread.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { importPaths } from '../../../src/engine/import';
import { importFixtures, isLocated } from '../../support/importData';

const fx = (name: string) => path.join(importFixtures, name);
const byName = async (file: string, format?: Parameters<typeof importPaths>[1] extends infer O ? (O extends { format?: infer F } ? F : never) : never) => {
  const r = await importPaths([fx(file)], format ? { format } : {});
  for (const d of r.diagnostics) assert.ok(isLocated(d));
  return { r, tool: (name: string) => r.toolSet.tools.find((t) => t.name === name)! };
};

describe('format detection and conversion', () => {
  test('OpenAI tools array inside a request: detected, invalid name fixed, unknown required dropped', async () => {
    const { r, tool } = await byName('openai-tools.json');
    assert.deepEqual(r.summary.byFormat, { openai: { files: 1, tools: 2 } });
    assert.deepEqual(tool('get_weather').parameters.required, ['city']);
    const cal = tool('calendar_create_event');
    assert.equal(cal.provenance.originalName, 'calendar.create event');
    assert.equal(cal.provenance.pointer, '/tools/1');
    assert.equal(cal.provenance.line, 19);
    assert.deepEqual(cal.parameters.required, ['title', 'start']);
    const unknownReq = r.diagnostics.find((d) => d.code === 'unknown-required')!;
    assert.equal(unknownReq.location.pointer, '/tools/1/function/parameters/required/2');
    assert.equal(unknownReq.location.line, 30);
    assert.ok(r.diagnostics.some((d) => d.code === 'renamed-tool' && d.message.includes('calendar.create event')));
  });

  test('legacy functions array: duplicate names suffixed, a nameless entry dropped with a reason', async () => {
    const { r, tool } = await byName('openai-functions.json');
    assert.equal(r.summary.byFormat['openai-functions']?.tools, 2);
    assert.equal(tool('search_flights_2').provenance.originalName, 'search_flights');
    assert.ok(r.diagnostics.some((d) => d.code === 'duplicate-name' && d.location.pointer === '/functions/1'));
    const dropped = r.diagnostics.filter((d) => d.code === 'dropped-item');
    assert.equal(dropped.length, 1);
    assert.equal(dropped[0]!.location.pointer, '/functions/2');
    assert.equal(r.summary.dropped, 1);
  });

  test('paper Figure 2 format: returns with per-field descriptions kept, missing ones listed', async () => {
    const { r, tool } = await byName('paper-figure2.json');
    assert.equal(r.summary.byFormat['toolflow-paper']?.tools, 2);
    assert.equal(tool('get_stock_price').returns?.properties?.price?.description, 'Latest trade price in USD.');
    assert.equal(tool('get_stock_price').missing, undefined);
    assert.deepEqual(tool('get_company_ticker').missing, ['/returns/properties/exchange/description']);
    assert.equal(r.summary.returnFields, 5);
  });

  test('Anthropic input_schema: detected; extra keys such as cache_control ignored', async () => {
    const { r, tool } = await byName('anthropic-tools.json');
    assert.deepEqual(r.summary.byFormat, { anthropic: { files: 1, tools: 2 } });
    assert.deepEqual(tool('send_email').parameters.properties.to, { description: 'Recipients.', items: { type: 'string' }, type: 'array' });
    assert.ok(!('cache_control' in tool('send_email')));
  });

  test('API-Bank: Python types converted, outputs become returns, required assumed and noted', async () => {
    const { r, tool } = await byName('api-bank.json');
    assert.equal(r.summary.byFormat['api-bank']?.tools, 2);
    const q = tool('QueryMeeting');
    assert.deepEqual(q.parameters.properties.start_time, { description: 'Start time of the meeting, YYYY-MM-DD HH:MM:SS.', type: 'string', format: 'date-time' });
    assert.deepEqual(q.parameters.properties.attendees?.items, { type: 'string' });
    assert.deepEqual(q.returns?.properties?.meetings?.anyOf, [{ type: 'array', items: { type: 'object' } }, { type: 'object' }]);
    assert.equal(q.returns?.properties?.count?.type, 'integer');
    assert.deepEqual(q.parameters.required, ['user_name', 'start_time', 'attendees']);
    assert.equal(tool('Calculator').parameters.properties.precision?.type, 'integer');
    assert.equal(r.diagnostics.filter((d) => d.code === 'assumed-required').length, 2);
  });

  test('OpenAPI 3.1 stored as a JSON string: operations, path-level params, requestBody, 2xx returns, $ref cycles cut', async () => {
    const { r, tool } = await byName('openapi-embedded.json');
    assert.deepEqual(r.summary.byFormat, { openapi: { files: 1, tools: 3 } });
    assert.ok(r.diagnostics.some((d) => d.code === 'embedded-openapi' && d.location.pointer === '/spec'));
    const get = tool('get_pets_petId');
    assert.equal(get.provenance.originalName, 'get/pets/{petId}');
    assert.ok(r.diagnostics.some((d) => d.code === 'generated-name'));
    assert.deepEqual(Object.keys(get.parameters.properties), ['petId', 'fields']);
    assert.deepEqual(get.parameters.required, ['petId']);
    // allOf merged into one object; the recursive Pet references are cut with a stub.
    assert.deepEqual(Object.keys(get.returns!.properties!), ['name', 'tag', 'id', 'parent', 'children']);
    assert.deepEqual(get.returns!.required, ['name', 'id']);
    assert.match(String(get.returns!.properties!.parent!.description), /recursive/);
    const upd = tool('updatePet');
    assert.deepEqual(Object.keys(upd.parameters.properties), ['petId', 'name', 'tag']);
    assert.deepEqual(upd.parameters.required, ['petId', 'name']);
    assert.equal(upd.returns?.description, 'Updated.');
    const create = tool('createPet');
    assert.equal(create.parameters.properties.body?.oneOf?.length, 2, 'a oneOf body becomes one "body" parameter');
    assert.ok(r.diagnostics.some((d) => d.code === 'ref-cycle-cut'));
    assert.ok(JSON.stringify(r.toolSet).length < 20000, 'cycles did not expand');
  });

  test('OpenAPI YAML stored as a string inside JSON is found and imported', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tf-import-'));
    const f = path.join(dir, 'registry.json');
    writeFileSync(f, JSON.stringify({ entries: [{ id: 'xkcd', spec: readFileSync(fx('openapi-cycles.yaml'), 'utf8') }] }));
    const r = await importPaths([f]);
    assert.equal(r.summary.tools, 2);
    assert.equal(r.toolSet.tools[0]!.provenance.pointer, '/entries/0/spec/paths/~1tree~1{path}/get');
  });

  test('OpenAPI YAML with recursive schemas and a dangling $ref: line numbers point at the YAML', async () => {
    const { r, tool } = await byName('openapi-cycles.yaml');
    const tree = tool('getTree');
    assert.deepEqual(tree.parameters.required, ['path']);
    assert.equal(tree.parameters.properties.depth?.default, 1);
    assert.equal(tree.returns?.properties?.children?.items?.type, 'object');
    const dangling = r.diagnostics.find((d) => d.code === 'unresolved-ref')!;
    assert.equal(dangling.severity, 'warning');
    assert.equal(dangling.location.line, 41);
    assert.equal(tool('get_search').description, '');
    assert.deepEqual(tool('get_search').missing, ['/description']);
  });

  test('Swagger 2.0 (best effort): typed parameters, body parameter, response schema, server URL', async () => {
    const { r, tool } = await byName('swagger2-users.json');
    assert.ok(r.diagnostics.some((d) => d.code === 'swagger-2'));
    const get = tool('getUser');
    assert.deepEqual(get.parameters.properties.id, { type: 'integer', description: 'User id' });
    assert.deepEqual(get.parameters.required, ['id']);
    assert.equal(get.returns?.properties?.name?.type, 'string');
    assert.equal(get.provenance.context?.server, 'https://api.example.com/v1');
    assert.deepEqual(Object.keys(tool('post_users_id').parameters.properties), ['name', 'friends']);
  });

  test('MCP tools/list JSON-RPC result: $defs inlined, anyOf-null collapsed, snake-case input_schema', async () => {
    const { r, tool } = await byName('mcp-tools-list.json');
    assert.deepEqual(r.summary.byFormat, { mcp: { files: 1, tools: 2 } });
    const issue = tool('create_issue');
    assert.equal(issue.parameters.properties.assignee?.type, 'string');
    assert.equal(issue.parameters.properties.labels?.items?.properties?.name?.description, 'Label name.');
    assert.ok(!JSON.stringify(issue).includes('$defs') && !JSON.stringify(issue).includes('$ref'));
    assert.deepEqual(issue.parameters.properties.priority?.type, ['integer', 'null']);
    assert.equal(issue.returns?.properties?.number?.type, 'integer');
    assert.equal(issue.provenance.context?.title, 'Create issue');
    assert.equal(tool('list_labels').provenance.format, 'mcp');
  });

  test('an explicit --format that does not fit is reported per item, not misread silently', async () => {
    const r = await importPaths([fx('anthropic-tools.json')], { format: 'toolbench' });
    assert.equal(r.summary.tools, 0);
    assert.ok(r.diagnostics.some((d) => d.severity === 'error' && d.code === 'dropped-item'));
  });

  test('an explicit --format reads a file detection would misjudge', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tf-import-'));
    // A function whose parameters use JSON Schema, but with a "response" key: detected as BFCL, forced as paper.
    const f = path.join(dir, 'tools.json');
    writeFileSync(f, JSON.stringify([{ name: 'f', description: 'd', parameters: { type: 'object', properties: {} }, response: { type: 'object', properties: { ok: { type: 'boolean' } } } }]));
    const auto = await importPaths([f]);
    assert.equal(auto.toolSet.tools[0]!.provenance.format, 'bfcl');
    const forced = await importPaths([f], { format: 'toolflow-paper' });
    assert.equal(forced.toolSet.tools[0]!.provenance.format, 'toolflow-paper');
    assert.equal(forced.toolSet.tools[0]!.returns?.properties?.ok?.type, 'boolean');
  });

  test('a folder of mixed formats imports each by its own format in one set with unique names', async () => {
    const r = await importPaths([importFixtures]);
    assert.equal(r.summary.files, 9);
    assert.equal(Object.keys(r.summary.byFormat).length, 7);
    assert.equal(new Set(r.toolSet.tools.map((t) => t.name)).size, r.toolSet.tools.length);
    // get_stock_price appears in two formats: the second one is renamed and reported.
    assert.ok(r.toolSet.tools.some((t) => t.name === 'get_stock_price_2'));
  });
});

test('a $ref explosion (each schema referencing the next four times, 12 levels) is cut, fast', async () => {
  const schemas: Record<string, unknown> = { L12: { type: 'string' } };
  for (let i = 0; i < 12; i++) schemas[`L${i}`] = { type: 'object', properties: Object.fromEntries(['a', 'b', 'c', 'd'].map((k) => [k, { $ref: `#/components/schemas/L${i + 1}` }])) };
  const spec = { openapi: '3.1.0', info: { title: 'bomb', version: '1' }, paths: { '/x': { get: { operationId: 'x', responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/L0' } } } } } } } }, components: { schemas } };
  const dir = mkdtempSync(path.join(tmpdir(), 'tf-import-'));
  const f = path.join(dir, 'bomb.json');
  writeFileSync(f, JSON.stringify(spec));
  const started = Date.now();
  const r = await importPaths([f]);
  assert.equal(r.summary.tools, 1);
  assert.ok(r.diagnostics.some((d) => d.code === 'schema-truncated' && d.severity === 'warning'));
  assert.ok(JSON.stringify(r.toolSet.tools[0]).length < 2_000_000);
  assert.ok(Date.now() - started < 10000);
});
