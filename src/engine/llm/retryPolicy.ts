/** When to retry and how long to wait: exponential backoff with equal jitter, honouring Retry-After. */
import type { LlmErrorCode } from './types';

/** Failure codes worth another attempt. */
export const RETRYABLE_CODES: ReadonlySet<LlmErrorCode> = new Set<LlmErrorCode>(['timeout', 'rate-limited', 'server-error']);

/**
 * Parses `Retry-After` (delta seconds or an HTTP date) or `retry-after-ms` (OpenAI) into
 * milliseconds from `now`. Returns undefined when absent or unparseable.
 */
export function parseRetryAfter(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const n = Number(ms);
    if (Number.isFinite(n) && n >= 0) return n;
  }
  const ra = headers.get('retry-after');
  if (ra === null || ra.trim() === '') return undefined;
  const trimmed = ra.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

export interface BackoffOptions {
  backoffBaseMs: number;
  backoffMaxMs: number;
  maxRetryAfterMs: number;
}

/**
 * Delay before retry number `retry` (1-based): equal jitter over base·2^(retry-1) (half of it fixed, so
 * a retry never comes almost at once), capped; never
 * shorter than the server's Retry-After (itself capped at maxRetryAfterMs).
 */
export function retryDelayMs(retry: number, opts: BackoffOptions, retryAfterMs?: number, random: () => number = Math.random): number {
  const exp = Math.min(opts.backoffMaxMs, opts.backoffBaseMs * 2 ** Math.max(0, retry - 1));
  const jittered = exp / 2 + random() * (exp / 2);
  if (retryAfterMs === undefined) return Math.round(jittered);
  // Honour the header; add a little jitter on top so many waiting requests do not return at once.
  const honoured = Math.min(retryAfterMs, opts.maxRetryAfterMs);
  return Math.round(honoured + random() * Math.min(250, opts.backoffBaseMs / 4));
}
