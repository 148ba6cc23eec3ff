/**
 * A small job pool on worker threads. Each run hands the workers a task (`source`: the text of a
 * function `(data) => (job) => result`, built from functions that reference nothing outside their
 * own body) and its inputs (`data`: put big arrays in SharedArrayBuffers, nothing is copied per
 * worker); workers pull `{id, start, end}` jobs one at a time (dynamic scheduling) and results come
 * back indexed by job id, so the merged output never depends on timing.
 *
 * A `WorkerPool` keeps its threads between runs: the tool graph build runs the P-P search, the
 * R-P search, the row projections and the edge expansion on the same threads instead of starting
 * new ones for each (a worker costs ~50-100 ms of CPU to start).
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * Worker threads for a graph build, a pair search or an edge expansion: `threads` when it is a
 * positive number (at most 64), else the machine's available parallelism, at most 8.
 */
export function threadCount(threads?: number): number {
  return threads !== undefined && threads >= 1 ? Math.min(Math.floor(threads), 64) : Math.min(8, os.availableParallelism());
}

export interface RangeJob {
  id: number;
  start: number;
  end: number;
}

/** Splits [0, n) into jobs of `size`. */
export function rangeJobs(n: number, size: number): RangeJob[] {
  const jobs: RangeJob[] = [];
  for (let s = 0; s < n; s += size) jobs.push({ id: jobs.length, start: s, end: Math.min(n, s + size) });
  return jobs;
}

/**
 * The worker's own script: compiles each task source once (`__name` is inserted by some TS
 * loaders), then answers `{run, id, start, end}` with `{run, id, result}`, transferring the
 * result's own (non-shared) typed arrays instead of copying them.
 */
const POOL_WORKER_SOURCE = `var __name = (f) => f;
const { parentPort } = require('node:worker_threads');
const compiled = new Map();
let run = -1;
let task = null;
parentPort.on('message', (m) => {
  if (m.type === 'task') {
    let make = compiled.get(m.source);
    if (!make) compiled.set(m.source, (make = new Function('require', '"use strict"; return (' + m.source + ');')(require)));
    run = m.run;
    try {
      task = make(m.data);
    } catch (e) {
      task = null;
      parentPort.postMessage({ run, id: -1, error: e instanceof Error ? e.stack || e.message : String(e) });
    }
    return;
  }
  if (m.run !== run || !task) return;
  let result;
  try {
    result = task(m);
  } catch (e) {
    parentPort.postMessage({ run, id: m.id, error: e instanceof Error ? e.stack || e.message : String(e) });
    return;
  }
  const transfer = [];
  for (const k in result) {
    const v = result[k];
    // (an empty buffer is not worth transferring, and a detached one, which reads as empty, must not
    // be listed: Node drops such a message without a word, and the run would wait for ever)
    if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer && v.buffer.byteLength > 0 && !transfer.includes(v.buffer)) transfer.push(v.buffer);
  }
  try {
    parentPort.postMessage({ run, id: m.id, result }, transfer);
  } catch (e) {
    // e.g. a view of a buffer an earlier job's result handed over (a task returning scratch memory it keeps)
    parentPort.postMessage({ run, id: m.id, error: 'its result cannot be sent (return copies, e.g. .slice(), not views of memory the task keeps): ' + (e instanceof Error ? e.message : String(e)) });
  }
});
`;

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

export interface PoolRunOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

type PoolMessage = { run: number; id: number; result?: unknown; error?: string };

/**
 * Worker threads kept between runs. One run at a time (runs are queued); a run that fails or is
 * aborted terminates the threads (jobs in flight cannot be recalled) and the next run starts new ones.
 * `close()` ends the threads; the owner must call it (the build does, in a `finally`).
 */
export class WorkerPool {
  private workers: Worker[] = [];
  private runs = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Threads started so far (for tests: a reused pool starts them once). */
  started = 0;

  constructor(readonly threads: number) {
    if (!(threads >= 1)) throw new RangeError(`a worker pool needs at least one thread, got ${threads}`);
  }

  /** Runs `jobs` of the task `source` over `data` on up to `threads` workers; results by job id. */
  run<R>(source: string, data: unknown, jobs: RangeJob[], opts: PoolRunOptions = {}): Promise<R[]> {
    const next = this.queue.then(() => this.runNow<R>(source, data, jobs, opts));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runNow<R>(source: string, data: unknown, jobs: RangeJob[], opts: PoolRunOptions): Promise<R[]> {
    if (this.closed) throw new Error('the worker pool is closed');
    const results: R[] = new Array<R>(jobs.length);
    if (jobs.length === 0) return results;
    if (opts.signal?.aborted) throw abortError(opts.signal);
    const run = ++this.runs;
    const count = Math.min(this.threads, jobs.length);
    this.spawn(count);
    const workers = this.workers.slice(0, count);
    for (const w of workers) w.ref();
    const listeners: Array<() => void> = [];
    try {
      await new Promise<void>((resolve, reject) => {
        let next = 0;
        let done = 0;
        let failed = false;
        const fail = (e: Error) => {
          if (!failed) {
            failed = true;
            reject(e);
          }
        };
        const onAbort = () => fail(abortError(opts.signal!));
        opts.signal?.addEventListener('abort', onAbort, { once: true });
        listeners.push(() => opts.signal?.removeEventListener('abort', onAbort));
        const feed = (w: Worker) => {
          if (next < jobs.length) w.postMessage({ ...jobs[next++]!, run });
        };
        for (const w of workers) {
          const onMessage = (m: PoolMessage) => {
            if (m.run !== run || failed) return;
            if (m.error !== undefined) return fail(new Error(`worker task failed: ${m.error}`));
            results[m.id] = m.result as R;
            done++;
            try {
              opts.onProgress?.(done, jobs.length);
            } catch (e) {
              // (a throw here would escape the worker's message listener: uncaught, and the run never settles)
              return fail(e instanceof Error ? e : new Error(String(e)));
            }
            if (done === jobs.length) resolve();
            else feed(w);
          };
          const onError = (e: unknown) => fail(e instanceof Error ? e : new Error(String(e)));
          const onExit = (code: number) => fail(new Error(`a worker thread exited (code ${code})`));
          w.on('message', onMessage);
          w.on('error', onError);
          w.on('exit', onExit);
          listeners.push(() => {
            w.off('message', onMessage);
            w.off('error', onError);
            w.off('exit', onExit);
          });
          w.postMessage({ type: 'task', run, source, data });
          feed(w);
        }
      });
    } catch (e) {
      await this.terminate();
      throw e;
    } finally {
      for (const off of listeners) off();
    }
    // Idle threads do not keep the process alive (a pool left open does not hang the CLI).
    for (const w of workers) w.unref();
    return results;
  }

  /**
   * Starts the threads now (they boot while the caller does other work, e.g. reads embeddings),
   * instead of at the first run. Idle threads do not keep the process alive.
   */
  start(): void {
    if (!this.closed) this.spawn(this.threads);
  }

  private spawn(count: number): void {
    while (this.workers.length < count) {
      const w = new Worker(POOL_WORKER_SOURCE, { eval: true });
      w.on('error', () => undefined); // reported to the run in progress by its own listener
      w.once('exit', () => (this.workers = this.workers.filter((x) => x !== w))); // a dead thread is replaced at the next run
      w.unref();
      this.workers.push(w);
      this.started++;
    }
  }

  private async terminate(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((w) => w.terminate()));
  }

  /** Ends the threads (after the current run); the pool cannot run again. */
  async close(): Promise<void> {
    await this.queue;
    this.closed = true;
    await this.terminate();
  }
}

/** A copy of a typed array in shared memory. */
export function shared<T extends Float32Array | Float64Array | Int32Array | Uint8Array>(arr: T): T {
  const buf = new SharedArrayBuffer(arr.byteLength);
  const copy = new (arr.constructor as { new (b: SharedArrayBuffer): T })(buf);
  copy.set(arr);
  return copy;
}
