/**
 * Which LLM failures are the endpoint's fault (stop the run) and which are the model's (reject the
 * dialogue). A refused connection, an unknown host, a 401/403, a 404 (wrong base URL or model) or a
 * streak of 5xx/timeouts/429s that outlasted the retries says nothing about the dialogue: recording it
 * as rejected would mark it done, and a resume would never retry it. Those stop the whole run at once,
 * the dialogues in flight are left unrecorded, and the run can be resumed once the endpoint is fixed.
 * Only problems with the model's output (unusable after re-asking, a 400 for this request) reject.
 */
import { LlmError, type LlmErrorCode, type LlmRole } from '../llm/types';
import { redactBaseUrl } from './runStore';

export type EndpointFailureKind = 'unreachable' | 'auth' | 'not-found' | 'unavailable';

export interface EndpointFailure {
  kind: EndpointFailureKind;
  role?: LlmRole;
  /** Base URL without credentials, when known. */
  endpoint?: string;
  model?: string;
  /** What went wrong, from the last attempt (already free of secrets). */
  cause: string;
  llmCode: LlmErrorCode;
  status?: number;
}

/** Codes that, as the last failure of a request whose retries ran out, mean the endpoint is down. */
const TRANSIENT: ReadonlySet<LlmErrorCode> = new Set<LlmErrorCode>(['server-error', 'timeout', 'rate-limited']);

/** The endpoint failure an error stands for, or undefined when it is not one (a model-output problem, abort, budget...). */
export function endpointFailureOf(e: unknown): EndpointFailure | undefined {
  if (e instanceof EndpointFailureError) return e.failure;
  if (!(e instanceof LlmError)) return undefined;
  const kind = kindOf(e);
  if (!kind) return undefined;
  const failure: EndpointFailure = { kind, cause: causeOf(e), llmCode: e.code };
  if (e.role) failure.role = e.role;
  if (e.detail.baseURL) failure.endpoint = redactBaseUrl(e.detail.baseURL);
  if (e.detail.model) failure.model = e.detail.model;
  if (e.detail.status !== undefined) failure.status = e.detail.status;
  return failure;
}

function kindOf(e: LlmError): EndpointFailureKind | undefined {
  switch (e.code) {
    case 'unreachable':
      return 'unreachable';
    case 'auth':
      return 'auth';
    case 'bad-request':
      return e.detail.status === 404 ? 'not-found' : undefined;
    case 'retries-exhausted':
      return e.detail.lastCode !== undefined && TRANSIENT.has(e.detail.lastCode) ? 'unavailable' : undefined;
    case 'server-error':
    case 'timeout':
    case 'rate-limited':
      // Only reaches the pipeline when retries are off (maxRetries 0): the endpoint failed for good.
      return 'unavailable';
    default:
      return undefined;
  }
}

/** The cause the client put in the error's detail; an error made without one (not a request failure) gives its first line. */
function causeOf(e: LlmError): string {
  return e.detail.cause ?? e.message.split('\n')[0]!.trim();
}

const KIND_TEXT: Record<EndpointFailureKind, string> = {
  unreachable: 'is unreachable',
  auth: 'refused the API key',
  'not-found': 'has no such model or path (HTTP 404)',
  unavailable: 'kept failing after every retry',
};

/** One line naming role, endpoint and cause. */
export function describeEndpointFailure(f: EndpointFailure): string {
  const who = `the ${f.role ?? 'LLM'} endpoint${f.endpoint ? ` ${f.endpoint}` : ''}${f.model ? ` (model ${f.model})` : ''}`;
  return `${who} ${KIND_TEXT[f.kind]}: ${f.cause}`;
}

/** What to do about it, for the same line or a hint. */
export function endpointFailureHint(f: EndpointFailure): string {
  switch (f.kind) {
    case 'unreachable':
      return 'start the server or fix the base URL, then resume the run';
    case 'auth':
      return 'set the right API key for this endpoint, then resume the run';
    case 'not-found':
      return 'check the base URL (it usually ends in /v1) and the model name, then resume the run';
    case 'unavailable':
      return 'wait for the endpoint to recover (or raise TOOLFLOW_MAX_RETRIES / the request timeout), then resume the run';
  }
}

/**
 * Thrown through the pipeline when an endpoint fails: the runner stops every dialogue, records none of
 * those in flight and rethrows it; the CLI exits 1 with its message, the extension shows it.
 */
export class EndpointFailureError extends Error {
  readonly hint: string;
  constructor(readonly failure: EndpointFailure) {
    super(describeEndpointFailure(failure));
    this.name = 'EndpointFailureError';
    this.hint = `Nothing was recorded for the dialogues in flight: ${endpointFailureHint(failure)}.`;
  }
}

/** Rethrows an endpoint failure as `EndpointFailureError`; returns for every other error. */
export function throwIfEndpointFailure(e: unknown): void {
  const failure = endpointFailureOf(e);
  if (failure) throw e instanceof EndpointFailureError ? e : new EndpointFailureError(failure);
}
