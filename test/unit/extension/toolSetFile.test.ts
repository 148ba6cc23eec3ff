import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnosticsOfTool, matchesToolSearch, parseToolSetText, schemaFields } from '../../../src/extension/tools/toolSetFile';
import type { Tool, ToolSet } from '../../../src/engine/model/tool';

function tool(name: string, pointer: string): Tool {
  return {
    name,
    description: `Looks up ${name}`,
    parameters: { type: 'object', properties: { city: { type: 'string', description: 'the city' }, days: { type: 'integer' } }, required: ['city'] },
    returns: { type: 'object', properties: { forecast: { type: 'array', items: { type: 'object', properties: { day: { type: 'string' }, temp: { type: 'number' } } } } } },
    provenance: { file: 'src.json', format: 'openai', pointer, originalName: name.replace('_', '.') },
  };
}

const set: ToolSet = {
  format: 'toolflow.tools',
  version: 1,
  sources: [{ file: 'src.json', format: 'openai', tools: 2, errors: 0, warnings: 1 }],
  tools: [tool('get_weather', '/0'), tool('get_time', '/1')],
  diagnostics: [{ severity: 'warning', code: 'renamed-tool', message: 'renamed get.time', location: { file: 'src.json', pointer: '/1/name' } }],
};

describe('tool set files for the Tools view', () => {
  test('a canonical file loads; its warnings attach to the tool they point into', () => {
    const loaded = parseToolSetText('a.tools.json', JSON.stringify(set));
    assert.equal(loaded.problem, undefined);
    const ts = loaded.toolSet!;
    assert.equal(diagnosticsOfTool(ts.tools[0]!, ts.diagnostics).length, 0);
    assert.deepEqual(diagnosticsOfTool(ts.tools[1]!, ts.diagnostics).map((d) => d.code), ['renamed-tool']);
  });

  test('bad files say where and what to do', () => {
    assert.match(parseToolSetText('x.tools.json', '{ nope').problem!, /^x\.tools\.json: not valid JSON.*Import Tools/);
    assert.match(parseToolSetText('x.tools.json', '{"format":"openai"}').problem!, /^x\.tools\.json#\/format: not a ToolFlow tool set/);
    assert.match(parseToolSetText('x.tools.json', JSON.stringify({ ...set, tools: [{ name: 'a', description: '', parameters: {} }, { description: 'no name' }] })).problem!, /^x\.tools\.json#\/tools\/1: a tool needs a "name"/);
    // Values the Tools view would crash on (search reads description, the tree reads parameters.properties).
    for (const bad of [{ name: 'a', description: 'd', parameters: null }, { name: 'a', parameters: {} }, { name: 'a', description: 'd', parameters: [] }]) {
      assert.match(parseToolSetText('x.tools.json', JSON.stringify({ ...set, tools: [bad] })).problem!, /#\/tools\/0: a tool needs/, JSON.stringify(bad));
    }
  });

  test('parameters and nested return fields become tree fields', () => {
    const params = schemaFields(set.tools[0]!.parameters);
    assert.deepEqual(params.map((f) => [f.name, f.type, f.required]), [['city', 'string', true], ['days', 'integer', false]]);
    const ret = schemaFields(set.tools[0]!.returns);
    assert.equal(ret[0]!.type, 'object[]');
    assert.deepEqual(ret[0]!.children.map((f) => f.name), ['day', 'temp']);
  });

  test('search matches name, description and original name', () => {
    assert.ok(matchesToolSearch(set.tools[0]!, 'WEATHER'));
    assert.ok(matchesToolSearch(set.tools[0]!, 'looks up'));
    assert.ok(matchesToolSearch(set.tools[1]!, 'get.time'));
    assert.ok(!matchesToolSearch(set.tools[1]!, 'weather'));
  });
});
