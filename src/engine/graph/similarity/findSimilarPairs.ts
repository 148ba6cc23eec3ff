/**
 * Finds every pair of rows with cosine similarity > tau (exact), on all cores.
 * Rows must be unit vectors (or zero vectors, which never pair). Work is split into row blocks
 * that worker threads pull one at a time (dynamic scheduling, so the triangular workload of the
 * symmetric case stays balanced); inputs live in SharedArrayBuffers, nothing is copied per worker.
 */
import { allocateSide, computeProjection, projectRowRange, projectRows, type Projection } from './projection';
import { rangeJobs, shared, threadCount, WorkerPool } from '../parallel/workerJobs';
import { scanBlock, type ScanParams, type ScanSide } from './scanKernel';
import { fillWasmSide, makeWasmScanner, WASM_TILE, wasmKernelModule, wasmSide, type BlockScanner, type WasmSide } from './wasmScan';

export interface PairSearchOptions {
  /** Worker threads; default: available parallelism (at most 8). 1 = run in this thread. */
  threads?: number;
  /** Run on these threads (kept for later runs) instead of starting `threads` new ones. */
  pool?: WorkerPool;
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
  /** The SIMD kernel ran on the rows' own shared kernel memory in every block (no copy per thread). */
  inPlace: boolean;
}

const SMALL_WORK = 4_000_000; // pairs; below this, worker start-up costs more than it saves
/** Rows below which the projection stays in this thread. */
const SMALL_PROJECTION = 4096;

/**
 * Rows prepared for the search once and reused by every search they take part in (the build
 * searches P-P, then R-P against the same P): projected on the principal axes, then copied into
 * the SIMD kernel's layout on first use.
 */
export class SearchRows {
  private layouts: [WasmSide?, WasmSide?] = [];
  private sharedSide: ScanSide | undefined;
  constructor(
    readonly side: ScanSide,
    readonly dims: number,
  ) {}
  get rows(): number {
    return this.side.rows;
  }
  /** The kernel's layout of these rows (`transposed` for the B side). */
  wasm(transposed: boolean): WasmSide {
    return (this.layouts[transposed ? 1 : 0] ??= wasmSide(this.side, this.dims, transposed));
  }
  /** Uses `layout`, whose x region already holds these rows' vectors (`wasmRowsView`), as their layout. */
  adopt(layout: WasmSide, transposed: boolean): void {
    // (a layout of other rows, or of the other side, would search the wrong vectors without a word)
    if (layout.rows !== this.rows || layout.dims !== this.dims || layout.zT >= 0 !== transposed) {
      const shape = (rows: number, dims: number, t: boolean) => `${rows} rows x ${dims}${t ? ', transposed' : ''}`;
      throw new Error(`SearchRows.adopt: a layout of ${shape(layout.rows, layout.dims, layout.zT >= 0)} for rows of ${shape(this.rows, this.dims, transposed)}`);
    }
    fillWasmSide(layout, this.side, false);
    this.layouts[transposed ? 1 : 0] = layout;
  }
  /** The side in shared memory (the JavaScript kernel on worker threads). */
  shared(): ScanSide {
    const s = this.side;
    const isShared = (a: ArrayBufferView) => a.buffer instanceof SharedArrayBuffer;
    if (isShared(s.x) && isShared(s.z) && isShared(s.c)) return s;
    return (this.sharedSide ??= { x: shared(s.x), z: shared(s.z), c: shared(s.c), tail8: shared(s.tail8), tail16: shared(s.tail16), tail32: shared(s.tail32), rows: s.rows });
  }
}

const PROJECT_TASK = `(data) => {
  const projectRowRange = (${projectRowRange.toString()});
  return (job) => (projectRowRange(data.x, data.proj, data.out, job.start, job.end), {});
}`;

/**
 * Projects the rows of `x` (row-major, `proj.dims` wide) for the search; on the pool's threads
 * when there are many (give `x` in shared memory there to save a copy).
 */
export async function prepareRows(x: Float32Array, proj: Projection, opts: { pool?: WorkerPool; signal?: AbortSignal } = {}): Promise<SearchRows> {
  const rows = proj.dims > 0 ? x.length / proj.dims : 0;
  if (!opts.pool || rows < SMALL_PROJECTION) return new SearchRows(projectRows(x, proj), proj.dims);
  const xs = x.buffer instanceof SharedArrayBuffer ? x : shared(x);
  const out = allocateSide(xs, proj.dims, true);
  await opts.pool.run(PROJECT_TASK, { x: xs, proj, out }, rangeJobs(rows, 1024), opts.signal ? { signal: opts.signal } : {});
  return new SearchRows(out, proj.dims);
}

// Workers run the kernels from their source text (functions with no outside references).
// The source is evaluated once per thread (the pool caches it), so `state` lives across searches.
// Each thread of a run takes its own output region in a shared kernel memory (`slots` counts them).
const SCAN_TASK = `(() => {
  const scanBlock = (${scanBlock.toString()});
  const makeWasmScanner = (${makeWasmScanner.toString()});
  const state = {};
  return (data) => {
    const { a, b, params, module, slots } = data;
    const scan = module ? makeWasmScanner(module, a, b, params, state, Atomics.add(slots, 0, 1)) : (s, e) => scanBlock(a, b, params, s, e);
    return (job) => scan(job.start, job.end);
  };
})()`;

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
  const aRows = dims > 0 ? a.length / dims : 0;
  const bRows = b === undefined ? aRows : dims > 0 ? b.length / dims : 0;
  if (aRows === 0 || bRows === 0) return { pairs: new Int32Array(0), sims: new Float32Array(0), exactChecks: 0, threads: 0, kernel: opts.kernel === 'js' || !wasmKernelModule() ? 'js' : 'wasm', inPlace: false };
  const proj = computeProjection(b ?? a, dims);
  const prep = { ...(opts.pool ? { pool: opts.pool } : {}), ...(opts.signal ? { signal: opts.signal } : {}) };
  const rowsA = await prepareRows(a, proj, prep);
  const rowsB = b === undefined ? undefined : await prepareRows(b, proj, prep);
  return searchPairs(rowsA, rowsB, tau, opts);
}

/**
 * `findSimilarPairs` on rows already prepared with one projection (computed from the B side, or
 * from A when symmetric: any projection is exact, this one prunes best).
 */
export async function searchPairs(A: SearchRows, B: SearchRows | undefined, tau: number, opts: PairSearchOptions = {}): Promise<PairSearchResult> {
  const symmetric = B === undefined;
  const dims = A.dims;
  const aRows = A.rows;
  const bRows = symmetric ? aRows : B.rows;
  const module = opts.kernel === 'js' ? null : wasmKernelModule();
  const kernel = module ? 'wasm' : 'js';
  if (aRows === 0 || bRows === 0) return { pairs: new Int32Array(0), sims: new Float32Array(0), exactChecks: 0, threads: 0, kernel, inPlace: false };
  const params: ScanParams = { dims, tau, margin: 1e-4, symmetric, tile: module ? WASM_TILE : 1024 };
  const blockRows = Math.max(1, opts.blockRows ?? 64);
  const jobs = rangeJobs(aRows, blockRows);
  const work = symmetric ? (aRows * (aRows - 1)) / 2 : aRows * bRows;
  const threads = Math.min(opts.pool?.threads ?? threadCount(opts.threads), Math.max(1, jobs.length));
  const results: Array<{ pairs: Int32Array; sims: Float32Array; bounded: number; inPlace?: boolean } | undefined> = new Array(jobs.length);
  const wasmB = module ? (B ?? A).wasm(true) : undefined;
  const wasmA = module ? (symmetric ? wasmB! : A.wasm(false)) : undefined;

  if (threads === 1 || work < (opts.minParallelWork ?? SMALL_WORK)) {
    const sideA = A.side;
    const sideB = (B ?? A).side;
    const scan: BlockScanner = module ? makeWasmScanner(module, wasmA!, wasmB!, params) : (s, e) => scanBlock(sideA, sideB, params, s, e);
    for (const job of jobs) {
      if (opts.signal?.aborted) throw abortError(opts.signal);
      results[job.id] = scan(job.start, job.end);
      opts.onProgress?.(job.id + 1, jobs.length);
      if (job.id % 16 === 15) await new Promise((r) => setImmediate(r));
    }
    return merge(results, 1, kernel);
  }

  const slots = new Int32Array(new SharedArrayBuffer(4));
  const data = module ? { a: wasmA, b: wasmB, params, module, slots } : { a: A.shared(), b: (B ?? A).shared(), params, module: null };
  const pool = opts.pool ?? new WorkerPool(threads);
  try {
    const done = await pool.run<{ pairs: Int32Array; sims: Float32Array; bounded: number; inPlace?: boolean }>(SCAN_TASK, data, jobs, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
    done.forEach((r, i) => (results[i] = r));
  } finally {
    if (!opts.pool) await pool.close();
  }
  return merge(results, threads, kernel);
}

function merge(results: Array<{ pairs: Int32Array; sims: Float32Array; bounded: number; inPlace?: boolean } | undefined>, threads: number, kernel: 'wasm' | 'js'): PairSearchResult {
  let count = 0;
  let exactChecks = 0;
  let inPlace = results.length > 0;
  for (const r of results) {
    inPlace &&= r!.inPlace === true;
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
  return { pairs, sims, exactChecks, threads, kernel, inPlace };
}
