/**
 * ToolBench: `required_parameters` become the tool's `required`, `optional_parameters` do not, on a small
 * file written here and on every API of the real ToolBench sample (../shared/data/tools/toolbench).
 * Dropping the names of `required_parameters` from `required` fails this test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importPaths } from '../../../src/engine/import';
import { sharedTools } from '../../support/importData';

test('required_parameters are required, optional_parameters are not', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolflow-toolbench-'));
  const file = path.join(dir, 'flights.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      tool_name: 'Skyscanner Lite',
      tool_description: 'Flight search',
      api_list: [
        {
          name: 'Search Flights',
          description: 'Flights between two airports on a date',
          method: 'GET',
          required_parameters: [
            { name: 'origin', type: 'STRING', description: 'IATA code of the departure airport', default: 'BER' },
            { name: 'date', type: 'DATE (YYYY-MM-DD)', description: 'Departure date', default: '' },
          ],
          optional_parameters: [{ name: 'cabin', type: 'ENUM', description: 'economy or business', default: 'economy' }],
        },
        { name: 'Airports', description: 'All airports', method: 'GET', required_parameters: [], optional_parameters: [{ name: 'country', type: 'STRING', description: 'ISO country', default: '' }] },
      ],
    }),
  );
  const r = await importPaths([file]);
  const [search, airports] = r.toolSet.tools;
  assert.deepEqual(search!.parameters.required, ['origin', 'date']);
  assert.deepEqual(Object.keys(search!.parameters.properties), ['origin', 'date', 'cabin']);
  assert.equal(airports!.parameters.required, undefined, 'no required parameters: no required list');
});

test('on the real ToolBench sample, every API requires exactly its required_parameters', async (t) => {
  const root = path.join(sharedTools, 'toolbench', 'toolenv_sample');
  if (!fs.existsSync(root)) {
    t.skip('../shared/data/tools/toolbench/toolenv_sample is not checked out beside the repository');
    return;
  }
  const r = await importPaths([root]);
  const docs = new Map<string, { api_list: Array<{ required_parameters?: Array<{ name?: unknown }> }> }>();
  let withRequired = 0;
  for (const tool of r.toolSet.tools) {
    const file = path.resolve(tool.provenance.file);
    if (!docs.has(file)) docs.set(file, JSON.parse(fs.readFileSync(file, 'utf8')));
    const m = /^\/api_list\/(\d+)$/.exec(tool.provenance.pointer);
    assert.ok(m, tool.provenance.pointer);
    const api = docs.get(file)!.api_list[Number(m[1])]!;
    const expected = [...new Set((api.required_parameters ?? []).map((p) => p.name).filter((n): n is string => typeof n === 'string' && n.trim() !== '' && n !== '__proto__'))];
    assert.deepEqual(tool.parameters.required ?? [], expected, `${tool.provenance.file}#${tool.provenance.pointer}`);
    if (expected.length > 0) withRequired++;
  }
  assert.ok(withRequired > 100, `the sample has APIs with required parameters (${withRequired})`);
});
