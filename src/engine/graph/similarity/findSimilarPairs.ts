/**
 * Finds every pair of rows with cosine similarity > tau (exact), on all cores.
 * Rows must be unit vectors (or zero vectors, which never pair). Work is split into row blocks
 * that worker threads pull one at a time (dynamic scheduling, so the triangular workload of the
 * symmetric case stays balanced); inputs live in SharedArrayBuffers, nothing is copied per worker.
 */
import os from 'node:os';
import { computeProjection, projectRows } from './projection';
import { rangeJobs, runOnWorkers, shared, WORKER_PRELUDE } from '../parallel/workerJobs';
import { scanBlock, type ScanParams, type ScanSide } from './scanKernel';
import { makeWasmScanner, wasmKernelModule, type BlockScanner } from './wasmScan';

export interface PairSearchOptions {
  /** Worker threads; default: available parallelism (at most 8). 1 = run in this thread. */
  threads?: number;
  /** Rows of A per scheduled job (default 64). */
  blockRows?: number;
  /** Pairs below which the search stays in this thread (worker start-up costs ~30 ms). Default 4,000,000. */
  minParallelWork?: number;
  /** `wasm` (SIMD, default where available) or `js` (portable scalar kernel). Both are exact. */
  kernel?: 'wasm' | 'js';
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface PairSearchResult {
  /** Flat [i, j, i, j, ...]: i a row of A, j a row of B (j > i when symmetric). */
  pairs: Int32Array;
  sims: Float32Array;
  /** Pairs that survived every bound and were checked exactly. */
  exactChecks: number;
  threads: number;
  kernel: 'wasm' | 'js';
}

const SMALL_WORK = 4_000_000; // pairs; below this, worker start-up costs more than it saves

function shareSide(s: ScanSide): ScanSide {
  return { x: shared(s.x), z: shared(s.z), c: shared(s.c), tail8: shared(s.tail8), tail16: shared(s.tail16), tail32: shared(s.tail32), rows: s.rows };
}

// The worker runs the kernels from their source text (see WORKER_PRELUDE).
const WORKER_SOURCE = `${WORKER_PRELUDE}
const scanBlock = (${scanBlock.toString()});
const makeWasmScanner = (${makeWasmScanner.toString()});
const { a, b, params, module } = workerData;
const scan = module ? makeWasmScanner(module, a, b, params) : (s, e) => scanBlock(a, b, params, s, e);
parentPort.on('message', (job) => {
  const r = scan(job.start, job.end);
  parentPort.postMessage({ id: job.id, pairs: r.pairs, sims: r.sims, bounded: r.bounded }, [r.pairs.buffer, r.sims.buffer]);
});
`;

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

/**
 * Pairs with dot > tau between rows of `a` and rows of `b`, or within `a` (i < j) when `b` is
 * undefined. Both are row-major `rows x dims`.
 */
export async function findSimilarPairs(
  a: Float32Array,
  b: Float32Array | undefined,
  dims: number,
  tau: number,
  opts: PairSearchOptions = {},
): Promise<PairSearchResult> {
  const symmetric = b === undefined;
  const aRows = dims > 0 ? a.length / dims : 0;
  const bRows = symmetric ? aRows : dims > 0 ? b.length / dims : 0;
  const module = opts.kernel === 'js' ? null : wasmKernelModule();
  const kernel = module ? 'wasm' : 'js';
  if (aRows === 0 || bRows === 0) return { pairs: new Int32Array(0), sims: new Float32Array(0), exactChecks: 0, threads: 0, kernel };
  const basisRows = symmetric ? a : b;
  const proj = computeProjection(basisRows, dims);
  const sideA = projectRows(a, proj);
  const sideB = symmetric ? sideA : projectRows(b, proj);
  const params: ScanParams = { dims, tau, margin: 1e-4, symmetric, tile: module ? 4096 : 1024 };
  const blockRows = Math.max(1, opts.blockRows ?? 64);
  const jobs = rangeJobs(aRows, blockRows);
  const work = symmetric ? (aRows * (aRows - 1)) / 2 : aRows * bRows;
  const threads = Math.max(1, Math.min(opts.threads ?? Math.min(8, os.availableParallelism()), jobs.length));
  const results: Array<{ pairs: Int32Array; sims: Float32Array; bounded: number } | undefined> = new Array(jobs.length);

  if (threads === 1 || work < (opts.minParallelWork ?? SMALL_WORK)) {
    const scan: BlockScanner = module ? makeWasmScanner(module, sideA, sideB, params) : (s, e) => scanBlock(sideA, sideB, params, s, e);
    for (const job of jobs) {
      if (opts.signal?.aborted) throw abortError(opts.signal);
      results[job.id] = scan(job.start, job.end);
      opts.onProgress?.(job.id + 1, jobs.length);
      if (job.id % 16 === 15) await new Promise((r) => setImmediate(r));
    }
    return merge(results, 1, kernel);
  }

  const sa = shareSide(sideA);
  const sb = symmetric ? sa : shareSide(sideB);
  const done = await runOnWorkers<{ pairs: Int32Array; sims: Float32Array; bounded: number }>(WORKER_SOURCE, { a: sa, b: sb, params, module }, jobs, threads, {
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  done.forEach((r, i) => (results[i] = r));
  return merge(results, threads, kernel);
}

function merge(results: Array<{ pairs: Int32Array; sims: Float32Array; bounded: number } | undefined>, threads: number, kernel: 'wasm' | 'js'): PairSearchResult {
  let count = 0;
  let exactChecks = 0;
  for (const r of results) {
    count += r!.sims.length;
    exactChecks += r!.bounded;
  }
  const pairs = new Int32Array(count * 2);
  const sims = new Float32Array(count);
  let at = 0;
  for (const r of results) {
    pairs.set(r!.pairs, at * 2);
    sims.set(r!.sims, at);
    at += r!.sims.length;
  }
  return { pairs, sims, exactChecks, threads, kernel };
}
