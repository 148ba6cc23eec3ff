/** A counting semaphore for requests in flight and an even-spacing requests-per-minute limiter. */
import { abortedError } from './abortable';
import type { LlmRole } from './types';

export class Semaphore {
  private active = 0;
  private readonly waiters: Array<{ resolve: () => void; reject: (e: unknown) => void; signal?: AbortSignal; onAbort?: () => void }> = [];

  constructor(private readonly limit: number) {}

  get inFlight(): number {
    return this.active;
  }

  /** Waits for a slot; rejects with LlmError('aborted') if the signal aborts first. */
  acquire(signal?: AbortSignal, role?: LlmRole): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(abortedError(role));
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const waiter: (typeof this.waiters)[number] = { resolve: () => resolve(this.releaser()), reject };
      if (signal) {
        waiter.signal = signal;
        waiter.onAbort = () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(abortedError(role));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) {
        if (next.signal && next.onAbort) next.signal.removeEventListener('abort', next.onAbort);
        next.resolve(); // the slot passes straight to the next waiter
      } else {
        this.active--;
      }
    };
  }
}

/**
 * Spaces request starts at least 60 000 / rpm ms apart, so no minute ever holds more than `rpm`
 * requests (servers count per sliding minute; even spacing never bursts past them).
 */
export class RpmLimiter {
  private nextSlot = 0;
  private readonly intervalMs: number;

  constructor(requestsPerMinute: number) {
    this.intervalMs = 60_000 / requestsPerMinute;
  }

  /** Milliseconds the caller must wait before starting; reserves the slot. */
  reserve(now = Date.now()): number {
    const start = Math.max(now, this.nextSlot);
    this.nextSlot = start + this.intervalMs;
    return start - now;
  }
}
