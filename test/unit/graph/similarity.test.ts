/**
 * The pair search is exact: it returns exactly the pairs a brute-force float64 scan finds, in the
 * worker-thread path and the in-thread path, for symmetric (P-P) and cross (R-P) searches, with
 * zero vectors, few dimensions and thresholds at both ends.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { findSimilarPairs } from '../../../src/engine/graph/similarity/findSimilarPairs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { randomUnitVectors, repoRoot } from '../../support/graphData';

function bruteForce(a: Float32Array, b: Float32Array | undefined, dims: number, tau: number): Set<string> {
  const rowsA = a.length / dims;
  const other = b ?? a;
  const rowsB = other.length / dims;
  const out = new Set<string>();
  for (let i = 0; i < rowsA; i++) {
    for (let j = b ? 0 : i + 1; j < rowsB; j++) {
      let dot = 0;
      for (let d = 0; d < dims; d++) dot += a[i * dims + d]! * other[j * dims + d]!;
      if (dot > tau) out.add(`${i},${j}`);
    }
  }
  return out;
}

function asSet(pairs: Int32Array): Set<string> {
  const out = new Set<string>();
  for (let k = 0; k < pairs.length; k += 2) out.add(`${pairs[k]},${pairs[k + 1]}`);
  return out;
}

describe('findSimilarPairs', () => {
  for (const { dims, tau, rows } of [
    { dims: 100, tau: 0.6, rows: 400 },
    { dims: 48, tau: 0.5, rows: 300 },
    { dims: 5, tau: 0.9, rows: 400 },
    { dims: 64, tau: -0.2, rows: 150 },
  ]) {
    test(`symmetric search equals brute force (dims ${dims}, tau ${tau}): SIMD and JS kernels, in-thread and on workers`, async () => {
      const x = randomUnitVectors(rows, dims, dims * 7 + rows, 37);
      const expected = bruteForce(x, undefined, dims, tau);
      assert.ok(expected.size > 0, 'the case must have pairs above tau');
      const inThread = await findSimilarPairs(x, undefined, dims, tau, { threads: 1 });
      const workers = await findSimilarPairs(x, undefined, dims, tau, { threads: 2, minParallelWork: 0, blockRows: 16 });
      const js = await findSimilarPairs(x, undefined, dims, tau, { threads: 1, kernel: 'js' });
      const jsWorkers = await findSimilarPairs(x, undefined, dims, tau, { threads: 2, minParallelWork: 0, kernel: 'js' });
      assert.equal(workers.threads, 2);
      assert.equal(inThread.kernel, 'wasm');
      assert.equal(js.kernel, 'js');
      assert.deepEqual(asSet(inThread.pairs), expected);
      assert.deepEqual(asSet(workers.pairs), expected);
      assert.deepEqual(asSet(js.pairs), expected);
      assert.deepEqual(asSet(jsWorkers.pairs), expected);
      // Same order too: results are merged by block, whatever thread finished first.
      assert.deepEqual(workers.pairs, inThread.pairs);
      for (let k = 0; k < inThread.sims.length; k++) assert.ok(inThread.sims[k]! >= tau - 1e-6);
    });
  }

  test('cross search (return fields x parameters) equals brute force and keeps identical rows', async () => {
    const dims = 100;
    const a = randomUnitVectors(200, dims, 11, 50);
    const b = randomUnitVectors(300, dims, 12, 40);
    b.set(a.subarray(0, dims), 0); // an identical text on both sides must pair (cosine 1)
    const expected = bruteForce(a, b, dims, 0.55);
    assert.ok(expected.has('0,0'));
    for (const kernel of ['wasm', 'js'] as const) {
      const r = await findSimilarPairs(a, b, dims, 0.55, { threads: 2, minParallelWork: 0, kernel });
      assert.deepEqual(asSet(r.pairs), expected, kernel);
    }
  });

  test('zero vectors never pair, and the pruning bounds rule out most pairs', async () => {
    const dims = 100;
    const x = randomUnitVectors(600, dims, 5, 3);
    for (const kernel of ['wasm', 'js'] as const) {
      const r = await findSimilarPairs(x, undefined, dims, 0.7, { threads: 1, kernel });
      for (let k = 0; k < r.pairs.length; k++) assert.notEqual(r.pairs[k]! % 3, 2, 'a zero row was paired');
      const total = (600 * 599) / 2;
      assert.ok(r.exactChecks < total / 2, `expected pruning, got ${r.exactChecks} exact checks of ${total}`);
    }
  });

  test('an aborted search rejects', async () => {
    const x = randomUnitVectors(400, 32, 9);
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await assert.rejects(findSimilarPairs(x, undefined, 32, 0.5, { threads: 2, minParallelWork: 0, signal: controller.signal }), /stop/);
    await assert.rejects(findSimilarPairs(x, undefined, 32, 0.5, { threads: 1, signal: controller.signal }), /stop/);
  });
});

test('the committed SIMD kernel binary matches its WebAssembly text', () => {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'build-wasm-kernel.mjs'), '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});
