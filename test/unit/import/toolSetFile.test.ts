/** The canonical *.tools.json: written, read back, validated against schemas/toolset.schema.json. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { ToolSetError, importPaths, readToolSet, writeToolSet } from '../../../src/engine/import';
import { importFixtures, repoRoot, sharedTools } from '../../support/importData';

const schema = JSON.parse(readFileSync(path.join(repoRoot, 'schemas', 'toolset.schema.json'), 'utf8')) as Record<string, unknown>;
const tmp = () => mkdtempSync(path.join(tmpdir(), 'tf-toolset-'));

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

describe('canonical tool set file', () => {
  test('imported sets of every real format validate against the published JSON Schema', async () => {
    const validate = validator();
    const r = await importPaths([path.join(sharedTools, 'bfcl'), path.join(sharedTools, 'mcp'), path.join(sharedTools, 'openapi'), path.join(sharedTools, 'toolbench', 'toolenv_sample'), importFixtures]);
    const ok = validate(JSON.parse(JSON.stringify(r.toolSet)));
    assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 3)));
  });

  test('every property of the schema carries a description (IntelliSense)', () => {
    const missing: string[] = [];
    const walk = (node: unknown, ptr: string) => {
      if (!node || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      if (n.properties && typeof n.properties === 'object') {
        for (const [k, v] of Object.entries(n.properties as Record<string, Record<string, unknown>>)) {
          if (typeof v.description !== 'string' && typeof v.$ref !== 'string') missing.push(`${ptr}/properties/${k}`);
          walk(v, `${ptr}/properties/${k}`);
        }
      }
      for (const k of ['definitions', 'items']) if (n[k] && typeof n[k] === 'object') for (const [kk, vv] of Object.entries(n[k] as object)) walk(vv, `${ptr}/${k}/${kk}`);
    };
    walk(schema, '');
    assert.deepEqual(missing, []);
  });

  test('write then read gives the same set; one tool per line', async () => {
    const r = await importPaths([path.join(importFixtures, 'paper-figure2.json'), path.join(importFixtures, 'mcp-tools-list.json')]);
    const f = path.join(tmp(), 'my.tools.json');
    await writeToolSet(f, r.toolSet);
    const back = await readToolSet(f);
    assert.deepEqual(back, JSON.parse(JSON.stringify(r.toolSet)));
    const lines = readFileSync(f, 'utf8').split('\n');
    assert.equal(lines.filter((l) => l.startsWith('    {"name":')).length, r.toolSet.tools.length);
  });

  test('reading a set re-imports it as format toolflow, keeping names', async () => {
    const r = await importPaths([path.join(importFixtures, 'openai-tools.json')]);
    const f = path.join(tmp(), 'a.tools.json');
    await writeToolSet(f, r.toolSet);
    const again = await importPaths([f]);
    assert.deepEqual(again.toolSet.tools.map((t) => t.name), r.toolSet.tools.map((t) => t.name));
    assert.deepEqual(again.summary.byFormat, { toolflow: { files: 1, tools: 2 } });
  });

  test('invalid sets are rejected with the JSON pointer and line of each problem', async () => {
    const r = await importPaths([path.join(importFixtures, 'anthropic-tools.json')]);
    const set = JSON.parse(JSON.stringify(r.toolSet)) as { tools: Array<Record<string, unknown>> };
    set.tools[1]!.name = 'bad name!';
    delete (set.tools[0]!.parameters as Record<string, unknown>).properties;
    const f = path.join(tmp(), 'bad.tools.json');
    writeFileSync(f, JSON.stringify(set, null, 2));
    await assert.rejects(readToolSet(f), (e: unknown) => {
      assert.ok(e instanceof ToolSetError);
      const pointers = e.diagnostics.map((d) => d.location.pointer);
      assert.ok(pointers.includes('/tools/1/name'), String(pointers));
      assert.ok(pointers.includes('/tools/0/parameters'), String(pointers));
      for (const d of e.diagnostics) assert.ok(d.location.line! > 1);
      return true;
    });
  });

  test('duplicate names and broken JSON are reported with locations', async () => {
    const r = await importPaths([path.join(importFixtures, 'anthropic-tools.json')]);
    const set = JSON.parse(JSON.stringify(r.toolSet)) as { tools: Array<{ name: string }> };
    set.tools[1]!.name = set.tools[0]!.name;
    const f = path.join(tmp(), 'dup.tools.json');
    writeFileSync(f, JSON.stringify(set, null, 2));
    await assert.rejects(readToolSet(f), (e: ToolSetError) => e.diagnostics[0]!.code === 'duplicate-name' && e.diagnostics[0]!.location.pointer === '/tools/1/name');
    const g = path.join(tmp(), 'broken.tools.json');
    writeFileSync(g, '{\n  "format": "toolflow.tools",\n  "tools": [\n');
    await assert.rejects(readToolSet(g), (e: ToolSetError) => e.diagnostics[0]!.code === 'parse-error' && e.diagnostics[0]!.location.line !== undefined);
    await assert.rejects(readToolSet(path.join(tmp(), 'nope.tools.json')), (e: ToolSetError) => e.diagnostics[0]!.code === 'unreadable-file');
  });
});

test('streamed file equals serializeToolSet and is valid JSON for empty and large lists', async () => {
  const { serializeToolSet } = await import('../../../src/engine/import');
  const r = await importPaths([path.join(sharedTools, 'toolbench', 'toolenv_sample')]);
  const f = path.join(tmp(), 'big.tools.json');
  await writeToolSet(f, r.toolSet);
  const text = readFileSync(f, 'utf8');
  assert.equal(text, serializeToolSet(r.toolSet));
  assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(r.toolSet)));
  const empty = { ...r.toolSet, tools: [], diagnostics: [] };
  assert.deepEqual(JSON.parse(serializeToolSet(empty)), JSON.parse(JSON.stringify(empty)));
});
