/** Which LLM errors stop the run (the endpoint's fault) and which reject a dialogue (the model's output). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LlmError, type LlmErrorCode, type LlmErrorDetail } from '../../../src/engine/llm/types';
import { describeEndpointFailure, endpointFailureOf, EndpointFailureError, throwIfEndpointFailure } from '../../../src/engine/pipeline/endpointFailure';

const at = { baseURL: 'https://user:pw@llm.example/v1?key=sk-secret', model: 'm1' };
const err = (code: LlmErrorCode, detail: LlmErrorDetail = {}, cause = 'boom') => new LlmError(code, `assistant request to ${at.baseURL} (model m1) failed: ${cause}`, 'assistant', { ...at, ...detail });

test('endpoint failures: unreachable, 401/403, 404, transient failures past the retries', () => {
  assert.equal(endpointFailureOf(err('unreachable', {}, 'connection refused (nothing listens at that address), ECONNREFUSED 127.0.0.1:9'))?.kind, 'unreachable');
  assert.equal(endpointFailureOf(err('auth', { status: 401 }))?.kind, 'auth');
  assert.equal(endpointFailureOf(err('auth', { status: 403 }))?.kind, 'auth');
  assert.equal(endpointFailureOf(err('bad-request', { status: 404 }))?.kind, 'not-found');
  for (const lastCode of ['server-error', 'timeout', 'rate-limited'] as const) assert.equal(endpointFailureOf(err('retries-exhausted', { lastCode }))?.kind, 'unavailable', lastCode);
  assert.equal(endpointFailureOf(err('server-error', { status: 502 }))?.kind, 'unavailable', 'with retries off');
});

test('not endpoint failures: model output, a 400 for this request, cancellation, budget, other errors', () => {
  assert.equal(endpointFailureOf(err('invalid-output')), undefined);
  assert.equal(endpointFailureOf(err('bad-request', { status: 400 })), undefined);
  assert.equal(endpointFailureOf(err('aborted')), undefined);
  assert.equal(endpointFailureOf(err('budget-exceeded')), undefined);
  assert.equal(endpointFailureOf(new Error('ENOSPC')), undefined);
  assert.doesNotThrow(() => throwIfEndpointFailure(err('invalid-output')));
});

test('the message names role, endpoint (without credentials) and cause, in one line', () => {
  const e = err('retries-exhausted', { lastCode: 'server-error', status: 503 }, 'HTTP 503: overloaded');
  const f = endpointFailureOf(new LlmError(e.code, e.message.replace('failed:', 'failed 5 times; last:'), 'assistant', e.detail))!;
  const line = describeEndpointFailure(f);
  assert.equal(line, 'the assistant endpoint https://llm.example/v1 (model m1) kept failing after every retry: HTTP 503: overloaded');
  assert.doesNotMatch(line, /sk-secret|pw@/);
  assert.throws(() => throwIfEndpointFailure(e), (x: unknown) => x instanceof EndpointFailureError && !x.message.includes('\n') && /resume the run/.test(x.hint));
});
