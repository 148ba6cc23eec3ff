/** MinHash + LSH near-duplicate clusters, and the quality side files (merge, append, torn lines). */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { MinHasher, estimatedJaccard, lshCandidates } from '../../../src/engine/quality/duplicates/minhash';
import { findDuplicates, shinglesOf } from '../../../src/engine/quality/duplicates/findDuplicates';
import { appendQualityLines, mergeQualityFile, QUALITY_FILE, readDuplicateClusters, readQualityIndex } from '../../../src/engine/quality/qualityFiles';
import { computeRunQuality } from '../../../src/engine/quality/report/runQuality';
import { tempDir, textDialogue, writeRun } from '../../support/quality/runFolder';

const base: Array<[string, string]> = [
  ['I need the weather forecast for Lisbon this coming weekend because we plan a picnic by the river', 'Saturday will be sunny with a high of 24 degrees and Sunday brings light clouds in the afternoon'],
  ['Great, then please reserve a table for four people at a seafood restaurant near the old town on Saturday evening', 'I booked a table for four at 8 pm at a seafood place two streets from the cathedral'],
];

describe('near-duplicates (MinHash + LSH)', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  test('estimated Jaccard tracks the true Jaccard of shingle sets', () => {
    const h = new MinHasher(256);
    const a = Array.from({ length: 100 }, (_, i) => i * 7919);
    const b = [...a.slice(0, 60), ...Array.from({ length: 40 }, (_, i) => 10_000_019 + i)]; // |A∩B| = 60, |A∪B| = 140
    const j = estimatedJaccard(h.signature(a), h.signature(b));
    assert.ok(Math.abs(j - 60 / 140) < 0.1, `estimate ${j} vs 0.43`);
    assert.equal(estimatedJaccard(h.signature(a), h.signature([...a].reverse())), 1);
  });

  test('LSH proposes identical signatures as candidates and not unrelated ones', () => {
    const h = new MinHasher(128);
    const s1 = h.signature([1, 2, 3, 4, 5]);
    const s2 = h.signature([1, 2, 3, 4, 5]);
    const s3 = h.signature([100, 200, 300, 400, 500]);
    assert.deepEqual(lshCandidates([s1, s3, s2], 16, 8), [[0, 2]]);
  });

  test('word 5-gram shingles; a message shorter than 5 words is one shingle', () => {
    assert.deepEqual([...shinglesOf([['a', 'b', 'c', 'd', 'e', 'f'], ['x', 'y']], 5)], ['a b c d e', 'b c d e f', 'x y']);
  });

  test('a cluster of three near-copies (one word changed), the distinct dialogue outside it; written for reviewers and exporters', async () => {
    const copy = (from: string, to: string): Array<[string, string]> => base.map(([u, a]) => [u.replace(from, to), a]);
    const records = [
      textDialogue(0, base),
      textDialogue(1, [['Plan a hiking trip in the Alps for July with three huts and a rest day', 'Here is a five day route from Chamonix with huts at 2000 m']]),
      textDialogue(2, copy('four people', 'five people')),
      textDialogue(3, copy('Great, then', 'Perfect, so')),
    ];
    const dups = findDuplicates(records);
    assert.equal(dups.clusters.length, 1);
    const c = dups.clusters[0]!;
    assert.deepEqual(c.members, ['d000000', 'd000002', 'd000003']);
    assert.equal(c.similarity[0], 1);
    assert.ok(c.similarity[1]! >= 0.8 && c.similarity[1]! < 1);
    assert.ok(c.shared![1]!.shingleOverlap > 0.8);
    assert.ok(c.shared![1]!.snippets.some((s) => s.includes('saturday will be sunny with a high of 24 degrees')), c.shared![1]!.snippets.join(' | '));
    assert.ok(c.shared![1]!.snippets.every((s) => !s.includes('five people')), 'the changed words are not shared');

    const dir = tempDir('dups');
    dirs.push(dir);
    writeRun(dir, records);
    const { summary } = await computeRunQuality(dir);
    const onDisk = readDuplicateClusters(dir)!;
    assert.deepEqual(onDisk.clusters[0]!.members, c.members);
    assert.equal(onDisk.method.method, 'minhash-lsh');
    const q = readQualityIndex(dir);
    assert.equal(q.get('d000002')!.duplicateCluster, 1);
    assert.equal(q.get('d000001')!.duplicateCluster, undefined);
    assert.equal(summary.duplicates.removable, 2);
  });

  test('with a threshold of 1.0 near-copies are no longer clustered', () => {
    const records = [textDialogue(0, base), textDialogue(1, base.map(([u, a]) => [u.replace('four', 'five'), a]))];
    assert.equal(findDuplicates(records, { threshold: 1 }).clusters.length, 0);
    assert.equal(findDuplicates([textDialogue(0, base), textDialogue(1, base)], { threshold: 1 }).clusters.length, 1);
  });
});

describe('quality side files', () => {
  const dir = tempDir('qfiles');
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('appended lines merge into earlier ones; a rewrite compacts to one line per dialogue', async () => {
    await mergeQualityFile(dir, [{ id: 'd1', ss: 0.5, entropy: 3 }, { id: 'd2', ss: 0.7 }]);
    await appendQualityLines(dir, [{ id: 'd1', judge: { naturalness: 4, coherence: 3, helpfulness: 5, accuracy: 5 } }]);
    let q = readQualityIndex(dir);
    assert.equal(q.get('d1')!.ss, 0.5);
    assert.equal(q.get('d1')!.judge!.coherence, 3);
    await mergeQualityFile(dir, [{ id: 'd1', ss: 0.6, enr: undefined }]);
    q = readQualityIndex(dir);
    assert.equal(q.get('d1')!.ss, 0.6);
    assert.equal(q.get('d1')!.judge!.naturalness, 4, 'judge verdict kept when automatic metrics are recomputed');
    assert.equal(fs.readFileSync(path.join(dir, QUALITY_FILE), 'utf8').trim().split('\n').length, 2);
  });

  test('a torn last line (crash mid-append) is ended before the next append and skipped on read', async () => {
    fs.appendFileSync(path.join(dir, QUALITY_FILE), '{"id":"d2","judge":{"natur');
    await appendQualityLines(dir, [{ id: 'd3', ss: 0.1 }]);
    const q = readQualityIndex(dir);
    assert.equal(q.get('d3')!.ss, 0.1);
    assert.equal(q.get('d2')!.judge, undefined);
    assert.equal(q.get('d2')!.ss, 0.7);
  });
});
