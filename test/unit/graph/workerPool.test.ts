/**
 * The worker pool the graph build shares between its phases: threads start once and serve
 * several tasks, results come back by job id, a failed or aborted run rejects and the pool
 * recovers with new threads, and a closed pool refuses work.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { rangeJobs, threadCount, WorkerPool } from '../../../src/engine/graph/parallel/workerJobs';

// Tasks are source text: `(data) => (job) => result`.
const SQUARES = `(data) => (job) => {
  const out = new Float64Array(job.end - job.start);
  for (let i = job.start; i < job.end; i++) out[i - job.start] = data.scale * i * i;
  return { out, from: job.start };
}`;
const WRITE_SHARED = `(data) => (job) => {
  for (let i = job.start; i < job.end; i++) data.target[i] = i + 1;
  return {};
}`;
// Returns a view of scratch memory it keeps: the first result's transfer detaches it.
const KEEPS_SCRATCH = `(data) => {
  const scratch = new Float64Array(8);
  return (job) => {
    scratch[0] = job.start;
    return { out: scratch };
  };
}`;
const FAIL_AT = `(data) => (job) => {
  if (job.start <= data.bad && data.bad < job.end) throw new Error('bad row ' + data.bad);
  return { ok: true };
}`;

describe('WorkerPool', () => {
  test('runs different tasks on the same threads, results by job id', async () => {
    const pool = new WorkerPool(2);
    try {
      const r1 = await pool.run<{ out: Float64Array; from: number }>(SQUARES, { scale: 2 }, rangeJobs(1000, 7));
      assert.equal(r1.length, Math.ceil(1000 / 7));
      r1.forEach((r, id) => {
        assert.equal(r.from, id * 7);
        for (let k = 0; k < r.out.length; k++) assert.equal(r.out[k], 2 * (r.from + k) ** 2);
      });
      const target = new Int32Array(new SharedArrayBuffer(4 * 500));
      await pool.run(WRITE_SHARED, { target }, rangeJobs(500, 16));
      assert.ok(target.every((v, i) => v === i + 1));
      // A third run of the first task with other data: the threads compiled it before.
      const r3 = await pool.run<{ out: Float64Array; from: number }>(SQUARES, { scale: 3 }, rangeJobs(10, 3));
      assert.equal(r3[3]!.out[0], 3 * 81);
      assert.equal(pool.started, 2, 'threads must start once for all runs');
    } finally {
      await pool.close();
    }
  });

  test('threads started ahead of the first run serve it (none started twice)', async () => {
    const pool = new WorkerPool(2);
    try {
      pool.start();
      assert.equal(pool.started, 2);
      const r = await pool.run<{ out: Float64Array; from: number }>(SQUARES, { scale: 1 }, rangeJobs(100, 10));
      assert.equal(r[9]!.out[0], 90 * 90);
      assert.equal(pool.started, 2);
    } finally {
      await pool.close();
    }
  });

  test('a failing task rejects with its error, and the next run works on new threads', async () => {
    const pool = new WorkerPool(2);
    try {
      await assert.rejects(pool.run(FAIL_AT, { bad: 42 }, rangeJobs(100, 10)), /bad row 42/);
      const ok = await pool.run<{ ok: boolean }>(FAIL_AT, { bad: -1 }, rangeJobs(100, 10));
      assert.equal(ok.length, 10);
      assert.ok(ok.every((r) => r.ok));
      assert.equal(pool.started, 4, 'a failed run replaces its threads');
    } finally {
      await pool.close();
    }
  });

  test('an aborted run rejects; a closed pool refuses work', async () => {
    const pool = new WorkerPool(2);
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await assert.rejects(pool.run(SQUARES, { scale: 1 }, rangeJobs(100, 10), { signal: controller.signal }), /stop/);
    const late = new AbortController();
    const running = pool.run(SQUARES, { scale: 1 }, rangeJobs(2_000_000, 1), { signal: late.signal });
    setTimeout(() => late.abort(new Error('stopped late')), 50);
    await assert.rejects(running, /stopped late/);
    await pool.close();
    await assert.rejects(pool.run(SQUARES, { scale: 1 }, rangeJobs(10, 5)), /closed/);
  });

  test('a result that cannot be sent (a view of memory handed over before) fails the run instead of hanging it', { timeout: 20_000 }, async () => {
    const pool = new WorkerPool(1);
    try {
      await assert.rejects(pool.run(KEEPS_SCRATCH, {}, rangeJobs(4, 1)), /cannot be sent/);
      // the pool recovers
      const r = await pool.run<{ out: Float64Array; from: number }>(SQUARES, { scale: 1 }, rangeJobs(4, 2));
      assert.equal(r[1]!.out[1], 9);
    } finally {
      await pool.close();
    }
  });

  test('an onProgress that throws fails the run (no uncaught exception, no run left waiting); close() ends', { timeout: 20_000 }, async () => {
    const pool = new WorkerPool(1);
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    process.on('uncaughtException', onUncaught);
    try {
      await assert.rejects(
        pool.run(SQUARES, { scale: 1 }, rangeJobs(10, 2), { onProgress: (done) => { if (done === 2) throw new Error('progress display broke'); } }),
        /progress display broke/,
      );
      await pool.close();
      assert.deepEqual(uncaught, []);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });

  test('threadCount: a positive number is taken (whole, at most 64); 0, a missing value or NaN mean the default', () => {
    const auto = Math.min(8, os.availableParallelism());
    for (const t of [undefined, 0, -2, Number.NaN, 0.5]) assert.equal(threadCount(t), auto, String(t));
    assert.equal(threadCount(1), 1);
    assert.equal(threadCount(3), 3);
    assert.equal(threadCount(2.7), 2);
    assert.equal(threadCount(1000), 64);
  });
});
