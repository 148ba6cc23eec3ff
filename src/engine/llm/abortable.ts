/** Small helpers for waiting and cancelling with AbortSignal. */
import { LlmError, type LlmRole } from './types';

export function abortedError(role?: LlmRole): LlmError {
  return new LlmError('aborted', 'the LLM request was cancelled', role);
}

/** Throws LlmError('aborted') when the signal is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, role?: LlmRole): void {
  if (signal?.aborted) throw abortedError(role);
}

/** Resolves after `ms`, or rejects with LlmError('aborted') as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal, role?: LlmRole): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortedError(role));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(role));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
