/** Schema corners found in review: names that look like keywords, draft-04 bounds, OpenAPI nullable, gzip bombs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { importPaths } from '../../../src/engine/import';

const dir = mkdtempSync(path.join(tmpdir(), 'tf-schema-'));
function file(name: string, value: unknown): string {
  const f = path.join(dir, name);
  writeFileSync(f, JSON.stringify(value));
  return f;
}

test('a parameter called "definitions" is a parameter, not a $defs section; $defs are still inlined', async () => {
  const f = file('defs.json', {
    tools: [
      {
        type: 'function',
        function: {
          name: 'lookup',
          description: 'Look up a word.',
          parameters: {
            type: 'object',
            $defs: { Lang: { type: 'string', description: 'ISO language code' } },
            properties: {
              definitions: { type: 'integer', description: 'How many definitions to return' },
              lang: { $ref: '#/$defs/Lang' },
              style: { type: 'string', enum: [{ definitions: 1 }, 'plain'] },
            },
            required: ['definitions'],
          },
        },
      },
    ],
  });
  const { toolSet, diagnostics } = await importPaths([f]);
  const p = toolSet.tools[0]!.parameters;
  assert.deepEqual(Object.keys(p.properties).sort(), ['definitions', 'lang', 'style']);
  assert.deepEqual(p.required, ['definitions']);
  assert.equal(p.properties.lang!.description, 'ISO language code');
  assert.equal(p.$defs, undefined);
  assert.deepEqual(p.properties.style!.enum, [{ definitions: 1 }, 'plain'], 'enum values are data, copied as written');
  assert.ok(!diagnostics.some((d) => d.code === 'unknown-required'), JSON.stringify(diagnostics));
});

test('draft-04 boolean exclusive bounds become numbers; OpenAPI nullable becomes a null type; input cannot inject internal keys', async () => {
  const f = file('bounds.json', [
    {
      name: 'f',
      description: 'd',
      parameters: {
        type: 'object',
        properties: {
          n: { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: '10', description: 'n' },
          s: { type: 'string', nullable: true, description: 's' },
          t: { type: 'integer', nullable: 'true', description: 'Spotify writes the boolean as a string' },
        },
        mergedRequired: [42, 'zzz'],
      },
    },
  ]);
  const { toolSet } = await importPaths([f], { format: 'openai-functions' });
  const p = toolSet.tools[0]!.parameters;
  assert.equal(p.properties.n!.exclusiveMinimum, 0);
  assert.equal(p.properties.n!.minimum, undefined);
  assert.equal(p.properties.n!.maximum, 10);
  assert.deepEqual(p.properties.s!.type, ['string', 'null']);
  assert.deepEqual(p.properties.t!.type, ['integer', 'null']);
  assert.equal(p.required, undefined, 'a raw "mergedRequired" key does not become required names');
});

test('decompression is bounded: a gzip that inflates past the limit fails instead of filling memory', async () => {
  const { readSourceText } = await import('../../../src/engine/import/source/sourceDocuments');
  const f = path.join(dir, 'bomb.json.gz');
  writeFileSync(f, gzipSync(Buffer.alloc(8 * 1024 * 1024)));
  const read = (p: string) => import('node:fs/promises').then((m) => m.readFile(p));
  await assert.rejects(readSourceText(f, read, 1024 * 1024), /maxOutputLength|buffer|larger/i);
  assert.equal((await readSourceText(f, read, 16 * 1024 * 1024)).length, 8 * 1024 * 1024, 'under the limit it reads');
});
