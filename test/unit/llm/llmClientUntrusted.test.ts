/**
 * Model servers are untrusted: odd but usable answers are normalised, unusable ones are retried
 * and end in a clear LlmError — never a crash. Uses a tiny scripted server (not the simulator) so
 * each answer can be exactly what some real server sends.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LlmClient } from '../../../src/engine/llm/llmClient';
import { singleEndpointConfig } from '../../../src/engine/llm/config';
import { LlmError } from '../../../src/engine/llm/types';

async function scripted(bodies: Array<{ status?: number; body: string; sse?: boolean }>) {
  let i = 0;
  const received: string[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      received.push(text);
      const next = bodies[Math.min(i++, bodies.length - 1)]!;
      res.writeHead(next.status ?? 200, { 'content-type': next.sse ? 'text/event-stream' : 'application/json' });
      res.end(next.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  const client = new LlmClient(singleEndpointConfig({ baseURL: url, apiKey: '', model: 'm' }, { backoffBaseMs: 1, backoffMaxMs: 5, maxRetries: 2 }));
  return { client, requests: () => i, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const ask = { role: 'assistant' as const, messages: [{ role: 'user' as const, content: 'x' }] };

test('Ollama-style object arguments and missing call ids are normalised', async () => {
  const s = await scripted([{ body: JSON.stringify({ choices: [{ message: { role: 'assistant', content: '', tool_calls: [{ type: 'function', function: { name: 'f', arguments: { a: 1 } } }, { type: 'function', function: { name: 'g', arguments: '{"b":2}' }, id: '' }, { type: 'bogus' }, null] }, finish_reason: 'tool_calls' }] }) }]);
  try {
    const r = await s.client.chat(ask);
    assert.deepEqual(r.message.tool_calls?.map((c) => [c.function.name, c.function.arguments]), [['f', '{"a":1}'], ['g', '{"b":2}']]);
    for (const c of r.message.tool_calls!) assert.match(c.id, /^call_/);
    assert.ok(r.usage.promptTokens > 0, 'usage estimated when absent');
  } finally {
    await s.close();
  }
});

test('answers without choices, with an error object, or not JSON are retried, then retries-exhausted', async () => {
  const s = await scripted([{ body: '{"choices": []}' }, { body: '{"error": {"message": "upstream provider timed out"}}' }, { body: '<html>bad gateway</html>' }]);
  try {
    const e = await s.client.chat(ask).then(
      () => assert.fail('expected a rejection'),
      (x: unknown) => x,
    );
    assert.ok(e instanceof LlmError);
    assert.equal(e.code, 'retries-exhausted');
    assert.equal(e.detail.lastCode, 'server-error');
    assert.equal(s.requests(), 3);
  } finally {
    await s.close();
  }
});

test('a 400 from the server is a bad-request with the server message, not retried', async () => {
  const s = await scripted([{ status: 400, body: JSON.stringify({ error: { message: "This model's maximum context length is 8192 tokens", type: 'invalid_request_error' } }) }]);
  try {
    await assert.rejects(s.client.chat(ask), (e: unknown) => e instanceof LlmError && e.code === 'bad-request' && /maximum context length/.test(e.message) && e.detail.status === 400);
    assert.equal(s.requests(), 1);
  } finally {
    await s.close();
  }
});

test('streamed tool calls without index, with repeated names or object arguments are assembled', async () => {
  const chunk = (delta: unknown, finish: string | null = null) => `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const sse = [
    chunk({ role: 'assistant', content: '' }),
    // Ollama style: whole calls, no index, object arguments.
    chunk({ tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: { x: 1 } } }, { id: 'b', type: 'function', function: { name: 'g', arguments: { y: 2 } } }] }),
    chunk({}, 'tool_calls'),
    'data: [DONE]\n\n',
  ].join('');
  const repeated = [
    chunk({ tool_calls: [{ index: 0, id: 'c', type: 'function', function: { name: 'lookup', arguments: '{"q":' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { name: 'lookup', arguments: '"z"}' } }] }),
    chunk({}, 'tool_calls'),
    'data: [DONE]\n\n',
  ].join('');
  const s = await scripted([{ body: sse, sse: true }, { body: repeated, sse: true }]);
  try {
    const a = await s.client.chat({ ...ask, stream: true });
    assert.deepEqual(a.message.tool_calls?.map((c) => [c.id, c.function.name, c.function.arguments]), [['a', 'f', '{"x":1}'], ['b', 'g', '{"y":2}']]);
    const b = await s.client.chat({ ...ask, stream: true });
    assert.deepEqual(b.message.tool_calls?.map((c) => [c.id, c.function.name, c.function.arguments]), [['c', 'lookup', '{"q":"z"}']]);
  } finally {
    await s.close();
  }
});

test('seed, temperature, max tokens, tool choice and parallel calls reach the server as OpenAI parameters', async () => {
  const ok = JSON.stringify({ choices: [{ message: { role: 'assistant', content: '{"a": 1}' }, finish_reason: 'stop' }] });
  const s = await scripted([{ body: ok }]);
  try {
    const tool = { type: 'function' as const, function: { name: 'f', description: 'd', parameters: { type: 'object' as const, properties: {} } } };
    await s.client.chat({ ...ask, seed: 42, temperature: 0.3, maxTokens: 99, tools: [tool], toolChoice: 'required', parallelToolCalls: false });
    await s.client.structured({ role: 'planner', messages: [{ role: 'user', content: 'x' }], schemaName: 'obj', schema: { type: 'object' }, validate: (v) => ({ ok: true, value: v }), seed: 7 });
    const [chat, structured] = s.received.map((b) => JSON.parse(b) as Record<string, unknown>);
    assert.equal(chat!.seed, 42);
    assert.equal(chat!.temperature, 0.3);
    assert.equal(chat!.max_tokens, 99);
    assert.equal(chat!.tool_choice, 'required');
    assert.equal(chat!.parallel_tool_calls, false);
    assert.equal(structured!.seed, 7);
    assert.deepEqual((structured!.response_format as { type: string }).type, 'json_schema');
  } finally {
    await s.close();
  }
});
