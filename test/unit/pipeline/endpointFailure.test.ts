/** Which LLM errors stop the run (the endpoint's fault) and which reject a dialogue (the model's output). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LlmError, type LlmErrorCode, type LlmErrorDetail } from '../../../src/engine/llm/types';
import { describeEndpointFailure, endpointFailureOf, EndpointFailureError, throwIfEndpointFailure } from '../../../src/engine/pipeline/endpointFailure';
import { FAKE_KEY, kit, rejection } from '../llm/llmTestKit';

const at = { baseURL: 'https://user:pw@llm.example/v1?key=sk-secret', model: 'm1' };
/** An error as the client makes it: the cause in the message for people, and in `detail.cause` for code. */
const err = (code: LlmErrorCode, detail: LlmErrorDetail = {}, cause = 'boom') => new LlmError(code, `assistant request to ${at.baseURL} (model m1) failed: ${cause}`, 'assistant', { ...at, cause, ...detail });

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

test('the kind and the cause come from the error\'s code and detail, not from the wording of its message', () => {
  const reworded = (e: LlmError, message: string) => new LlmError(e.code, message, e.role, e.detail);
  const cases = [
    err('unreachable', {}, 'connection refused (nothing listens at that address), ECONNREFUSED 127.0.0.1:9'),
    err('auth', { status: 401 }, 'HTTP 401: invalid key'),
    err('bad-request', { status: 404 }, 'HTTP 404: no such model'),
    err('retries-exhausted', { lastCode: 'timeout' }, 'no answer within 30 s'),
  ];
  for (const e of cases) {
    const before = endpointFailureOf(e)!;
    for (const message of [`The assistant call to ${at.baseURL} did not work -- ${e.detail.cause!}`, 'failed: something else entirely', `failed 3 times; last: other words\nsecond line`]) {
      const after = endpointFailureOf(reworded(e, message));
      assert.deepEqual(after, before, message);
      assert.equal(after?.cause, e.detail.cause);
    }
  }
});

test('the real client puts the cause in the error detail, and the endpoint failure reads it from there', async () => {
  const k = await kit({ apiKey: 'the-right-key-000' });
  try {
    const e = await rejection(k.client.chat({ role: 'planner', messages: [{ role: 'user', content: 'hello' }] }));
    assert.ok(e instanceof LlmError && e.code === 'auth', String(e));
    assert.ok(e.detail.cause && !e.detail.cause.includes('\n'), `detail.cause: ${e.detail.cause}`);
    assert.ok(e.message.endsWith(e.detail.cause), 'the message ends with the same cause');
    assert.doesNotMatch(e.detail.cause, new RegExp(FAKE_KEY));
    const f = endpointFailureOf(e)!;
    assert.equal(f.kind, 'auth');
    assert.equal(f.cause, e.detail.cause);
  } finally {
    await k.close();
  }
});
