/**
 * Every schema an import produces must compile in the validator the pipeline's filter uses:
 * a schema that does not compile makes every call of that tool fail validation (seen with the
 * Spotify OpenAPI spec's string bounds, `"maximum": "50"`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { importPaths } from '../../../src/engine/import';
import { validateAgainst } from '../../../src/engine/pipeline/schemaValidator';
import { sharedTools } from '../../support/importData';

const inputs = [
  path.join(sharedTools, 'openapi'),
  path.join(sharedTools, 'mcp', 'mcp_tools.jsonl'),
  path.join(sharedTools, 'bfcl', 'bfcl_functions.jsonl'),
  path.join(sharedTools, 'toolbench', 'toolenv_sample'),
];

test('parameters and returns of every imported real tool compile in the filter validator', async () => {
  const { toolSet, diagnostics } = await importPaths(inputs);
  assert.ok(toolSet.tools.length > 5000);
  const broken: string[] = [];
  for (const tool of toolSet.tools) {
    for (const [what, schema] of [['parameters', tool.parameters], ['returns', tool.returns]] as const) {
      if (!schema) continue;
      const problems = validateAgainst(schema, null).filter((p) => p.keyword === 'schema');
      if (problems.length > 0) broken.push(`${tool.name} ${what}: ${problems[0]!.message}`);
    }
  }
  assert.deepEqual(broken.slice(0, 10), [], `${broken.length} schemas do not compile`);
  // The repaired string bounds are reported, not silently changed.
  const spotify = toolSet.tools.find((t) => t.provenance.originalName === 'get-an-artists-albums' || t.name === 'get-an-artists-albums');
  assert.ok(spotify, 'the Spotify operation is imported');
  assert.equal(typeof spotify.parameters.properties.limit?.maximum, 'number');
  assert.ok(diagnostics.some((d) => d.code === 'invalid-schema' && /"maximum" is the string "50"/.test(d.message)), 'the string bound is reported');
});
