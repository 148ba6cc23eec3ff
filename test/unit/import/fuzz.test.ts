/**
 * Seeded, reproducible fuzzing of the importers over thousands of mutations of the real inputs:
 * truncation, wrong types, deep nesting, huge strings, `$ref` cycles, renamed keys, binary junk.
 * Whatever the input, no exception escapes `importPaths`, no importer reports an internal error,
 * every diagnostic has a location (file plus pointer or line), and every tool is canonical.
 * Set FUZZ_SEED to replay a run, FUZZ_COUNT to change its size, FUZZ_KEEP=1 to keep the files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { importPaths } from '../../../src/engine/import';
import { OPENAI_NAME_PATTERN } from '../../../src/engine/model/tool';
import { createRandom } from '../../../src/engine/sampling/seededRandom';
import { importFixtures, isLocated, sharedTools } from '../../support/importData';

const SEED = Number(process.env.FUZZ_SEED ?? 20251122);
const COUNT = Number(process.env.FUZZ_COUNT ?? 3000);

const rng = (seed: number) => createRandom(seed).next;

interface Seed {
  ext: string;
  text: string;
}

function seeds(): Seed[] {
  const out: Seed[] = [];
  const lines = (f: string, n: number, step: number) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .filter((l, i) => l.trim() !== '' && i % step === 0)
      .slice(0, n);
  for (const l of lines(path.join(sharedTools, 'bfcl', 'bfcl_functions.jsonl'), 40, 83)) out.push({ ext: '.json', text: l });
  for (const l of lines(path.join(sharedTools, 'mcp', 'mcp_tools.jsonl'), 30, 5)) out.push({ ext: '.json', text: l });
  out.push({ ext: '.jsonl', text: lines(path.join(sharedTools, 'bfcl', 'bfcl_functions.jsonl'), 20, 7).join('\n') });
  const tb = path.join(sharedTools, 'toolbench', 'toolenv_sample', 'tools');
  for (const cat of readdirSync(tb).slice(0, 12)) {
    for (const f of readdirSync(path.join(tb, cat)).slice(0, 2)) out.push({ ext: '.json', text: readFileSync(path.join(tb, cat, f), 'utf8') });
  }
  out.push({ ext: '.yaml', text: readFileSync(path.join(sharedTools, 'openapi', 'apisguru__xkcd.com__1.0.0__openapi.yaml'), 'utf8') });
  out.push({ ext: '.json', text: readFileSync(path.join(sharedTools, 'openapi', 'restgpt__spotify_oas.json'), 'utf8') });
  for (const f of readdirSync(importFixtures)) out.push({ ext: path.extname(f), text: readFileSync(path.join(importFixtures, f), 'utf8') });
  return out;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** All container nodes of a value, with a setter for each child slot. */
function slots(root: Json): Array<{ get: () => Json; set: (v: Json) => void }> {
  const out: Array<{ get: () => Json; set: (v: Json) => void }> = [];
  const stack: Json[] = [root];
  while (stack.length > 0 && out.length < 5000) {
    const node = stack.pop()!;
    if (Array.isArray(node)) {
      node.forEach((child, i) => {
        out.push({ get: () => node[i]!, set: (v) => (node[i] = v) });
        stack.push(child);
      });
    } else if (node && typeof node === 'object') {
      for (const k of Object.keys(node)) {
        out.push({ get: () => node[k]!, set: (v) => (node[k] = v) });
        stack.push(node[k]!);
      }
    }
  }
  return out;
}

const KEY_SWAPS: Record<string, string[]> = {
  parameters: ['params', 'input_schema', 'inputSchema', 'api_list'],
  properties: ['props', 'items'],
  type: ['kind', 'TYPE'],
  required: ['optional', 'requires'],
  name: ['title', 'api_name'],
  $ref: ['ref'],
};

function mutate(seed: Seed, r: () => number): { ext: string; data: Buffer } {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const kind = Math.floor(r() * 9);
  const text = seed.text;
  if (kind === 0) return { ext: seed.ext, data: Buffer.from(text.slice(0, Math.floor(r() * text.length))) };
  if (kind === 1) {
    // binary junk: random bytes spliced in, or a whole junk file, or a fake gzip.
    const bytes = Buffer.from(text);
    const junk = Buffer.from(Array.from({ length: 1 + Math.floor(r() * 64) }, () => Math.floor(r() * 256)));
    const at = Math.floor(r() * bytes.length);
    const variant = Math.floor(r() * 3);
    if (variant === 0) return { ext: seed.ext, data: Buffer.concat([bytes.subarray(0, at), junk, bytes.subarray(at)]) };
    if (variant === 1) return { ext: seed.ext, data: junk };
    return { ext: `${seed.ext}.gz`, data: Buffer.concat([Buffer.from([0x1f, 0x8b]), junk]) };
  }
  let value: Json;
  try {
    value = (seed.ext === '.jsonl' ? text.split('\n').map((l) => JSON.parse(l) as Json) : seed.ext === '.yaml' ? null : (JSON.parse(text) as Json)) as Json;
  } catch {
    value = null;
  }
  if (value === null) return { ext: seed.ext, data: Buffer.from(text.replace(/: /g, r() < 0.5 ? ':' : ': [')) };
  const all = slots(value);
  // Schema-like nodes (objects with a "type") are where most conversion code runs: target them half the time.
  const schemaSlots = all.filter((s) => {
    const v = s.get();
    return v !== null && typeof v === 'object' && !Array.isArray(v) && 'type' in v;
  });
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n && all.length > 0; i++) {
    const s = schemaSlots.length > 0 && r() < 0.5 ? pick(schemaSlots) : pick(all);
    switch (kind) {
      case 2: // wrong types
        s.set(pick<Json>([null, 0, -1.5, true, '', 'x', [], {}, [1, 'a', null], { type: 42 }, { properties: 'no' }]));
        break;
      case 3: {
        // deep nesting
        let v: Json = s.get();
        const depth = pick([50, 500, 5000]);
        const style = Math.floor(r() * 3);
        for (let d = 0; d < depth; d++) v = style === 0 ? [v] : style === 1 ? { type: 'object', properties: { a: v } } : { anyOf: [{ items: v }, { type: 'null' }] };
        s.set(v);
        break;
      }
      case 4: // huge strings
        s.set('𝔁'.repeat(pick([1000, 100_000, 400_000])));
        break;
      case 5: // $ref cycles and dangling refs
        s.set(pick<Json>([{ $ref: '#' }, { $ref: '#/components/schemas/Loop' }, { $ref: '#/$defs/A' }, { $ref: 'http://example.com/x.json' }, { $ref: 42 }, { $ref: '#/paths' }]));
        if (value && typeof value === 'object' && !Array.isArray(value)) {
          value.components = { schemas: { Loop: { type: 'object', properties: { next: { $ref: '#/components/schemas/Loop' }, all: { allOf: [{ $ref: '#/components/schemas/Loop' }] } } } } };
          value.$defs = { A: { $ref: '#/$defs/B' }, B: { anyOf: [{ $ref: '#/$defs/A' }, { type: 'null' }] } };
        }
        break;
      case 6: {
        // renamed keys
        const parent = s.get();
        if (parent && typeof parent === 'object' && !Array.isArray(parent)) {
          for (const [k, alts] of Object.entries(KEY_SWAPS)) {
            if (k in parent && r() < 0.5) {
              parent[pick(alts)] = parent[k]!;
              delete parent[k];
            }
          }
        }
        break;
      }
      case 7: // duplicates and odd names
        s.set(pick<Json>([{ name: '__proto__', description: 'x', parameters: { type: 'object', properties: { __proto__: { type: 'string' }, constructor: { type: 'string' } }, required: ['constructor', 'toString'] } }, { name: '💥'.repeat(100), description: 7 }, { name: 'a.b/c d', parameters: 'dict' }]));
        break;
      default: // swap a subtree for a copy of another one
        s.set(JSON.parse(JSON.stringify(pick(all).get())) as Json);
    }
  }
  let out: string;
  try {
    out = seed.ext === '.jsonl' && Array.isArray(value) ? value.map((v) => JSON.stringify(v)).join('\n') : JSON.stringify(value);
  } catch {
    out = text;
  }
  const ext = seed.ext === '.yaml' ? '.json' : seed.ext;
  return r() < 0.1 ? { ext: `${ext}.gz`, data: gzipSync(out) } : { ext, data: Buffer.from(out) };
}

test(`fuzz: ${COUNT} seeded mutations of the real inputs (seed ${SEED})`, async () => {
  const r = rng(SEED);
  const base = seeds();
  const dir = mkdtempSync(path.join(tmpdir(), 'tf-fuzz-'));
  try {
    const BATCH = 250;
    let total = 0;
    let tools = 0;
    for (let b = 0; b * BATCH < COUNT; b++) {
      const batchDir = path.join(dir, `b${b}`);
      const files: string[] = [];
      mkdirSync(batchDir);
      for (let i = 0; i < BATCH && b * BATCH + i < COUNT; i++) {
        const m = mutate(base[Math.floor(r() * base.length)]!, r);
        const f = path.join(batchDir, `m${String(i).padStart(4, '0')}${m.ext}`);
        files.push(f);
        writeFileSync(f, m.data, { flag: 'w' });
      }
      let result;
      try {
        result = await importPaths([batchDir]);
      } catch (e) {
        assert.fail(`importPaths threw for batch ${b} (seed ${SEED}): ${e instanceof Error ? e.stack : String(e)}`);
      }
      const internal = result.diagnostics.filter((d) => d.code === 'internal-error');
      assert.deepEqual(internal, [], `importer crashed (seed ${SEED}, batch ${b})`);
      for (const d of result.diagnostics) assert.ok(isLocated(d), `unlocated diagnostic (seed ${SEED}): ${JSON.stringify(d).slice(0, 300)}`);
      assert.equal(result.summary.files, files.length, 'every file was read');
      const names = new Set<string>();
      for (const t of result.toolSet.tools) {
        assert.match(t.name, OPENAI_NAME_PATTERN);
        assert.ok(!names.has(t.name));
        names.add(t.name);
        assert.equal(t.parameters.type, 'object');
        assert.ok(t.parameters.properties && typeof t.parameters.properties === 'object');
        assert.doesNotThrow(() => JSON.stringify(t));
      }
      // Every file either gave tools or left at least one diagnostic: nothing vanishes silently.
      const withDiag = new Set(result.diagnostics.map((d) => d.location.file));
      const withTools = new Set(result.toolSet.tools.map((t) => t.provenance.file));
      for (const f of files) {
        const shown = path.join(batchDir, path.basename(f));
        assert.ok(withDiag.has(shown) || withTools.has(shown), `file ${path.basename(f)} left no trace (seed ${SEED}, batch ${b})`);
      }
      total += files.length;
      tools += result.summary.tools;
      if (!process.env.FUZZ_KEEP) rmSync(batchDir, { recursive: true, force: true });
    }
    assert.equal(total, COUNT);
    assert.ok(tools > COUNT / 4, `mutations still import tools (${tools})`);
  } finally {
    if (!process.env.FUZZ_KEEP) rmSync(dir, { recursive: true, force: true });
  }
});
