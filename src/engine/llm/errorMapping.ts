/** Turns what the `openai` SDK (or the network) throws into an LlmError code and a safe message. */
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, OpenAIError } from 'openai';
import { parseRetryAfter } from './retryPolicy';
import type { LlmErrorCode } from './types';

export interface ClassifiedFailure {
  code: LlmErrorCode;
  /** Human-readable cause, not yet redacted. */
  message: string;
  status?: number;
  retryAfterMs?: number;
}

/** Marks a response that arrived but cannot be used (bad JSON body, no choices): retried like a 5xx. */
export class MalformedResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedResponseError';
  }
}

/** System error codes that mean nothing answers at that address: retrying cannot help. */
const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'connection refused (nothing listens at that address)',
  ENOTFOUND: 'host not found (DNS lookup failed)',
  EAI_FAIL: 'host not found (DNS lookup failed)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

/** The cause of a connection failure that no retry can fix, from the error's `cause` chain. */
function unreachableCause(e: unknown): string | undefined {
  for (let c: unknown = e, depth = 0; c && depth < 6; c = (c as { cause?: unknown }).cause, depth++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE[code]) {
      const err = c as { address?: unknown; port?: unknown; hostname?: unknown };
      const where = typeof err.hostname === 'string' ? ` ${err.hostname}` : typeof err.address === 'string' ? ` ${err.address}${typeof err.port === 'number' ? `:${err.port}` : ''}` : '';
      return `${UNREACHABLE[code]}, ${code}${where}`;
    }
    // AggregateError (happy eyeballs tries several addresses): look at the first one.
    const errors = (c as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0 && !(c as { cause?: unknown }).cause) {
      c = { cause: errors[0] };
    }
  }
  return undefined;
}

function serverMessage(e: APIError): string {
  const body = e.error as { message?: unknown } | undefined;
  const m = body && typeof body.message === 'string' ? body.message : e.message;
  return m.length > 300 ? `${m.slice(0, 300)}…` : m;
}

/**
 * Classifies a failure of one attempt. `timedOut` / `callerAborted` say whether our own timer or
 * the caller's signal caused an abort. Returns undefined for errors that are not request failures
 * (programming errors), which the caller rethrows.
 */
export function classifyFailure(e: unknown, timedOut: boolean, callerAborted: boolean): ClassifiedFailure | undefined {
  if (callerAborted) return { code: 'aborted', message: 'cancelled' };
  if (timedOut) return { code: 'timeout', message: 'no complete answer within the request timeout' };
  if (e instanceof APIConnectionTimeoutError) return { code: 'timeout', message: 'the connection timed out' };
  if (e instanceof APIUserAbortError) return { code: 'aborted', message: 'cancelled' };
  if (e instanceof APIConnectionError) {
    const unreachable = unreachableCause(e);
    if (unreachable) return { code: 'unreachable', message: unreachable };
    const cause = e.cause instanceof Error ? `: ${e.cause.message}` : '';
    return { code: 'server-error', message: `connection error${cause}` };
  }
  if (e instanceof APIError) {
    const status = e.status;
    const msg = `HTTP ${status ?? '?'}: ${serverMessage(e)}`;
    if (status === 429) {
      const f: ClassifiedFailure = { code: 'rate-limited', message: msg, status };
      const ra = parseRetryAfter(e.headers);
      if (ra !== undefined) f.retryAfterMs = ra;
      return f;
    }
    if (status === 401 || status === 403) return { code: 'auth', message: `${msg} (check the API key for this endpoint)`, status };
    if (status === 408) return { code: 'timeout', message: msg, status };
    if (status !== undefined && status >= 500) {
      const f: ClassifiedFailure = { code: 'server-error', message: msg, status };
      const ra = parseRetryAfter(e.headers);
      if (ra !== undefined) f.retryAfterMs = ra;
      return f;
    }
    // An error event inside a 200 stream (e.g. OpenRouter's upstream provider failed): transient.
    if (status === undefined) return { code: 'server-error', message: msg };
    if (status === 404) return { code: 'bad-request', message: `${msg} (check the base URL and the model name)`, status };
    return { code: 'bad-request', message: msg, status };
  }
  if (e instanceof MalformedResponseError) return { code: 'server-error', message: e.message };
  // A 200 response whose body is not JSON (truncated, garbled): the SDK throws a SyntaxError.
  if (e instanceof SyntaxError) return { code: 'server-error', message: `malformed response body: ${e.message}` };
  if (e instanceof OpenAIError) return { code: 'server-error', message: e.message };
  // Undici/stream failures while reading a body (socket closed mid-answer).
  if (e instanceof TypeError && /terminated|fetch failed|socket/i.test(e.message)) return { code: 'server-error', message: `connection error: ${e.message}` };
  // node:http failures while reading a streamed body (ECONNRESET, premature close, ...).
  const code = (e as { code?: unknown } | null)?.code;
  if (e instanceof Error && typeof code === 'string' && /^(E[A-Z]+|ERR_STREAM_PREMATURE_CLOSE|UND_ERR_\w+)$/.test(code)) return { code: 'server-error', message: `connection error: ${code} ${e.message}` };
  if (e instanceof Error && e.message === 'aborted') return { code: 'server-error', message: 'connection error: the connection closed mid-answer' };
  return undefined;
}
