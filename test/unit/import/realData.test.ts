/**
 * Every real tool definition file in ../shared/data/tools imports without a crash and with the
 * counts SOURCES.md gives; every renamed or dropped item is listed with a reason.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { importPaths, type ImportResult } from '../../../src/engine/import';
import { OPENAI_NAME_PATTERN } from '../../../src/engine/model/tool';
import { standardizeToolBenchName } from '../../../src/engine/import/formats/toolbench';
import { isLocated, sharedTools } from '../../support/importData';

const p = (...s: string[]) => path.join(sharedTools, ...s);

/** Checks that hold for every import: valid unique names, located diagnostics, every rename explained. */
function assertCanonical(r: ImportResult): void {
  const names = new Set<string>();
  for (const t of r.toolSet.tools) {
    assert.match(t.name, OPENAI_NAME_PATTERN, `invalid name ${t.name}`);
    assert.ok(!names.has(t.name), `duplicate name ${t.name}`);
    names.add(t.name);
    assert.equal(t.parameters.type, 'object');
    assert.equal(typeof t.parameters.properties, 'object');
    for (const r of t.parameters.required ?? []) assert.ok(Object.hasOwn(t.parameters.properties, r), `${t.name}: required ${r} is not a property`);
  }
  for (const d of r.diagnostics) assert.ok(isLocated(d), `unlocated diagnostic ${JSON.stringify(d)}`);
  // Every tool whose name differs from what its source wrote has a diagnostic at its definition.
  const renameDiags = new Set(r.diagnostics.filter((d) => d.code === 'renamed-tool' || d.code === 'duplicate-name').map((d) => `${d.location.file}#${d.location.pointer}`));
  for (const t of r.toolSet.tools) {
    // ToolBench APIs start from ToolBench's own "{api}_for_{tool}" name; anything else from the source's name.
    const tool = t.provenance.context?.tool;
    const base = t.provenance.format === 'toolbench' && tool ? `${standardizeToolBenchName(t.provenance.originalName) || 'api'}_for_${standardizeToolBenchName(tool)}` : t.provenance.originalName;
    if (t.provenance.format !== 'toolflow' && t.name !== base) assert.ok(renameDiags.has(`${t.provenance.file}#${t.provenance.pointer}`), `rename of ${base} -> ${t.name} not reported`);
  }
  assert.equal(r.summary.tools, r.toolSet.tools.length);
  assert.equal(r.diagnostics.filter((d) => d.code === 'internal-error').length, 0, 'no importer crashed');
}

describe('real tool definitions from ../shared/data/tools', () => {
  test('BFCL: 3,469 functions, 10,775 parameters, 158 with a response schema, dotted names renamed', async () => {
    const r = await importPaths([p('bfcl', 'bfcl_functions.jsonl')]);
    assertCanonical(r);
    assert.equal(r.summary.tools, 3469);
    assert.equal(r.summary.parameters, 10775);
    assert.equal(r.summary.toolsWithReturns, 158);
    assert.deepEqual(Object.keys(r.summary.byFormat), ['bfcl']);
    const dotted = r.toolSet.tools.filter((t) => t.provenance.originalName.includes('.'));
    assert.equal(dotted.length, 1305);
    for (const t of dotted) assert.ok(!t.name.includes('.'));
    assert.equal(r.diagnostics.filter((d) => d.code === 'renamed-tool').length, 1305);
    // No BFCL-only type survives normalisation.
    const text = JSON.stringify(r.toolSet.tools.map((t) => [t.parameters, t.returns]));
    for (const bad of ['"dict"', '"float"', '"tuple"', '"any"', '"long"', '"double"', '"String"', '"HashMap"', '"ArrayList"']) assert.ok(!text.includes(`"type":${bad}`), `type ${bad} left`);
    // Every tool comes with its JSON-lines line number.
    for (const t of r.toolSet.tools) assert.ok(t.provenance.line !== undefined && t.provenance.line >= 1);
  });

  test('MCP: 175 tools of 8 servers, 25 with outputSchema as returns', async () => {
    const r = await importPaths([p('mcp')]);
    assertCanonical(r);
    assert.equal(r.summary.tools, 175);
    assert.equal(r.summary.parameters, 718);
    assert.equal(r.summary.toolsWithReturns, 25);
    assert.equal(new Set(r.toolSet.tools.map((t) => t.provenance.context?.server)).size, 8);
    // anyOf-with-null is collapsed: no parameter keeps an anyOf whose branch is {type: null}.
    for (const t of r.toolSet.tools) {
      for (const prop of Object.values(t.parameters.properties)) assert.ok(!prop.anyOf?.some((b) => b.type === 'null' && Object.keys(b).length === 1), `${t.name} keeps anyOf null`);
    }
  });

  test('OpenAPI: Spotify 40 operations (JSON), xkcd 2 operations (YAML)', async () => {
    const spotify = await importPaths([p('openapi', 'restgpt__spotify_oas.json')]);
    assertCanonical(spotify);
    assert.equal(spotify.summary.tools, 40);
    assert.ok(!JSON.stringify(spotify.toolSet.tools).includes('"$ref"'), 'every $ref inlined');
    assert.ok(spotify.summary.toolsWithReturns >= 20);
    const xkcd = await importPaths([p('openapi', 'apisguru__xkcd.com__1.0.0__openapi.yaml')]);
    assertCanonical(xkcd);
    assert.equal(xkcd.summary.tools, 2);
    const byId = xkcd.toolSet.tools.find((t) => t.provenance.context?.path === '/{comicId}/info.0.json')!;
    assert.deepEqual(byId.parameters.required, ['comicId']);
    assert.ok(byId.returns?.properties && 'img' in byId.returns.properties, 'comic schema resolved through $ref');
    // YAML positions are real: the diagnostic line of the generated name is the operation's line.
    const yamlText = readFileSync(p('openapi', 'apisguru__xkcd.com__1.0.0__openapi.yaml'), 'utf8').split('\n');
    const gen = xkcd.diagnostics.find((d) => d.code === 'generated-name')!;
    assert.match(yamlText[gen.location.line! - 1]!, /^\s+get:/);
  });

  test('ToolBench sample folder: 391 tool files, 1,610 APIs', async () => {
    const r = await importPaths([p('toolbench', 'toolenv_sample')]);
    assertCanonical(r);
    assert.equal(r.summary.files, 391);
    assert.equal(r.summary.tools, 1610);
    assert.equal(r.toolSet.sources.length, 391);
    for (const t of r.toolSet.tools) assert.ok(t.provenance.context?.tool && t.provenance.context.category);
  });

  test('ToolBench: all 47,068 APIs and 99,852 parameters of toolenv_all.jsonl.gz', async () => {
    const started = Date.now();
    const r = await importPaths([p('toolbench', 'toolenv_all.jsonl.gz')], { keepDuplicates: true });
    const secs = (Date.now() - started) / 1000;
    assertCanonical(r);
    assert.equal(r.summary.tools, 47068);
    // Every parameter is either imported or dropped with a reason (a name defined twice in one API).
    assert.equal(r.summary.parameters + (r.summary.droppedParameters ?? NaN), 99852);
    assert.ok(r.summary.droppedParameters! < 1000);
    assert.equal(new Set(r.toolSet.tools.map((t) => t.provenance.line)).size, 10594 - r.diagnostics.filter((d) => d.code === 'empty-source').length);
    // Raw types never survive: no upper-case ToolBench type is left.
    assert.ok(!/"type":"[A-Z]/.test(JSON.stringify(r.toolSet.tools.map((t) => t.parameters))));
    assert.ok(r.summary.toolsWithReturns > 9000, 'schema/body became returns');
    process.stderr.write(`# all ToolBench: ${r.summary.tools} tools in ${secs.toFixed(1)}s\n`);
  });

  test('StableToolBench queries: the api_list entries of 765 queries give every distinct API', async () => {
    const dir = p('toolbench', 'stabletoolbench_queries');
    const r = await importPaths([dir]);
    assertCanonical(r);
    // Independent count straight from the raw files.
    const distinct = new Set<string>();
    const tools = new Set<string>();
    const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
    for (const f of walk(dir)) {
      for (const q of JSON.parse(readFileSync(f, 'utf8')) as Array<{ api_list: Array<{ tool_name: string; api_name: string }> }>) {
        for (const a of q.api_list) {
          distinct.add(`${a.tool_name}\u0000${a.api_name}`);
          tools.add(a.tool_name);
        }
      }
    }
    assert.equal(distinct.size, 2479);
    assert.equal(tools.size, 811);
    const imported = new Set(r.toolSet.tools.map((t) => `${t.provenance.context?.tool}\u0000${t.provenance.originalName}`));
    assert.equal(imported.size, 2479);
    // The same API with different definitions in different queries is kept, renamed and reported.
    assert.equal(r.summary.tools - imported.size, r.diagnostics.filter((d) => d.code === 'duplicate-name').length);
    assert.ok(r.summary.toolsWithReturns >= 1500, 'template_response became returns');
  });

  test('ToolBench data_example: instructions, answers (OpenAI functions) and response examples', async () => {
    const r = await importPaths([p('toolbench', 'data_example')]);
    assertCanonical(r);
    const answers = r.toolSet.tools.filter((t) => t.provenance.file.includes(`${path.sep}answer${path.sep}`));
    assert.equal(new Set(answers.map((t) => t.provenance.originalName)).size, 55);
    const fromInstructions = r.toolSet.tools.filter((t) => t.provenance.format === 'toolbench');
    assert.ok(fromInstructions.length >= 26);
    // Response example files are not tool definitions: skipped with a reason, not silently.
    assert.ok(r.diagnostics.some((d) => d.code === 'not-tool-definitions'));
    assert.ok(r.diagnostics.some((d) => d.code === 'empty-source'));
  });

  test('the whole shared folder in one batch: no crash, every file accounted for, identical repeats skipped and listed', async () => {
    const r = await importPaths([sharedTools]);
    assertCanonical(r);
    assert.ok(r.summary.tools > 50000);
    for (const f of ['bfcl', 'toolbench', 'openapi', 'mcp', 'openai-functions']) assert.ok(f in r.summary.byFormat, f);
    // Identical definitions (e.g. the same API repeated inside a ToolBench tool, or listed by many queries) are skipped, each with a diagnostic.
    assert.ok(r.summary.duplicatesSkipped > 0);
    assert.equal(r.diagnostics.filter((d) => d.code === 'duplicate-tool').length, r.summary.duplicatesSkipped);
    // SOURCES.md is not a tool file: it is listed as skipped.
    assert.ok(r.diagnostics.some((d) => d.code === 'skipped-file' && d.message.includes('SOURCES.md')));
  });
});

test('gunzip sanity: the .gz has 10,594 tool lines', () => {
  const lines = gunzipSync(readFileSync(p('toolbench', 'toolenv_all.jsonl.gz'))).toString('utf8').split('\n').filter((l) => l.trim() !== '');
  assert.equal(lines.length, 10594);
});
