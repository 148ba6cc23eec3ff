/** classifyFailure: connection failures no retry can fix are `unreachable` (not retried); others stay retryable. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { APIConnectionError } from 'openai';
import { classifyFailure } from '../../../src/engine/llm/errorMapping';
import { deadPort } from '../../support/deadPort';

/** A Node system error as `net` / `dns` raise it. */
const sysError = (code: string, props: Record<string, unknown>): Error => Object.assign(new Error(`${code} test`), { code, ...props });
const classify = (cause: unknown) => classifyFailure(new APIConnectionError({ cause: cause as Error }), false, false);

test('a refused connection (real fetch to a closed port) is unreachable, with the address', async () => {
  const port = await deadPort();
  const thrown = await fetch(`http://127.0.0.1:${port}/v1`).then(() => undefined, (e: unknown) => e);
  assert.deepEqual(classify(thrown), { code: 'unreachable', message: `connection refused (nothing listens at that address), ECONNREFUSED 127.0.0.1:${port}` });
});

test('an unknown host is unreachable, named by host name', () => {
  const fetchError = Object.assign(new TypeError('fetch failed'), { cause: sysError('ENOTFOUND', { hostname: 'llm.invalid', syscall: 'getaddrinfo' }) });
  assert.deepEqual(classify(fetchError), { code: 'unreachable', message: 'host not found (DNS lookup failed), ENOTFOUND llm.invalid' });
});

test('happy eyeballs (an AggregateError over several addresses): the first address decides', () => {
  const aggregate = new AggregateError([sysError('EHOSTUNREACH', { address: '::1', port: 8000 }), sysError('ECONNREFUSED', { address: '127.0.0.1', port: 8000 })]);
  const fetchError = Object.assign(new TypeError('fetch failed'), { cause: aggregate });
  assert.deepEqual(classify(fetchError), { code: 'unreachable', message: 'host unreachable, EHOSTUNREACH ::1:8000' });
});

test('a connection dropped midway (reset) is not unreachable: it stays a retryable server error', () => {
  const fetchError = Object.assign(new TypeError('fetch failed'), { cause: sysError('ECONNRESET', { syscall: 'read' }) });
  assert.equal(classify(fetchError)?.code, 'server-error');
});
