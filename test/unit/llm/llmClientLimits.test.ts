/** Concurrency and requests-per-minute limits, usage per role, prices and the budget cap. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LlmError, type LlmRole } from '../../../src/engine/llm/types';
import { kit, rejection } from './llmTestKit';

const hello = (i: number) => [{ role: 'user' as const, content: `hello number ${i}` }];

describe('LlmClient limits and usage', () => {
  test('never more requests in flight than the concurrency limit', async () => {
    const k = await kit({ latencyMs: 80 }, { concurrency: 3 });
    try {
      const t0 = Date.now();
      await Promise.all(Array.from({ length: 12 }, (_, i) => k.client.chat({ role: 'user', messages: hello(i) })));
      const took = Date.now() - t0;
      assert.equal(k.sim.stats.requests, 12);
      assert.equal(k.sim.stats.maxInFlight, 3, 'the limit is reached and never exceeded');
      assert.ok(took >= 4 * 80, `12 requests at 3 in flight x 80 ms need ≥ 320 ms, took ${took}`);
    } finally {
      await k.close();
    }
  });

  test('retry waits do not hold a concurrency slot', async () => {
    const k = await kit({ latencyMs: 30, faults: [{ fault: 'rate-limit', requests: [1], retryAfterSeconds: 3 }] }, { concurrency: 1 });
    try {
      const first = k.client.chat({ role: 'user', messages: hello(0) });
      await new Promise((r) => setTimeout(r, 100));
      const t0 = Date.now();
      await k.client.chat({ role: 'user', messages: hello(1) });
      assert.ok(Date.now() - t0 < 2000, 'the second request ran while the first waited 3 s for Retry-After');
      await first;
    } finally {
      await k.close();
    }
  });

  test('requests-per-minute spaces request starts evenly', async () => {
    // Dispatch times are taken on the client side (the onRequest hook fires when the limiter lets a
    // request go): server arrival times also carry loopback and scheduling jitter on a loaded machine.
    const dispatched: number[] = [];
    const k = await kit({}, { requestsPerMinute: 600 }, {}, { hooks: { onRequest: () => dispatched.push(performance.now()) } }); // one every 100 ms
    try {
      await Promise.all(Array.from({ length: 6 }, (_, i) => k.client.chat({ role: 'user', messages: hello(i) })));
      assert.equal(k.sim.stats.startTimes.length, 6);
      assert.equal(dispatched.length, 6);
      const span = dispatched[5]! - dispatched[0]!;
      assert.ok(span >= 450, `6 requests at 600/min must span ≥ 500 ms (timer slack allowed), spanned ${span}`);
      for (let i = 1; i < dispatched.length; i++) {
        const gap = dispatched[i]! - dispatched[i - 1]!;
        assert.ok(gap >= 80, `gap ${i}: ${gap.toFixed(1)} ms`);
      }
    } finally {
      await k.close();
    }
  });

  test('usage is counted per role and matches what the server reported', async () => {
    const k = await kit();
    try {
      const roles: LlmRole[] = ['planner', 'user', 'user', 'assistant', 'tool', 'tool', 'tool'];
      const results = await Promise.all(roles.map((role, i) => k.client.chat({ role, messages: hello(i) })));
      const usage = k.client.usage();
      for (const role of ['planner', 'user', 'assistant', 'tool'] as const) {
        const mine = results.filter((_, i) => roles[i] === role);
        assert.equal(usage[role].requests, mine.length);
        assert.equal(usage[role].promptTokens, mine.reduce((s, r) => s + r.usage.promptTokens, 0));
        assert.equal(usage[role].completionTokens, mine.reduce((s, r) => s + r.usage.completionTokens, 0));
      }
      assert.equal(usage.judge.requests, 0);
      assert.equal(k.client.usageTotals().requests, 7);
    } finally {
      await k.close();
    }
  });

  test('a price table gives cost per role, and the budget cap stops further requests with budget-exceeded', async () => {
    const prices = { 'sim-model': { inputPerMillion: 1_000_000, outputPerMillion: 2_000_000 } }; // $1 per prompt token
    const k = await kit({}, {}, { prices, budget: { maxCostUsd: 20 } });
    try {
      const r = await k.client.chat({ role: 'planner', messages: hello(1) });
      const expected = r.usage.promptTokens * 1 + r.usage.completionTokens * 2;
      assert.ok(Math.abs(k.client.usage().planner.costUsd - expected) < 1e-9);
      const usageEvent = k.events.find(([n]) => n === 'usage')?.[1] as { costUsd: number };
      assert.ok(Math.abs(usageEvent.costUsd - expected) < 1e-9);
      assert.ok(expected >= 20, `the first request alone costs $${expected}`);
      const e = await rejection(k.client.chat({ role: 'user', messages: hello(2) }));
      assert.ok(e instanceof LlmError);
      assert.equal(e.code, 'budget-exceeded');
      assert.equal(k.sim.stats.requests, 1, 'nothing was sent once the budget was spent');
    } finally {
      await k.close();
    }
  });

  test('requests queued behind the concurrency limit re-check the budget: the overshoot is bounded by what is in flight', async () => {
    const prices = { 'sim-model': { inputPerMillion: 1_000_000, outputPerMillion: 2_000_000 } }; // any request spends the cap
    const k = await kit({ latencyMs: 50 }, { concurrency: 1 }, { prices, budget: { maxCostUsd: 1 } });
    try {
      const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => k.client.chat({ role: 'user', messages: hello(i) })));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      assert.ok(results.every((r) => r.status === 'fulfilled' || (r.reason instanceof LlmError && r.reason.code === 'budget-exceeded')));
      assert.equal(k.sim.stats.requests, 1, 'the 7 queued requests were stopped when they got their slot');
    } finally {
      await k.close();
    }
  });

  test('a token budget works without prices', async () => {
    const k = await kit({}, {}, { budget: { maxTokens: 40 } });
    try {
      let sent = 0;
      let error: unknown;
      for (let i = 0; i < 20 && !error; i++) {
        try {
          await k.client.chat({ role: 'tool', messages: hello(i) });
          sent++;
        } catch (e) {
          error = e;
        }
      }
      assert.ok(error instanceof LlmError && error.code === 'budget-exceeded');
      assert.ok(sent >= 1 && sent < 20);
      const t = k.client.usageTotals();
      assert.ok(t.promptTokens + t.completionTokens >= 40);
    } finally {
      await k.close();
    }
  });
});

test('abort while waiting for a concurrency slot or an RPM slot rejects at once and sends nothing', async () => {
  const k = await kit({ faults: [{ fault: 'hang', requests: [1] }] }, { concurrency: 1, requestTimeoutMs: 60_000 });
  const r = await kit({}, { requestsPerMinute: 2 }); // 30 s between requests
  try {
    const holder = new AbortController();
    const first = k.client.chat({ role: 'user', messages: hello(1), signal: holder.signal });
    const waiting = new AbortController();
    const second = k.client.chat({ role: 'user', messages: hello(2), signal: waiting.signal });
    await new Promise((res) => setTimeout(res, 100));
    const t0 = Date.now();
    waiting.abort();
    await assert.rejects(second, (e: unknown) => e instanceof LlmError && e.code === 'aborted');
    assert.ok(Date.now() - t0 < 1000);
    assert.equal(k.sim.stats.requests, 1, 'the waiting request was never sent');
    holder.abort();
    await assert.rejects(first, (e: unknown) => e instanceof LlmError && e.code === 'aborted');

    await r.client.chat({ role: 'user', messages: hello(3) });
    const rpmWait = new AbortController();
    const throttled = r.client.chat({ role: 'user', messages: hello(4), signal: rpmWait.signal });
    await new Promise((res) => setTimeout(res, 100));
    const t1 = Date.now();
    rpmWait.abort();
    await assert.rejects(throttled, (e: unknown) => e instanceof LlmError && e.code === 'aborted');
    assert.ok(Date.now() - t1 < 1000);
    assert.equal(r.sim.stats.requests, 1);
  } finally {
    await k.close();
    await r.close();
  }
});
