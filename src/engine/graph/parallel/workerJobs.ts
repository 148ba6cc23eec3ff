/**
 * A tiny job pool on worker threads: workers run `source` (a CommonJS script that answers each
 * `{id, start, end}` message with `{id, ...result}`), pull jobs one at a time (dynamic scheduling),
 * and results come back indexed by job id, so the merged output never depends on timing.
 * Inputs go in `workerData` (put big arrays in SharedArrayBuffers: nothing is copied per worker).
 */
import { Worker } from 'node:worker_threads';

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

/** Prelude for worker sources built from function text (`__name` is inserted by some TS loaders). */
export const WORKER_PRELUDE = `var __name = (f) => f;\nconst { parentPort, workerData } = require('node:worker_threads');\n`;

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

export async function runOnWorkers<R>(
  source: string,
  workerData: unknown,
  jobs: RangeJob[],
  threads: number,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<R[]> {
  const results: R[] = new Array<R>(jobs.length);
  if (jobs.length === 0) return results;
  const workers: Worker[] = [];
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
      const feed = (w: Worker) => {
        if (next < jobs.length) w.postMessage(jobs[next++]);
      };
      for (let t = 0; t < Math.min(threads, jobs.length); t++) {
        const w = new Worker(source, { eval: true, workerData });
        workers.push(w);
        w.on('message', (m: R & { id: number }) => {
          results[m.id] = m;
          done++;
          opts.onProgress?.(done, jobs.length);
          if (done === jobs.length) {
            opts.signal?.removeEventListener('abort', onAbort);
            resolve();
          } else feed(w);
        });
        w.on('error', (e) => fail(e instanceof Error ? e : new Error(String(e))));
        feed(w);
      }
      if (opts.signal?.aborted) onAbort();
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}

/** A copy of a typed array in shared memory. */
export function shared<T extends Float32Array | Float64Array | Int32Array | Uint8Array>(arr: T): T {
  const buf = new SharedArrayBuffer(arr.byteLength);
  const copy = new (arr.constructor as { new (b: SharedArrayBuffer): T })(buf);
  copy.set(arr);
  return copy;
}
