/**
 * The pair search is exact: it returns exactly the pairs a brute-force float64 scan finds, in the
 * worker-thread path and the in-thread path, for symmetric (P-P) and cross (R-P) searches, with
 * zero vectors, few dimensions and thresholds at both ends.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { findSimilarPairs, prepareRows, searchPairs } from '../../../src/engine/graph/similarity/findSimilarPairs';
import { computeProjection } from '../../../src/engine/graph/similarity/projection';
import { WorkerPool } from '../../../src/engine/graph/parallel/workerJobs';
import { allocateWasmSides, WASM_TILE, wasmRowsView } from '../../../src/engine/graph/similarity/wasmScan';
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
      // Blocks of an odd number of rows: the SIMD kernel scans rows two at a time (scanRow2, its finishing
      // step inline) and each block's last row alone (scanRow, through $finish).
      const oddBlocks = await findSimilarPairs(x, undefined, dims, tau, { threads: 1, blockRows: 5 });
      assert.deepEqual(asSet(oddBlocks.pairs), expected, 'blocks of 5 rows');
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
      const odd = await findSimilarPairs(a, b, dims, 0.55, { threads: 1, blockRows: 3, kernel });
      assert.deepEqual(asSet(odd.pairs), expected, `${kernel}, blocks of 3 rows (each block's last row scanned alone)`);
    }
  });

  test('searches on one pool reuse each thread\'s copy of B (P-P, R-P against the same P, then others) and stay exact', async () => {
    const dims = 40;
    const p = randomUnitVectors(4200, dims, 21, 40); // above 4,096 rows: projected on the pool's threads too
    const r = randomUnitVectors(900, dims, 22, 30);
    const q = randomUnitVectors(700, dims, 23, 30);
    r.set(p.subarray(0, dims), 0);
    const pool = new WorkerPool(2);
    try {
      const opts = { pool, minParallelWork: 0, blockRows: 32 };
      const proj = computeProjection(p, dims);
      const P = await prepareRows(p, proj, { pool });
      const R = await prepareRows(r, proj, { pool });
      const Q = await prepareRows(q, proj, { pool });
      const pp = await searchPairs(P, undefined, 0.8, opts);
      const rp = await searchPairs(R, P, 0.8, opts); // B = P already in each thread's memory
      const qp = await searchPairs(Q, P, 0.8, opts); // again, with another A
      const rq = await searchPairs(R, Q, 0.8, opts); // another B
      const pp2 = await searchPairs(P, undefined, 0.8, opts);
      assert.deepEqual(asSet(pp.pairs), bruteForce(p, undefined, dims, 0.8));
      assert.deepEqual(asSet(rp.pairs), bruteForce(r, p, dims, 0.8));
      assert.ok(asSet(rp.pairs).has('0,0'));
      assert.deepEqual(asSet(qp.pairs), bruteForce(q, p, dims, 0.8));
      assert.deepEqual(asSet(rq.pairs), bruteForce(r, q, dims, 0.8));
      assert.deepEqual(pp2.pairs, pp.pairs);
      assert.ok(rp.sims.length > 0 && qp.sims.length > 0 && rq.sims.length > 0);
      assert.equal(pool.started, 2);
    } finally {
      await pool.close();
    }
  });

  test('P and R in one shared kernel memory: every thread searches them in place (its own output region) and stays exact', async () => {
    const dims = 40;
    const tau = 0.7;
    const p = randomUnitVectors(4300, dims, 31, 40);
    const r = randomUnitVectors(1500, dims, 32, 30);
    r.set(p.subarray(0, dims), 0);
    const [lp, lr] = allocateWasmSides([{ rows: 4300, transposed: true }, { rows: 1500, transposed: false }], dims, 2, WASM_TILE);
    // The rows are written where the kernel reads them (as the build gathers its embeddings).
    wasmRowsView(lp!)!.set(p);
    wasmRowsView(lr!)!.set(r);
    const proj = computeProjection(p, dims);
    const pool = new WorkerPool(2);
    try {
      const P = await prepareRows(wasmRowsView(lp!)!, proj, { pool });
      const R = await prepareRows(wasmRowsView(lr!)!, proj, { pool });
      assert.throws(() => P.adopt(lr!, true), /a layout of 1500 rows x 40 for rows of 4300 rows x 40, transposed/);
      assert.throws(() => P.adopt(lp!, false), /transposed for rows of 4300 rows x 40$/);
      P.adopt(lp!, true);
      R.adopt(lr!, false);
      const opts = { pool, minParallelWork: 0, blockRows: 16 };
      const pp = await searchPairs(P, undefined, tau, opts);
      const rp = await searchPairs(R, P, tau, opts);
      const ppInThread = await searchPairs(P, undefined, tau, { threads: 1, blockRows: 16 });
      const rpInThread = await searchPairs(R, P, tau, { threads: 1, blockRows: 16 });
      for (const res of [pp, rp, ppInThread, rpInThread]) assert.equal(res.inPlace, true, 'the kernel copied the rows');
      assert.equal(pp.threads, 2);
      assert.deepEqual(asSet(pp.pairs), bruteForce(p, undefined, dims, tau));
      assert.deepEqual(asSet(rp.pairs), bruteForce(r, p, dims, tau));
      assert.ok(asSet(rp.pairs).has('0,0'));
      assert.ok(pp.sims.length > 1000 && rp.sims.length > 1000, `${pp.sims.length} P-P and ${rp.sims.length} R-P pairs`);
      assert.deepEqual(pp.pairs, ppInThread.pairs);
      assert.deepEqual(rp.pairs, rpInThread.pairs);
      // Rows in memories of their own still search correctly (copied into the scanner's memory).
      const own = await findSimilarPairs(r, p, dims, tau, { pool, minParallelWork: 0, blockRows: 16 });
      assert.equal(own.inPlace, false);
      assert.deepEqual(own.pairs, rp.pairs);
    } finally {
      await pool.close();
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
