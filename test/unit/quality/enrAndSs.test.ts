/**
 * EnR's real code path offline: a transformers.js text-classification model loaded from a folder,
 * premise/hypothesis pairs tokenized as pairs, labels read through config.json id2label.
 *
 * THE NLI MODEL HERE IS A TINY UNTRAINED MODEL THE PROJECT BUILDS (scripts/build-tiny-nli-model.mjs):
 * ITS ENTAILMENT DECISIONS MEAN NOTHING. These tests check the plumbing (pairing, batching, label
 * lookup, the share computed, what is written to quality.jsonl), never the quality of the labels.
 * SS runs with the embedded GloVe model (real word vectors).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createEmbedder, type Embedder } from '../../../src/engine/embedding/embedder';
import { ModelFilesMissingError } from '../../../src/engine/embedding/modelRegistry';
import { createNliClassifier, type NliClassifier } from '../../../src/engine/quality/metrics/nliClassifier';
import { readQualityIndex } from '../../../src/engine/quality/qualityFiles';
import { computeRunQuality } from '../../../src/engine/quality/report/runQuality';
import { roundPairs } from '../../../src/engine/quality/text/dialogueText';
import { buildTinyNliModel, ensureOfflineEmbeddingModel, tempDir, textDialogue, writeRun } from '../../support/quality/runFolder';

const rounds: Array<Array<[string, string]>> = [
  [
    ['what is the weather in the city today', 'it is sunny in the city today'],
    ['and tomorrow please', 'tomorrow it will rain'],
    ['thanks, now book a flight', 'your flight is booked'],
  ],
  [
    ['hello, find a hotel', 'i found three hotels'],
    ['show me the price of the first one', 'it costs one hundred'],
  ],
  [['just one round here', 'ok']],
];

describe('EnR with the tiny NLI test model (numbers mean nothing), SS with GloVe', () => {
  let dir: string;
  let nli: NliClassifier;
  let embedder: Embedder;
  before(async () => {
    dir = tempDir('enr');
    const model = buildTinyNliModel(path.join(dir, 'tiny-nli'));
    nli = await createNliClassifier({ model, cacheDir: path.join(dir, 'cache'), batchSize: 2 });
    embedder = await createEmbedder({ model: ensureOfflineEmbeddingModel(), cacheDir: path.join(dir, 'cache') });
  });
  after(async () => {
    await nli?.dispose();
    await embedder?.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the model loads offline with its three labels and finds the entailment index', () => {
    assert.deepEqual(nli.labels, ['contradiction', 'entailment', 'neutral']);
    assert.equal(nli.entailment, 1);
  });

  test('a pair gets the same label alone and inside a batch (each row of logits read at its own offset)', async () => {
    const pairs = [
      { premise: 'what is the weather', hypothesis: 'book a flight' },
      { premise: 'hello there, please find a hotel in the city for tomorrow and also show me the price', hypothesis: 'thanks' },
      { premise: 'bye', hypothesis: 'goodbye and thank you for the help with the flight and the hotel' },
    ];
    const alone = [];
    for (const p of pairs) alone.push(...(await nli.classify([p])));
    const batched = await createNliClassifier({ model: path.join(dir, 'tiny-nli'), cacheDir: path.join(dir, 'cache'), batchSize: 3 });
    try {
      assert.deepEqual(await batched.classify(pairs), alone);
    } finally {
      await batched.dispose();
    }
  });

  test('EnR = entailed pairs / pairs, per dialogue and pooled; written to quality.jsonl', async () => {
    const records = rounds.map((r, i) => textDialogue(i, r));
    const run = writeRun(path.join(dir, 'run'), records);
    const expected = await nli.classify(records.flatMap((r) => roundPairs(r.messages)));
    const entailedIn = (from: number, n: number) => expected.slice(from, from + n).filter((l) => l === 1).length;
    const { summary } = await computeRunQuality(run, { nli, embedder });
    assert.equal(summary.coherence.pairs, 3);
    assert.equal(summary.coherence.enr, expected.filter((l) => l === 1).length / 3);
    assert.equal(summary.coherence.nliModel, path.join(dir, 'tiny-nli'));
    const q = readQualityIndex(run);
    assert.equal(q.get('d000000')!.enr, entailedIn(0, 2) / 2);
    assert.equal(q.get('d000001')!.enr, entailedIn(2, 1) / 1);
    assert.equal(q.get('d000002')!.enr, undefined, 'one round: no pair, no EnR');
    assert.equal(q.get('d000002')!.pairs, 0);
    // SS with real GloVe vectors: a number in [-1, 1] per dialogue with pairs, pooled over pairs.
    const ss0 = q.get('d000000')!.ss!, ss1 = q.get('d000001')!.ss!;
    assert.ok(ss0 > 0 && ss0 <= 1 && ss1 > 0 && ss1 <= 1);
    assert.ok(Math.abs(summary.coherence.ss! - (2 * ss0 + ss1) / 3) < 1e-6);
    assert.equal(summary.coherence.embeddingModel, 'toolflow-glove-100d');
  });

  test('SS with GloVe is 1 for a premise equal to the hypothesis and lower for unrelated rounds', async () => {
    const same = textDialogue(0, [['weather in paris', ''], ['weather in paris', '']]);
    const other = textDialogue(1, [['weather in paris', ''], ['bake chocolate cake recipe', '']]);
    const run = writeRun(path.join(dir, 'run-ss'), [same, other]);
    await computeRunQuality(run, { embedder });
    const q = readQualityIndex(run);
    assert.ok(Math.abs(q.get('d000000')!.ss! - 1) < 1e-5);
    assert.ok(q.get('d000001')!.ss! < 0.7, `unrelated rounds: ${q.get('d000001')!.ss}`);
  });

  test('the hub default offline: a clear error saying what to do, before any network use', async () => {
    await assert.rejects(
      createNliClassifier({ offline: true, cacheDir: path.join(dir, 'empty-cache') }),
      (e: unknown) => e instanceof ModelFilesMissingError && /NLI model Xenova\/nli-deberta-v3-xsmall: missing/.test(e.message) && /--nli-model/.test(e.hint),
    );
  });

  test('a folder model without an entailment label is refused with its labels named', async () => {
    const bad = buildTinyNliModel(path.join(dir, 'no-entail'));
    const cfg = JSON.parse(fs.readFileSync(path.join(bad, 'config.json'), 'utf8'));
    cfg.id2label = { 0: 'negative', 1: 'positive', 2: 'mixed' };
    fs.writeFileSync(path.join(bad, 'config.json'), JSON.stringify(cfg));
    await assert.rejects(createNliClassifier({ model: bad, cacheDir: path.join(dir, 'cache') }), /no entailment label \(its labels: negative, positive, mixed\)/);
  });
});
