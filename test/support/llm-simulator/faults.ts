/**
 * Fault injection for the LLM simulator (a test double). A rule picks requests by number
 * (1-based, counting every chat-completion request the simulator received) and/or at random by
 * rate, optionally only for one kind of request; the first matching rule wins.
 */
import { SeededRandom } from './seededRandom';
import type { RecognisedRequest } from './requestShape';

export type FaultKind =
  /** HTTP 429 with `Retry-After` (seconds, or an HTTP date with `retryAfterAsDate`). */
  | 'rate-limit'
  /** HTTP 500 with a JSON error body. */
  | 'server-error'
  /** HTTP 503 with `Retry-After` (seconds, or an HTTP date), like a server that is overloaded or restarting. */
  | 'unavailable'
  /** Never answers (streaming: sends one chunk, then nothing) until the client gives up. */
  | 'hang'
  /** HTTP 200 whose JSON body is cut in half (streaming: the connection drops mid-stream). */
  | 'truncated-body'
  /** Structured requests: content that is not JSON. */
  | 'malformed-content'
  /** Structured requests: JSON that violates the requested schema. */
  | 'schema-violation'
  /** Assistant requests: a tool call to a tool that was not offered. */
  | 'unknown-tool'
  /** Assistant requests: tool-call arguments that violate the parameter schema. */
  | 'bad-arguments'
  /** Assistant requests: a parameter given a value of the wrong JSON type (a string for a number, ...). */
  | 'wrong-argument-types'
  /** Assistant requests: tool-call arguments that are not JSON. */
  | 'non-json-arguments'
  /** Structured requests: any JSON that is valid for the schema, ignoring the agent protocol (a careless model). */
  | 'arbitrary-json'
  /** `user_turn`: the user ends the conversation at once (`finished: true`), whatever the plan says. */
  | 'finish-early'
  /** `user_turn`: the user declares the current step done and moves to the next before it was served. */
  | 'skip-step';

export const FAULT_KINDS: readonly FaultKind[] = [
  'rate-limit',
  'server-error',
  'unavailable',
  'hang',
  'truncated-body',
  'malformed-content',
  'schema-violation',
  'unknown-tool',
  'bad-arguments',
  'wrong-argument-types',
  'non-json-arguments',
  'arbitrary-json',
  'finish-early',
  'skip-step',
];

export interface FaultRule {
  fault: FaultKind;
  /** Request numbers (1-based) that get this fault. */
  requests?: number[];
  /** Probability for each matching request (decided from seed + request content + repeat count). */
  rate?: number;
  /** Only requests of this kind (`planner`, `user`, `assistant`, `tool`, `converter`, `judge`, `structured`, `chat`) or schema name. */
  target?: string;
  /** For `rate-limit` and `unavailable`: the Retry-After value in seconds (default 1). */
  retryAfterSeconds?: number;
  /** For `rate-limit` and `unavailable`: send Retry-After as an HTTP date instead of seconds. */
  retryAfterAsDate?: boolean;
}

/** Faults that only make sense for some requests; others fall through to the next rule. */
function applicable(fault: FaultKind, req: RecognisedRequest): boolean {
  if (fault === 'malformed-content' || fault === 'schema-violation' || fault === 'arbitrary-json') return req.structured !== undefined;
  if (fault === 'unknown-tool' || fault === 'bad-arguments' || fault === 'wrong-argument-types' || fault === 'non-json-arguments') return req.kind === 'assistant';
  if (fault === 'finish-early' || fault === 'skip-step') return req.kind === 'user';
  return true;
}

export function chooseFault(rules: readonly FaultRule[], requestNo: number, req: RecognisedRequest, seed: string, contentKey: string): FaultRule | undefined {
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    if (rule.target && rule.target !== req.kind && rule.target !== req.structured?.schemaName) continue;
    if (!applicable(rule.fault, req)) continue;
    if (rule.requests?.includes(requestNo)) return rule;
    if (rule.rate !== undefined && rule.rate > 0 && new SeededRandom(`${seed}\u0000fault${i}\u0000${contentKey}`).chance(rule.rate)) return rule;
  }
  return undefined;
}

/**
 * Parses the CLI's `--fault-schedule 3:rate-limit,5:server-error` into rules.
 * Throws an Error naming the bad entry.
 */
export function parseFaultSchedule(text: string): FaultRule[] {
  const rules: FaultRule[] = [];
  for (const entry of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+):([a-z-]+)$/.exec(entry);
    if (!m || !FAULT_KINDS.includes(m[2] as FaultKind)) throw new Error(`bad fault schedule entry "${entry}": use N:KIND with KIND one of ${FAULT_KINDS.join(', ')}`);
    rules.push({ fault: m[2] as FaultKind, requests: [Number(m[1])] });
  }
  return rules;
}
