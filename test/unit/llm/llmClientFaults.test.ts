/**
 * Every fault the LLM simulator injects, against the real client over HTTP: 429 + Retry-After,
 * 500, hung responses and timeouts, truncated bodies, auth errors, and cancellation.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LlmError } from '../../../src/engine/llm/types';
import { kit, rejection } from './llmTestKit';

const hello = [{ role: 'user' as const, content: 'hello' }];

describe('LlmClient retries and faults', () => {
  test('429 with Retry-After in seconds: waits at least that long, then succeeds', async () => {
    const k = await kit({ faults: [{ fault: 'rate-limit', requests: [1], retryAfterSeconds: 1 }] });
    try {
      const t0 = Date.now();
      const r = await k.client.chat({ role: 'user', messages: hello });
      const waited = Date.now() - t0;
      assert.ok(r.message.content);
      assert.equal(k.sim.stats.requests, 2);
      assert.ok(waited >= 1000, `waited ${waited} ms, Retry-After said 1000 ms (backoff alone would be ≤ 50 ms)`);
      const gap = k.sim.stats.startTimes[1]! - k.sim.stats.startTimes[0]!;
      assert.ok(gap >= 990, `the simulator saw the retry ${gap} ms after the first request`);
      const retry = k.events.find(([n]) => n === 'retry')?.[1] as { code: string; retryAfterMs: number; delayMs: number };
      assert.equal(retry.code, 'rate-limited');
      assert.equal(retry.retryAfterMs, 1000);
      assert.ok(retry.delayMs >= 1000);
    } finally {
      await k.close();
    }
  });

  test('503 with Retry-After: the server-error retry waits at least that long (not the short backoff), then succeeds', async () => {
    const k = await kit({ faults: [{ fault: 'unavailable', requests: [1], retryAfterSeconds: 1 }] });
    try {
      const t0 = Date.now();
      const r = await k.client.chat({ role: 'user', messages: hello });
      const waited = Date.now() - t0;
      assert.ok(r.message.content);
      assert.deepEqual(k.sim.stats.log.map((x) => x.status), [503, 200]);
      const gap = k.sim.stats.startTimes[1]! - k.sim.stats.startTimes[0]!;
      assert.ok(gap >= 990, `the simulator saw the retry ${gap} ms after the 503, Retry-After said 1000 ms (backoff alone would be ≤ 50 ms)`);
      assert.ok(waited >= 1000, `waited ${waited} ms`);
      const retry = k.events.find(([n]) => n === 'retry')?.[1] as { code: string; retryAfterMs: number; delayMs: number };
      assert.equal(retry.code, 'server-error');
      assert.equal(retry.retryAfterMs, 1000);
      assert.ok(retry.delayMs >= 1000);
    } finally {
      await k.close();
    }
  });

  test('429 with Retry-After as an HTTP date is honoured too', async () => {
    const k = await kit({ faults: [{ fault: 'rate-limit', requests: [1], retryAfterSeconds: 3, retryAfterAsDate: true }] });
    try {
      const t0 = Date.now();
      await k.client.chat({ role: 'user', messages: hello });
      const waited = Date.now() - t0;
      const retry = k.events.find(([n]) => n === 'retry')?.[1] as { retryAfterMs: number };
      // An HTTP date has whole seconds, so the wait is between 2 and 3 s (less the time in transit).
      assert.ok(retry.retryAfterMs > 1000 && retry.retryAfterMs <= 3000, `parsed ${retry.retryAfterMs} ms`);
      assert.ok(waited >= retry.retryAfterMs, `waited ${waited} ms < ${retry.retryAfterMs} ms`);
    } finally {
      await k.close();
    }
  });

  test('a 429 that persists ends in retries-exhausted naming rate-limited', async () => {
    const k = await kit({ faults: [{ fault: 'rate-limit', rate: 1, retryAfterSeconds: 0 }] }, { maxRetries: 2 });
    try {
      const e = await rejection(k.client.chat({ role: 'tool', messages: hello }));
      assert.ok(e instanceof LlmError);
      assert.equal(e.code, 'retries-exhausted');
      assert.equal(e.detail.lastCode, 'rate-limited');
      assert.equal(e.detail.attempts, 3);
      assert.equal(e.role, 'tool');
      assert.equal(k.sim.stats.requests, 3);
    } finally {
      await k.close();
    }
  });

  test('500 is retried with backoff and then succeeds', async () => {
    const k = await kit({ faults: [{ fault: 'server-error', requests: [1, 2] }] });
    try {
      const r = await k.client.chat({ role: 'user', messages: hello });
      assert.ok(r.message.content);
      assert.equal(k.sim.stats.requests, 3);
      const retries = k.events.filter(([n]) => n === 'retry').map(([, e]) => e as { code: string; attempt: number });
      assert.deepEqual(retries.map((r) => [r.code, r.attempt]), [['server-error', 1], ['server-error', 2]]);
      const requests = k.events.filter(([n]) => n === 'request').map(([, e]) => (e as { attempt: number }).attempt);
      assert.deepEqual(requests, [1, 2, 3]);
    } finally {
      await k.close();
    }
  });

  test('with maxRetries 0 a 500 surfaces as server-error', async () => {
    const k = await kit({ faults: [{ fault: 'server-error', rate: 1 }] }, { maxRetries: 0 });
    try {
      const e = await rejection(k.client.chat({ role: 'user', messages: hello }));
      assert.ok(e instanceof LlmError);
      assert.equal(e.code, 'server-error');
      assert.equal(e.detail.status, 500);
      assert.equal(k.sim.stats.requests, 1);
    } finally {
      await k.close();
    }
  });

  test('a hung response times out, is retried, and ends in retries-exhausted (timeout) after the limit', async () => {
    const k = await kit({ faults: [{ fault: 'hang', rate: 1 }] }, { requestTimeoutMs: 150, maxRetries: 2 });
    try {
      const t0 = Date.now();
      const e = await rejection(k.client.chat({ role: 'assistant', messages: hello }));
      const took = Date.now() - t0;
      assert.ok(e instanceof LlmError);
      assert.equal(e.code, 'retries-exhausted');
      assert.equal(e.detail.lastCode, 'timeout');
      assert.equal(k.sim.stats.requests, 3);
      assert.ok(took >= 3 * 150, `three attempts of 150 ms took only ${took} ms`);
      assert.ok(took < 5000, `took ${took} ms`);
    } finally {
      await k.close();
    }
  });

  test('a hung stream (one chunk, then silence) times out and the retry succeeds', async () => {
    const k = await kit({ faults: [{ fault: 'hang', requests: [1] }] }, { requestTimeoutMs: 200 });
    try {
      const restarts: boolean[] = [];
      const r = await k.client.chat({ role: 'assistant', messages: hello, stream: true, onDelta: (d) => d.restart && restarts.push(true) });
      assert.ok(r.message.content);
      assert.equal(k.sim.stats.requests, 2);
      assert.equal(restarts.length, 1, 'the consumer was told to discard the partial stream');
      assert.equal((k.events.find(([n]) => n === 'retry')?.[1] as { code: string }).code, 'timeout');
    } finally {
      await k.close();
    }
  });

  test('a truncated JSON body and a stream cut mid-way are retried', async () => {
    const k = await kit({ faults: [{ fault: 'truncated-body', requests: [1, 3] }] });
    try {
      const a = await k.client.chat({ role: 'user', messages: hello });
      assert.ok(a.message.content);
      const b = await k.client.chat({ role: 'user', messages: [{ role: 'user', content: 'stream please' }], stream: true });
      assert.ok(b.message.content);
      assert.equal(k.sim.stats.requests, 4);
      const codes = k.events.filter(([n]) => n === 'retry').map(([, e]) => (e as { code: string; message: string }));
      assert.equal(codes.length, 2);
      for (const c of codes) assert.equal(c.code, 'server-error');
    } finally {
      await k.close();
    }
  });

  test('401 is not retried and maps to auth', async () => {
    const k = await kit({ apiKey: 'the-right-key-000' });
    try {
      const e = await rejection(k.client.chat({ role: 'planner', messages: hello }));
      assert.ok(e instanceof LlmError);
      assert.equal(e.code, 'auth');
      assert.equal(k.sim.stats.requests, 1);
    } finally {
      await k.close();
    }
  });

  test('404 (wrong base URL) is a bad-request with a hint, not retried', async () => {
    const k = await kit();
    try {
      const { LlmClient } = await import('../../../src/engine/llm/llmClient');
      const { singleEndpointConfig } = await import('../../../src/engine/llm/config');
      const wrong = new LlmClient(singleEndpointConfig({ baseURL: k.sim.url.replace(/\/v1$/, '/nope'), apiKey: '', model: 'm' }, { backoffBaseMs: 5 }));
      const e = await rejection(wrong.chat({ role: 'user', messages: hello }));
      assert.ok(e instanceof LlmError);
      assert.equal(e.code, 'bad-request');
      assert.match(e.message, /base URL/);
    } finally {
      await k.close();
    }
  });

  test('a 404 on a structured request fails at once: no fallback to JSON mode or text, no repeat', async () => {
    const k = await kit();
    try {
      const { LlmClient } = await import('../../../src/engine/llm/llmClient');
      const { singleEndpointConfig } = await import('../../../src/engine/llm/config');
      const fallbacks: unknown[] = [];
      const requests: unknown[] = [];
      const wrong = new LlmClient(singleEndpointConfig({ baseURL: k.sim.url.replace(/\/v1$/, '/nope'), apiKey: '', model: 'm' }, { backoffBaseMs: 5 }), {
        hooks: { onFallback: (e) => fallbacks.push(e), onRequest: (e) => requests.push(e) },
      });
      const e = await rejection(
        wrong.structured({ role: 'planner', messages: hello, schemaName: 'x', schema: { type: 'object' }, validate: (v) => ({ ok: true, value: v }) }),
      );
      assert.ok(e instanceof LlmError);
      assert.equal(e.code, 'bad-request');
      assert.equal(fallbacks.length, 0);
      assert.equal(requests.length, 1);
    } finally {
      await k.close();
    }
  });

  test('abort mid-request rejects promptly with aborted and frees the connection', async () => {
    const k = await kit({ faults: [{ fault: 'hang', rate: 1 }] }, { requestTimeoutMs: 60_000 });
    try {
      const ac = new AbortController();
      const p = k.client.chat({ role: 'assistant', messages: hello, signal: ac.signal });
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(k.sim.stats.inFlight, 1);
      const t0 = Date.now();
      ac.abort();
      const e = await rejection(p);
      const took = Date.now() - t0;
      assert.ok(e instanceof LlmError);
      assert.equal(e.code, 'aborted');
      assert.ok(took < 1000, `abort took ${took} ms (the request would otherwise hang for 60 s)`);
      for (let i = 0; i < 100 && k.sim.stats.inFlight > 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(k.sim.stats.inFlight, 0, 'the hung request was dropped on the server side too');
    } finally {
      await k.close();
    }
  });

  test('abort during a Retry-After wait stops the wait at once', async () => {
    const k = await kit({ faults: [{ fault: 'rate-limit', rate: 1, retryAfterSeconds: 30 }] });
    try {
      const ac = new AbortController();
      const p = k.client.chat({ role: 'user', messages: hello, signal: ac.signal });
      while (!k.events.some(([n]) => n === 'retry')) await new Promise((r) => setTimeout(r, 10));
      const t0 = Date.now();
      ac.abort();
      const e = await rejection(p);
      assert.ok(e instanceof LlmError && e.code === 'aborted');
      assert.ok(Date.now() - t0 < 1000, 'instead of the 30 s Retry-After');
      assert.equal(k.sim.stats.requests, 1);
    } finally {
      await k.close();
    }
  });

  test('an already-aborted signal sends nothing', async () => {
    const k = await kit();
    try {
      const e = await rejection(k.client.structured({ role: 'user', messages: hello, schemaName: 'x', schema: { type: 'object' }, validate: (v) => ({ ok: true, value: v }), signal: AbortSignal.abort() }));
      assert.ok(e instanceof LlmError && e.code === 'aborted');
      assert.equal(k.sim.stats.requests, 0);
    } finally {
      await k.close();
    }
  });
});
