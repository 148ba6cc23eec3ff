/**
 * Hub models are downloaded once into the cache folder, with progress events, then load offline
 * from there. A local HTTP server plays the model hub (test/support/embedding/modelHub.ts, real
 * files: the embedded GloVe model's), so the real transformers.js download code runs without internet.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createEmbedder, type EmbedderEvent } from '../../../src/engine/embedding/embedder';
import { ModelLoadError } from '../../../src/engine/embedding/modelRegistry';
import { startModelHub, type ModelHub } from '../../support/embedding/modelHub';
import { OFFLINE_MODEL_DIR, tempDir } from '../../support/graphData';

const MODEL = 'toolflow-test/glove-mini';

describe('hub model download', () => {
  let hub: ModelHub;
  let host = '';
  // The instance the engine loads with `await import()` (a static import here is another instance,
  // so restoring its remoteHost would not undo what the engine set).
  let env: { remoteHost: string };
  let originalHost = '';
  before(async () => {
    env = (await import('@huggingface/transformers')).env;
    originalHost = env.remoteHost;
    hub = await startModelHub({ [MODEL]: OFFLINE_MODEL_DIR });
    host = hub.host;
  });
  after(async () => {
    env.remoteHost = originalHost;
    await hub.close();
  });

  test('downloads once into the cache folder with progress events, then loads offline from it', async () => {
    const cacheDir = tempDir();
    const events: EmbedderEvent[] = [];
    const online = await createEmbedder({ model: MODEL, cacheDir, remoteHost: host, dtype: 'fp32', onProgress: (e) => events.push(e) });
    const v1 = await online.embed(['city: name of the city']);
    await online.dispose();
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']) {
      assert.ok(fs.existsSync(path.join(cacheDir, 'toolflow-test', 'glove-mini', f)), `${f} cached`);
    }
    const downloads = events.filter((e): e is Extract<EmbedderEvent, { type: 'model-download' }> => e.type === 'model-download');
    assert.ok(downloads.some((e) => e.file === 'onnx/model.onnx' && e.total > 1_000_000 && e.loaded === e.total), 'progress up to the full weights');
    assert.ok(events.some((e) => e.type === 'model-ready' && e.dimensions === 100));

    const before = hub.requests.length;
    const offline = await createEmbedder({ model: MODEL, cacheDir, offline: true, dtype: 'fp32' });
    const v2 = await offline.embed(['city: name of the city']);
    await offline.dispose();
    assert.equal(hub.requests.length, before, 'offline load made no request');
    assert.deepEqual(v2, v1);
  });

  test('a model the hub does not have is a ModelLoadError that says what to do', async () => {
    await assert.rejects(createEmbedder({ model: 'toolflow-test/missing', cacheDir: tempDir(), remoteHost: host, dtype: 'fp32' }), (e: unknown) => {
      assert.ok(e instanceof ModelLoadError, String(e));
      assert.match(e.message, /could not download model toolflow-test\/missing/);
      assert.match(e.hint, /--offline|toolflow-glove-100d/);
      return true;
    });
  });
});
