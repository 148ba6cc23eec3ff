/**
 * What each agent is given, end to end: one dialogue through `generateDialogue` against the LLM
 * simulator (a test double) over real HTTP, with every request recorded on its way out. Each agent
 * gets what it needs and nothing it should not see (docs/agents.md says why):
 * - the user agent (a person) sees the plan, its current step and the visible conversation, never call
 *   arguments or raw tool results;
 * - the tool simulator sees the called tool (with its `returns` schema), the call and the earlier
 *   results it must agree with, never the other offered tools or the chat;
 * - the planner sees one line per tool (id, spoken name, description, parameter names), no schemas;
 * - the assistant sees every offered tool with its full schema (that is the training data).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startLlmSimulator, type LlmSimulator } from '../../support/llm-simulator/server';
import { clientFor } from '../../support/pipeline/harness';
import { flightTool, weatherTool } from '../../support/pipeline/builders';
import type { ChatMessage, ChatModel, ChatRequest, StructuredRequest } from '../../../src/engine/llm/types';
import type { JsonSchema } from '../../../src/engine/model/jsonSchema';
import { generateDialogue } from '../../../src/engine/pipeline/dialogue';
import { TokenMeter } from '../../../src/engine/pipeline/meteredModel';
import { DEFAULT_OPTIONS } from '../../../src/engine/pipeline/runner';
import type { DialogueRecord, RunGenerationOptions } from '../../../src/engine/pipeline/types';

interface Seen {
  role: string;
  messages: ChatMessage[];
  tools: string[];
  schema?: JsonSchema;
}

let sim: LlmSimulator;
let seen: Seen[] = [];
let record: DialogueRecord;

before(async () => {
  sim = await startLlmSimulator({ seed: 'agent-views', askRate: 0 });
  const inner = clientFor(sim);
  const recording: ChatModel = {
    chat: (req: ChatRequest) => {
      seen.push({ role: req.role, messages: req.messages, tools: (req.tools ?? []).map((t) => JSON.stringify(t)) });
      return inner.chat(req);
    },
    structured: <T>(req: StructuredRequest<T>) => {
      seen.push({ role: req.role, messages: req.messages, tools: [], schema: req.schema });
      return inner.structured(req);
    },
  };
  // Three steps over two tools: at least two tool calls, so a later tool request has earlier results.
  const options: RunGenerationOptions = { ...DEFAULT_OPTIONS, count: 1, sampling: 'random', planSteps: { min: 3, max: 3 }, toolErrorRate: 0, irrelevanceRate: 0 };
  seen = [];
  record = await generateDialogue({ index: 0, seed: 11, tools: [weatherTool, flightTool], model: recording, meter: new TokenMeter(undefined), options, signal: new AbortController().signal, emit: () => {} });
});
after(async () => {
  await sim.close();
});

const textOf = (s: Seen) => s.messages.map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n');
const of = (role: string) => seen.filter((s) => s.role === role);
const toolMessages = () => record.messages.filter((m): m is Extract<ChatMessage, { role: 'tool' }> => m.role === 'tool');
const calls = () => record.messages.flatMap((m) => (m.role === 'assistant' ? (m.tool_calls ?? []) : []));

describe('what each agent sees', () => {
  test('the dialogue is accepted and has at least two tool results (the premise of the checks below)', () => {
    assert.equal(record.status, 'accepted', JSON.stringify(record.reasons));
    assert.ok(toolMessages().length >= 2, JSON.stringify(record.messages));
  });

  test('the user agent sees the plan, its current step and the assistant\'s words, but no call arguments or tool results', () => {
    const users = of('user');
    assert.ok(users.length >= 3);
    for (const u of users) {
      const text = textOf(u);
      assert.match(text, /^Step 1 \[(tool|chitchat)\]: /m, 'the plan');
      assert.match(text, /^Current step: \d+$/m, 'the current step');
      for (const t of toolMessages()) assert.ok(!text.includes(t.content), `a tool result reached the user agent: ${t.content}`);
      for (const c of calls()) if (c.function.arguments.length > 2) assert.ok(!text.includes(c.function.arguments), `call arguments reached the user agent: ${c.function.arguments}`);
      assert.ok(!text.includes('"tool_call_id"') && !text.includes('get_weather') && !text.includes('search_flights'), 'no ids or message JSON');
    }
    // The last user request saw everything the assistant said before it.
    const last = textOf(users[users.length - 1]!);
    for (const m of record.messages) if (m.role === 'assistant' && m.content) assert.ok(last.includes(`Assistant: ${m.content}`), `the user agent did not see: ${m.content}`);
    assert.ok(last.includes('(Assistant used '), 'it sees that the assistant used a tool');
  });

  test('the tool simulator sees the called tool with its returns schema, and the earlier results, but not the other tools or the chat', () => {
    const sims = of('tool');
    assert.equal(sims.length, toolMessages().length);
    sims.forEach((s, k) => {
      const text = textOf(s);
      const name = /^Call: (\S+)$/m.exec(text)?.[1];
      const called = name === 'get_weather' ? weatherTool : name === 'search_flights' ? flightTool : undefined;
      assert.ok(called, text);
      const other = called === weatherTool ? flightTool : weatherTool;
      assert.ok(text.includes(`"returns":${JSON.stringify(called.returns)}`), 'the returns schema in the prompt');
      assert.deepEqual(s.schema?.properties?.result, called.returns, 'and as the result schema of the structured request');
      assert.ok(!text.includes(other.description) && !text.includes(JSON.stringify(other.parameters)), 'another offered tool reached the tool simulator');
      for (const m of record.messages) if (m.role === 'user') assert.ok(!text.includes(m.content), `user chat reached the tool simulator: ${m.content}`);
      // Every earlier result of the dialogue (they are short here) is there to stay consistent with.
      for (const t of toolMessages().slice(0, k)) assert.ok(text.includes(`-> ${t.content}`), `earlier result missing from tool request ${k}: ${t.content}`);
    });
  });

  test('the planner sees each tool as one line, with no parameter or return schemas', () => {
    const [planner] = of('planner');
    const text = textOf(planner!);
    assert.match(text, /^- get_weather \("get weather"\): .* Parameters: city\*, unit$/m);
    assert.match(text, /^- search_flights \("search flights"\): .* Parameters: origin\*, destination\*, date\*$/m);
    assert.doesNotMatch(text, /departure city|temperature unit|sky condition|"type"/);
  });

  test('the assistant gets every offered tool with its full schema', () => {
    for (const a of of('assistant')) {
      assert.deepEqual(a.tools, record.tools.map((t) => JSON.stringify(t)));
      assert.ok(a.tools.some((t) => t.includes('departure city')));
    }
  });
});
