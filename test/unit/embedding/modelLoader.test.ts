/**
 * The embedder and EnR's NLI classifier load their models through one loader
 * (src/engine/embedding/modelLoader.ts), so both honour the same options: a hub mirror
 * (`remoteHost`), a folder relative to `cwd`, and `offline` after a download. A local HTTP server
 * plays the hub over real model folders (the embedded GloVe model, the tiny untrained NLI test
 * model whose labels mean nothing: only loading is checked here).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createEmbedder } from '../../../src/engine/embedding/embedder';
import { ModelLoadError } from '../../../src/engine/embedding/modelRegistry';
import { createNliClassifier, type NliEvent } from '../../../src/engine/quality/metrics/nliClassifier';
import { startModelHub, type ModelHub } from '../../support/embedding/modelHub';
import { OFFLINE_MODEL_DIR } from '../../support/graphData';
import { buildTinyNliModel, tempDir } from '../../support/quality/runFolder';

const NLI = 'toolflow-test/tiny-nli';
const GLOVE = 'toolflow-test/glove-mini';

describe('one model loader for the embedder and the NLI classifier', () => {
  let dir: string;
  let hub: ModelHub;
  // The instance the engine loads with `await import()` (a static import here is another instance).
  let env: { remoteHost: string };
  let originalHost = '';
  before(async () => {
    env = (await import('@huggingface/transformers')).env;
    originalHost = env.remoteHost;
    dir = tempDir('model-loader');
    buildTinyNliModel(path.join(dir, 'models', 'tiny-nli'));
    hub = await startModelHub({ [NLI]: path.join(dir, 'models', 'tiny-nli'), [GLOVE]: OFFLINE_MODEL_DIR });
  });
  // remoteHost is process-wide in transformers.js: each test starts from the default hub, so a
  // loader that ignored the option would go to huggingface.co (unreachable here) and fail.
  beforeEach(() => {
    env.remoteHost = originalHost;
  });
  after(async () => {
    env.remoteHost = originalHost;
    await hub.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the NLI model downloads from the remoteHost mirror with progress, then loads offline from the cache', async () => {
    const cacheDir = path.join(dir, 'cache-nli');
    const events: NliEvent[] = [];
    const online = await createNliClassifier({ model: NLI, cacheDir, remoteHost: hub.host.replace(/\/$/, ''), onProgress: (e) => events.push(e) });
    assert.deepEqual(online.labels, ['contradiction', 'entailment', 'neutral']);
    await online.dispose();
    assert.ok(hub.requests.some((r) => r.includes(`/${NLI}/resolve/main/onnx/model.onnx`)), 'weights fetched from the mirror');
    assert.ok(fs.existsSync(path.join(cacheDir, 'toolflow-test', 'tiny-nli', 'onnx', 'model.onnx')), 'weights cached');
    assert.ok(events.some((e) => e.type === 'model-download' && e.model === NLI && e.file === 'onnx/model.onnx' && e.loaded === e.total && e.total > 0));

    const served = hub.requests.length;
    const offline = await createNliClassifier({ model: NLI, cacheDir, offline: true });
    await offline.dispose();
    assert.equal(hub.requests.length, served, 'offline load made no request');
  });

  test('the embedder and the NLI classifier take the same remoteHost option', async () => {
    const cacheDir = path.join(dir, 'cache-both');
    const embedder = await createEmbedder({ model: GLOVE, cacheDir, remoteHost: hub.host, dtype: 'fp32' });
    await embedder.dispose();
    env.remoteHost = originalHost;
    const nli = await createNliClassifier({ model: NLI, cacheDir, remoteHost: hub.host });
    await nli.dispose();
    for (const id of [GLOVE, NLI]) assert.ok(fs.existsSync(path.join(cacheDir, id, 'config.json')), `${id} downloaded`);
  });

  test('a model folder relative to cwd loads for both, and a missing one names the folder', async () => {
    const nli = await createNliClassifier({ model: './models/tiny-nli', cwd: dir, cacheDir: path.join(dir, 'cache-rel') });
    assert.equal(nli.entailment, 1);
    await nli.dispose();
    const embedder = await createEmbedder({ model: path.relative(dir, OFFLINE_MODEL_DIR), cwd: dir, cacheDir: path.join(dir, 'cache-rel'), dtype: 'fp32' });
    assert.equal(embedder.dimensions, 100);
    await embedder.dispose();
    await assert.rejects(createNliClassifier({ model: './models/none', cwd: dir, cacheDir: path.join(dir, 'cache-rel') }), (e: unknown) => {
      assert.ok(e instanceof Error && e.message.includes(path.join(dir, 'models', 'none')), String(e));
      return true;
    });
  });

  test('a model the mirror does not have is the same ModelLoadError for both, naming the model', async () => {
    const cacheDir = path.join(dir, 'cache-missing');
    await assert.rejects(createNliClassifier({ model: 'toolflow-test/missing', cacheDir, remoteHost: hub.host }), (e: unknown) => {
      assert.ok(e instanceof ModelLoadError, String(e));
      assert.match(e.message, /could not download NLI model toolflow-test\/missing/);
      assert.match(e.hint, /--nli-model/);
      return true;
    });
    await assert.rejects(createEmbedder({ model: 'toolflow-test/missing', cacheDir, remoteHost: hub.host, dtype: 'fp32' }), (e: unknown) => {
      assert.ok(e instanceof ModelLoadError, String(e));
      assert.match(e.message, /could not download model toolflow-test\/missing/);
      assert.match(e.hint, new RegExp(`${cacheDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/toolflow-test/missing`));
      return true;
    });
  });
});
