/** LlmClient.chat against the LLM simulator over real HTTP: tool calls, parallel calls, streaming. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { ChatDelta } from '../../../src/engine/llm/types';
import { flightTool, kit, weatherTool } from './llmTestKit';

const ajv = new Ajv({ strict: false });
addFormats(ajv);

describe('LlmClient.chat', () => {
  test('the assistant gets a native tool call whose arguments are valid for the parameter schema', async () => {
    const k = await kit({ askRate: 0 });
    try {
      const r = await k.client.chat({ role: 'assistant', messages: [{ role: 'user', content: 'What is the current weather in Paris?' }], tools: [weatherTool, flightTool] });
      assert.equal(r.finishReason, 'tool_calls');
      assert.equal(r.message.tool_calls?.length, 1);
      const call = r.message.tool_calls![0]!;
      assert.equal(call.function.name, 'get_current_weather');
      assert.match(call.id, /^call_/);
      const args = JSON.parse(call.function.arguments) as unknown;
      assert.ok(ajv.validate(weatherTool.function.parameters, args), JSON.stringify(ajv.errors));
      assert.ok(r.usage.promptTokens > 0 && r.usage.completionTokens > 0);
      // The request really carried the tools and the key.
      assert.equal(k.sim.stats.byKind.assistant, 1);
      assert.match(k.sim.stats.lastAuthorization ?? '', /^Bearer sk-tfTEST/);
    } finally {
      await k.close();
    }
  });

  test('two requests in one message give parallel tool calls; after the results the assistant answers in text', async () => {
    const k = await kit({ askRate: 0 });
    try {
      const tools = [weatherTool, flightTool];
      const ask = 'Get the current weather in Tokyo and also search flights from LIS to HND tomorrow';
      const r = await k.client.chat({ role: 'assistant', messages: [{ role: 'user', content: ask }], tools, parallelToolCalls: true });
      const names = r.message.tool_calls?.map((c) => c.function.name);
      assert.deepEqual(names, ['get_current_weather', 'search_flights']);
      for (const c of r.message.tool_calls!) {
        const schema = tools.find((t) => t.function.name === c.function.name)!.function.parameters;
        assert.ok(ajv.validate(schema, JSON.parse(c.function.arguments)), JSON.stringify(ajv.errors));
      }
      const ids = new Set(r.message.tool_calls!.map((c) => c.id));
      assert.equal(ids.size, 2);

      const follow = await k.client.chat({
        role: 'assistant',
        tools,
        messages: [
          { role: 'user', content: ask },
          r.message,
          { role: 'tool', tool_call_id: r.message.tool_calls![0]!.id, content: JSON.stringify({ temperature: 21, condition: 'sunny' }) },
          { role: 'tool', tool_call_id: r.message.tool_calls![1]!.id, content: JSON.stringify({ flights: [{ number: 'TP123', price: 540 }] }) },
        ],
      });
      assert.equal(follow.message.tool_calls, undefined);
      assert.match(follow.message.content ?? '', /temperature 21/);
      assert.match(follow.message.content ?? '', /TP123/);
    } finally {
      await k.close();
    }
  });

  test('parallelToolCalls false gives a single call; small talk gets text and no call', async () => {
    const k = await kit({ askRate: 0 });
    try {
      const ask = 'Get the current weather in Tokyo and also search flights from LIS to HND';
      const one = await k.client.chat({ role: 'assistant', messages: [{ role: 'user', content: ask }], tools: [weatherTool, flightTool], parallelToolCalls: false });
      assert.equal(one.message.tool_calls?.length, 1);
      const talk = await k.client.chat({ role: 'assistant', messages: [{ role: 'user', content: 'I love autumn evenings.' }], tools: [weatherTool, flightTool] });
      assert.equal(talk.message.tool_calls, undefined);
      assert.ok((talk.message.content ?? '').length > 0);
    } finally {
      await k.close();
    }
  });

  test('streaming assembles content and tool-call deltas into the same message as non-streaming', async () => {
    const k = await kit({ askRate: 0 });
    try {
      const messages = [{ role: 'user' as const, content: 'Get the current weather in Tokyo and also search flights from LIS to HND' }];
      const deltas: ChatDelta[] = [];
      const streamed = await k.client.chat({ role: 'assistant', messages, tools: [weatherTool, flightTool], stream: true, onDelta: (d) => deltas.push(d) });
      assert.equal(k.sim.stats.log[0]?.stream, true);
      assert.equal(streamed.finishReason, 'tool_calls');
      assert.equal(streamed.message.tool_calls?.length, 2);
      // Arguments arrived in pieces and were joined.
      const argPieces = deltas.flatMap((d) => d.toolCalls ?? []).filter((t) => t.index === 1 && t.arguments !== undefined && t.arguments !== '');
      assert.ok(argPieces.length >= 2, `expected the arguments in several deltas, got ${argPieces.length}`);
      assert.equal(argPieces.map((p) => p.arguments).join(''), streamed.message.tool_calls![1]!.function.arguments);
      for (const c of streamed.message.tool_calls!) JSON.parse(c.function.arguments);
      // Usage came from the final usage chunk (stream_options.include_usage).
      const usageEvent = k.events.find(([n]) => n === 'usage')?.[1] as { reported: boolean };
      assert.equal(usageEvent.reported, true);

      const text: string[] = [];
      const talk = await k.client.chat({ role: 'assistant', messages: [{ role: 'user', content: 'Just saying hello, I had a lovely walk by the river today with my dog.' }], tools: [weatherTool], stream: true, onDelta: (d) => d.content && text.push(d.content) });
      assert.ok(text.length >= 2, 'content came in several deltas');
      assert.equal(text.join(''), talk.message.content);
    } finally {
      await k.close();
    }
  });

  test('usage is estimated when the server reports none', async () => {
    const k = await kit({ reportUsage: false });
    try {
      const r = await k.client.chat({ role: 'user', messages: [{ role: 'user', content: 'hello there, how are you doing today?' }] });
      assert.ok(r.usage.promptTokens > 0 && r.usage.completionTokens > 0);
      const usageEvent = k.events.find(([n]) => n === 'usage')?.[1] as { reported: boolean };
      assert.equal(usageEvent.reported, false);
    } finally {
      await k.close();
    }
  });
});

test('a server that refuses stream_options still streams (usage estimated), and the client remembers', async () => {
  const k = await kit({ supportsStreamOptions: false });
  try {
    const a = await k.client.chat({ role: 'user', messages: [{ role: 'user', content: 'first' }], stream: true });
    const b = await k.client.chat({ role: 'user', messages: [{ role: 'user', content: 'second' }], stream: true });
    assert.ok(a.message.content && b.message.content);
    assert.deepEqual(k.sim.stats.log.map((r) => r.status), [400, 200, 200]);
    assert.ok(a.usage.promptTokens > 0);
  } finally {
    await k.close();
  }
});

test('json_schema accepted but ignored (prose reply): the re-ask carries the schema and succeeds', async () => {
  // `malformed-content` on the first request stands in for a server that ignored response_format.
  const k = await kit({ faults: [{ fault: 'malformed-content', requests: [1] }] });
  try {
    const schema = { type: 'object' as const, required: ['n'], properties: { n: { type: 'integer' as const } } };
    const r = await k.client.structured({ role: 'judge', messages: [{ role: 'user', content: 'n?' }], schemaName: 'num', schema, validate: (v) => ({ ok: true, value: v }) });
    assert.equal(typeof (r.value as { n: number }).n, 'number');
    assert.equal(k.sim.stats.requests, 2);
  } finally {
    await k.close();
  }
});

test("the built-in fetch transport gives the same answers as the default node:http one", async () => {
  const a = await kit({ askRate: 0, seed: 's' });
  const b = await kit({ askRate: 0, seed: 's', faults: [{ fault: 'server-error', requests: [1] }, { fault: 'hang', requests: [3] }] }, { requestTimeoutMs: 300 }, {}, { transport: 'fetch' });
  try {
    const req = { role: 'assistant' as const, messages: [{ role: 'user' as const, content: 'Get the current weather in Tokyo and also search flights from LIS to HND' }], tools: [weatherTool, flightTool] };
    const viaHttp = await a.client.chat(req);
    const viaFetch = await b.client.chat(req);
    assert.deepEqual(viaFetch.message, viaHttp.message);
    const streamed = await b.client.chat({ ...req, stream: true });
    assert.deepEqual(streamed.message.tool_calls?.map((c) => c.function.name), ['get_current_weather', 'search_flights']);
    assert.deepEqual(b.sim.stats.log.map((r) => r.status), [500, 200, 200, 200], 'the 500 and the hung stream were retried');
  } finally {
    await a.close();
    await b.close();
  }
});
