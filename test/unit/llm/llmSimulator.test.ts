/**
 * The LLM simulator (a test double) answers every agent of the ToolFlow protocol with output that is
 * valid against the schemas in the request — checked with Ajv on real MCP tool definitions.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { JsonSchema } from '../../../src/engine/model/jsonSchema';
import { startLlmSimulator, type LlmSimulator } from '../../support/llm-simulator/server';
import { toolRequest } from '../../support/llm-simulator/agents/plannerAnswer';
import { utteranceFor } from '../../support/llm-simulator/agents/userTurnAnswer';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const mcpFile = path.resolve(repoRoot, '..', 'shared', 'data', 'tools', 'mcp', 'mcp_tools.jsonl');

interface McpTool {
  name: string;
  description?: string;
  inputSchema: JsonSchema;
  outputSchema?: JsonSchema;
}
const mcpTools: McpTool[] = fs
  .readFileSync(mcpFile, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as McpTool);
// Same names occur on several servers; keep the first of each.
const uniqueTools = mcpTools.filter((t, i) => mcpTools.findIndex((u) => u.name === t.name) === i);
const openai = (t: McpTool) => ({ type: 'function', function: { name: t.name, description: t.description ?? '', parameters: t.inputSchema } });

const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv);
function check(schema: JsonSchema, value: unknown): string | undefined {
  const { $schema: _s, ...rest } = schema;
  return ajv.validate(rest, value) ? undefined : ajv.errorsText(ajv.errors);
}

interface Completion {
  choices: Array<{ message: { content: string | null; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }> } }>;
}
async function post(sim: LlmSimulator, body: unknown): Promise<Completion> {
  const r = await fetch(`${sim.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(r.status, 200, await r.clone().text());
  return (await r.json()) as Completion;
}
async function structured(sim: LlmSimulator, name: string, schema: JsonSchema, messages: unknown[]): Promise<unknown> {
  const c = await post(sim, { model: 'm', messages, response_format: { type: 'json_schema', json_schema: { name, schema } } });
  return JSON.parse(c.choices[0]!.message.content!) as unknown;
}

const planSchema = (names: string[]): JsonSchema => ({
  type: 'object',
  required: ['steps'],
  properties: { steps: { type: 'array', minItems: 1, items: { type: 'object', required: ['kind', 'request'], properties: { kind: { enum: ['tool', 'chitchat'] }, request: { type: 'string' }, tools: { type: 'array', items: { enum: names } } } } } },
});
const userTurnSchema: JsonSchema = { type: 'object', required: ['message', 'stepDone', 'finished'], properties: { message: { type: 'string' }, stepDone: { type: 'boolean' }, finished: { type: 'boolean' } } };
const toolResultSchema = (returns?: JsonSchema): JsonSchema => ({ type: 'object', required: ['ok'], properties: { ok: { type: 'boolean' }, result: returns ?? {}, error: { type: 'string' } } });

describe('LLM simulator', () => {
  test(`assistant: calls the requested tool with arguments valid for its inputSchema (all ${uniqueTools.length} MCP tools)`, async () => {
    const sim = await startLlmSimulator({ askRate: 0 });
    try {
      let intended = 0;
      for (let i = 0; i < uniqueTools.length; i++) {
        const t = uniqueTools[i]!;
        const offered = [t, uniqueTools[(i + 7) % uniqueTools.length]!, uniqueTools[(i + 31) % uniqueTools.length]!].filter((x, j, a) => a.indexOf(x) === j);
        const ask = utteranceFor({ index: 1, kind: 'tool', request: toolRequest({ name: t.name, description: t.description ?? '' }) });
        const c = await post(sim, { model: 'm', messages: [{ role: 'user', content: ask }], tools: offered.map(openai) });
        const calls = c.choices[0]!.message.tool_calls ?? [];
        assert.ok(calls.length >= 1, `no tool call for ${t.name}: ${c.choices[0]!.message.content}`);
        for (const call of calls) {
          const called = offered.find((o) => o.name === call.function.name);
          assert.ok(called, `${call.function.name} was not offered`);
          const problem = check(called.inputSchema, JSON.parse(call.function.arguments));
          assert.equal(problem, undefined, `${called.name} arguments ${call.function.arguments}: ${problem}`);
        }
        if (calls[0]!.function.name === t.name) intended++;
      }
      assert.ok(intended / uniqueTools.length >= 0.9, `picked the requested tool ${intended}/${uniqueTools.length} times`);
    } finally {
      await sim.close();
    }
  });

  test('tool simulator: results valid against the returns schema; errors when asked', async () => {
    const sim = await startLlmSimulator();
    try {
      const withOutput = uniqueTools.filter((t) => t.outputSchema);
      assert.ok(withOutput.length >= 10);
      for (const t of withOutput) {
        for (const err of ['no', 'yes']) {
          const schema = toolResultSchema(t.outputSchema);
          const v = (await structured(sim, 'tool_result', schema, [
            { role: 'system', content: 'You simulate a real API.' },
            { role: 'user', content: `Call: ${t.name}\n{"path": "/tmp/a.txt"}\nSimulate error: ${err}` },
          ])) as { ok: boolean; result?: unknown; error?: string };
          assert.equal(check(schema, v), undefined, `${t.name}: ${JSON.stringify(v)}`);
          if (err === 'yes') {
            assert.equal(v.ok, false);
            assert.match(v.error ?? '', /\w/);
          } else {
            assert.equal(v.ok, true);
            assert.equal(check(t.outputSchema!, v.result), undefined);
          }
        }
      }
    } finally {
      await sim.close();
    }
  });

  test('planner: a plan of the target length over the given tools, valid against the plan schema', async () => {
    const sim = await startLlmSimulator();
    try {
      for (const [start, target] of [[0, 5], [40, 2], [90, 8]] as const) {
        const tools = uniqueTools.slice(start, start + 4);
        const schema = planSchema(tools.map((t) => t.name));
        const v = (await structured(sim, 'dialogue_plan', schema, [
          { role: 'system', content: 'You plan a conversation.' },
          { role: 'user', content: `Available tools:\n\`\`\`json\n${JSON.stringify(tools.map(openai), null, 2)}\n\`\`\`\nTarget steps: ${target}` },
        ])) as { steps: Array<{ kind: string; tools?: string[] }> };
        assert.equal(check(schema, v), undefined);
        assert.equal(v.steps.length, target);
        assert.ok(v.steps.some((s) => s.kind === 'tool'));
      }
    } finally {
      await sim.close();
    }
  });

  test('tool-JSON completion: one fill per listed pointer; unknown schema names get a valid instance', async () => {
    const sim = await startLlmSimulator();
    try {
      const pointers = ['/description', '/parameters/properties/city/description', '/returns'];
      const schema: JsonSchema = { type: 'object', required: ['fills'], properties: { fills: { type: 'array', items: { type: 'object', required: ['pointer', 'value'], properties: { pointer: { enum: pointers }, value: {} } } } } };
      const v = (await structured(sim, 'tool_completion', schema, [{ role: 'user', content: 'Complete the tool.' }])) as { fills: Array<{ pointer: string; value: unknown }> };
      assert.equal(check(schema, v), undefined);
      assert.deepEqual(v.fills.map((f) => f.pointer), pointers);
      assert.equal(typeof v.fills[1]!.value, 'string');
      assert.equal((v.fills[2]!.value as { type: string }).type, 'object');

      const tricky: JsonSchema = {
        type: 'object',
        $defs: { money: { type: 'object', required: ['amount', 'currency'], properties: { amount: { type: 'number', exclusiveMinimum: 0, maximum: 10 }, currency: { type: 'string', enum: ['EUR', 'USD'] } } } },
        required: ['id', 'when', 'price', 'tags', 'mail', 'code', 'maybe', 'both'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          when: { type: 'string', format: 'date-time' },
          price: { $ref: '#/$defs/money' },
          tags: { type: 'array', items: { type: 'string', minLength: 2, maxLength: 4 }, minItems: 2, maxItems: 3, uniqueItems: true },
          mail: { type: 'string', format: 'email' },
          code: { type: 'string', pattern: '^[A-Z]{3}$' },
          maybe: { anyOf: [{ type: 'null' }, { type: 'integer', minimum: 5, maximum: 6, multipleOf: 2 }] },
          both: { allOf: [{ type: 'object', required: ['a'], properties: { a: { type: 'boolean' } } }, { required: ['b'], properties: { b: { const: 42 } } }] },
        },
        additionalProperties: false,
      };
      for (let i = 0; i < 20; i++) {
        const value = await structured(sim, 'dialogue_judgement_custom', tricky, [{ role: 'user', content: `instance ${i}` }]);
        assert.equal(check(tricky, value), undefined, JSON.stringify(value));
      }
    } finally {
      await sim.close();
    }
  });

  test('a whole dialogue converges: user ↔ assistant ↔ tool following the plan until the user finishes', async () => {
    const sim = await startLlmSimulator({ askRate: 0.5, seed: 7 });
    try {
      const tools = uniqueTools.filter((t) => t.outputSchema).slice(0, 3);
      const plan = (await structured(sim, 'dialogue_plan', planSchema(tools.map((t) => t.name)), [
        { role: 'user', content: `Tools:\n\`\`\`json\n${JSON.stringify(tools.map(openai))}\n\`\`\`\nTarget steps: 3` },
      ])) as { steps: Array<{ kind: string; request: string }> };
      const dialogue: Array<Record<string, unknown>> = [];
      let step = 1;
      let finished = false;
      let toolCalls = 0;
      for (let turn = 0; turn < 20 && !finished; turn++) {
        const transcript = dialogue.map((m) => (m.role === 'user' ? `User: ${String(m.content)}` : m.role === 'assistant' && m.content ? `Assistant: ${String(m.content)}` : m.role === 'tool' ? `Tool result: ${String(m.content)}` : '')).filter(Boolean).join('\n');
        const u = (await structured(sim, 'user_turn', userTurnSchema, [
          { role: 'system', content: ['You play a user.', ...plan.steps.map((s, i) => `Step ${i + 1} [${s.kind}]: ${s.request}`), `Current step: ${step}`].join('\n') },
          { role: 'user', content: dialogue.length === 0 ? 'The conversation has not started yet.' : `Conversation so far:\n${transcript}` },
        ])) as { message: string; stepDone: boolean; finished: boolean };
        assert.equal(check(userTurnSchema, u), undefined);
        if (u.stepDone) step++;
        if (u.finished) {
          finished = true;
          break;
        }
        dialogue.push({ role: 'user', content: u.message });
        for (let hop = 0; hop < 3; hop++) {
          const a = await post(sim, { model: 'm', messages: [{ role: 'system', content: 'You are helpful.' }, ...dialogue], tools: tools.map(openai), parallel_tool_calls: true });
          const msg = a.choices[0]!.message;
          dialogue.push({ role: 'assistant', content: msg.content, ...(msg.tool_calls ? { tool_calls: msg.tool_calls } : {}) });
          if (!msg.tool_calls) break;
          for (const call of msg.tool_calls) {
            toolCalls++;
            const t = tools.find((x) => x.name === call.function.name)!;
            const r = await structured(sim, 'tool_result', toolResultSchema(t.outputSchema), [{ role: 'user', content: `Call: ${t.name}\n${call.function.arguments}\nSimulate error: no` }]);
            dialogue.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(r) });
          }
        }
      }
      assert.ok(finished, `the user never finished: ${JSON.stringify(dialogue).slice(0, 2000)}`);
      assert.equal(step, plan.steps.length + 1, 'every plan step was marked done');
      assert.ok(toolCalls >= plan.steps.filter((s) => s.kind === 'tool').length);
      const last = dialogue[dialogue.length - 1]!;
      assert.equal(last.role, 'assistant');
      assert.ok(!last.tool_calls);
    } finally {
      await sim.close();
    }
  });

  test('deterministic for a seed and the request content', async () => {
    const a = await startLlmSimulator({ seed: 1 });
    const b = await startLlmSimulator({ seed: 1 });
    const c = await startLlmSimulator({ seed: 2 });
    try {
      const req = { model: 'm', messages: [{ role: 'user', content: 'Could you read the file?' }], tools: uniqueTools.slice(0, 6).map(openai) };
      const [ra, rb, rc] = await Promise.all([post(a, req), post(b, req), post(c, req)]);
      assert.deepEqual(ra.choices, rb.choices);
      assert.notDeepEqual(ra.choices, rc.choices);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  test('unknown-tool and bad-arguments faults produce exactly those defects', async () => {
    const sim = await startLlmSimulator({ askRate: 0, faults: [{ fault: 'unknown-tool', requests: [1] }, { fault: 'bad-arguments', requests: [2] }] });
    try {
      const t = uniqueTools.find((x) => (x.inputSchema.required ?? []).length > 0)!;
      const ask = utteranceFor({ index: 1, kind: 'tool', request: toolRequest({ name: t.name, description: t.description ?? '' }) });
      const req = (n: number) => ({ model: 'm', messages: [{ role: 'user', content: `${ask} (${n})` }], tools: [openai(t)] });
      const unknown = (await post(sim, req(1))).choices[0]!.message.tool_calls![0]!;
      assert.notEqual(unknown.function.name, t.name);
      const bad = (await post(sim, req(2))).choices[0]!.message.tool_calls![0]!;
      assert.equal(bad.function.name, t.name);
      assert.notEqual(check(t.inputSchema, JSON.parse(bad.function.arguments)), undefined);
      const good = (await post(sim, req(3))).choices[0]!.message.tool_calls![0]!;
      assert.equal(check(t.inputSchema, JSON.parse(good.function.arguments)), undefined);
      assert.deepEqual(sim.stats.faults, { 'unknown-tool': 1, 'bad-arguments': 1 });
    } finally {
      await sim.close();
    }
  });

  test('GET /v1/models, unknown routes and bad bodies get OpenAI-style errors', async () => {
    const sim = await startLlmSimulator();
    try {
      const models = (await (await fetch(`${sim.url}/models`)).json()) as { data: Array<{ id: string }> };
      assert.equal(models.data[0]!.id, 'toolflow-simulator');
      const notFound = await fetch(`${sim.url}/embeddings`, { method: 'POST' });
      assert.equal(notFound.status, 404);
      const bad = await fetch(`${sim.url}/chat/completions`, { method: 'POST', body: '{"messages": ' });
      assert.equal(bad.status, 400);
      assert.match(((await bad.json()) as { error: { message: string } }).error.message, /not JSON/);
      const empty = await fetch(`${sim.url}/chat/completions`, { method: 'POST', body: '{"messages": []}' });
      assert.equal(empty.status, 400);
    } finally {
      await sim.close();
    }
  });
});

test('rate faults hit about the given share of requests, only for their target, and a repeat of the same request is decided afresh', async () => {
  const sim = await startLlmSimulator({ faults: [{ fault: 'server-error', rate: 0.3, target: 'tool' }] });
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++) {
      const r = await fetch(`${sim.url}/chat/completions`, {
        method: 'POST',
        body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: `Call: f\n{"i": ${i % 50}}\nSimulate error: no` }], response_format: { type: 'json_schema', json_schema: { name: 'tool_result', schema: toolResultSchema() } } }),
      });
      statuses.push(r.status);
      await r.arrayBuffer();
    }
    const failed = statuses.filter((s) => s === 500).length;
    assert.ok(failed >= 35 && failed <= 85, `${failed} of 200 failed at rate 0.3`);
    // 50 distinct contents sent 4 times each: repeats do not all share the first decision.
    const byContent = Array.from({ length: 50 }, (_, c) => [0, 1, 2, 3].map((k) => statuses[c + 50 * k]));
    assert.ok(byContent.some((s) => new Set(s).size > 1));
    const chat = await fetch(`${sim.url}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }) });
    assert.equal(chat.status, 200, 'plain chat is not a target');
  } finally {
    await sim.close();
  }
});

test('hold(): answers wait until released, then every held request is answered', async () => {
  const sim = await startLlmSimulator({ seed: 'hold' });
  try {
    const ask = () =>
      fetch(`${sim.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'toolflow-simulator', messages: [{ role: 'user', content: 'hi' }] }) });
    const release = sim.hold();
    let answered = 0;
    const pending = [ask(), ask()].map((p) => p.then((r) => (answered++, r)));
    // The requests reach the server and stay there while held.
    while (sim.stats.requests < 2) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(answered, 0, 'no answer while held');
    release();
    const statuses = (await Promise.all(pending)).map((r) => r.status);
    assert.deepEqual(statuses, [200, 200]);
    assert.equal((await ask()).status, 200, 'answers flow again after release');
  } finally {
    await sim.close();
  }
});
