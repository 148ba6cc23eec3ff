/**
 * Assistant agent (plain chat with `tools`) in the LLM simulator, a test double: picks the tool(s)
 * whose name and description best overlap the latest user message (one per "and also" clause, as
 * parallel calls), fills arguments from the parameter schema, sometimes first asks for a required
 * parameter, summarises tool results in text, and chats when no tool fits.
 */
import type { JsonSchema } from '../../../../src/engine/model/jsonSchema';
import type { SeededRandom } from '../seededRandom';
import { schemaInstance } from '../schemaInstance';
import { textOf, type ChatCompletionBody, type SimMessage, type SimTool, type SimToolCall } from '../requestShape';
import { contentWords, humanize } from './words';
import { DETAILS_LATER } from './userTurnAnswer';
import { ASSISTANT_REPAIR_LEAD } from '../../../../src/engine/pipeline/agents/assistant';

export interface AssistantReply {
  content: string | null;
  toolCalls: SimToolCall[];
}

export type AssistantFault = 'unknown-tool' | 'bad-arguments' | 'wrong-argument-types' | 'non-json-arguments';

export interface AssistantOptions {
  /** Probability of asking for a required parameter before calling (default 0.15). */
  askRate: number;
}

function score(words: Set<string>, tool: SimTool): number {
  let s = 0;
  for (const w of new Set(contentWords(tool.function.name))) if (words.has(w)) s += 3;
  for (const w of new Set(contentWords(tool.function.description ?? ''))) if (words.has(w)) s += 1;
  return s;
}

function bestTool(text: string, tools: SimTool[]): SimTool | undefined {
  const words = new Set(contentWords(text));
  let best: SimTool | undefined;
  let bestScore = 2;
  for (const t of tools) {
    const s = score(words, t);
    if (s > bestScore) {
      best = t;
      bestScore = s;
    }
  }
  return best;
}

function isQuestion(m: SimMessage | undefined): boolean {
  return m?.role === 'assistant' && !m.tool_calls?.length && textOf(m).trim().endsWith('?');
}

function summarise(results: SimMessage[], calls: SimToolCall[]): string {
  const parts: string[] = [];
  for (const r of results) {
    const name = calls.find((c) => c.id === r.tool_call_id)?.function.name ?? 'the tool';
    let value: unknown;
    try {
      value = JSON.parse(textOf(r));
    } catch {
      parts.push(`${humanize(name)} returned: ${textOf(r).slice(0, 80)}`);
      continue;
    }
    const v = value as { ok?: unknown; error?: unknown; result?: unknown };
    if (v && typeof v === 'object' && (v.ok === false || typeof v.error === 'string')) {
      parts.push(`${humanize(name)} did not work (${typeof v.error === 'string' ? v.error : 'an error'})`);
      continue;
    }
    const payload = v && typeof v === 'object' && 'result' in v ? v.result : value;
    const facts = leafFacts(payload, '', []).slice(0, 4);
    parts.push(`${humanize(name)} gave ${facts.length > 0 ? facts.join(', ') : 'an empty result'}`);
  }
  return `Here is what I found: ${parts.join('; ')}.`;
}

function leafFacts(v: unknown, path: string, out: string[]): string[] {
  if (out.length >= 4) return out;
  if (Array.isArray(v)) {
    if (v.length > 0) leafFacts(v[0], path, out);
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) leafFacts(x, path ? `${path} ${k}` : k, out);
  } else if (v !== undefined) {
    out.push(`${path ? humanize(path) : 'value'} ${JSON.stringify(v)}`);
  }
  return out;
}

function breakArguments(params: JsonSchema, args: Record<string, unknown>): string {
  const required = Array.isArray(params.required) ? params.required : [];
  if (required.length > 0) {
    const copy = { ...args };
    delete copy[required[0]!];
    return JSON.stringify(copy);
  }
  const first = Object.entries(params.properties ?? {})[0];
  if (first) return JSON.stringify({ ...args, [first[0]]: first[1].type === 'object' ? 'not-an-object' : { wrong: 'type' } });
  return '{"unterminated": ';
}

/** The first parameter given a value of another JSON type: a number for a string, a string otherwise. */
function wrongTypes(params: JsonSchema, args: Record<string, unknown>): string {
  const first = Object.entries(params.properties ?? {})[0];
  if (!first) return JSON.stringify({ ...args, unexpected: 1 });
  const [name, schema] = first;
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  return JSON.stringify({ ...args, [name]: type === 'string' ? 12345 : 'twelve' });
}

function callId(rng: SeededRandom): string {
  let s = 'call_';
  for (let i = 0; i < 12; i++) s += 'abcdefghijklmnopqrstuvwxyz0123456789'[rng.int(0, 35)];
  return s;
}

export function assistantAnswer(body: ChatCompletionBody, rng: SeededRandom, options: AssistantOptions, fault?: AssistantFault): AssistantReply {
  // After the pipeline's feedback on a discarded reply: answer the conversation before it afresh.
  const lastText = textOf(body.messages[body.messages.length - 1]);
  const msgs = body.messages[body.messages.length - 1]?.role === 'user' && lastText.startsWith(ASSISTANT_REPAIR_LEAD) ? body.messages.slice(0, -1) : body.messages;
  const tools = body.tools ?? [];
  const last = msgs[msgs.length - 1];
  if (last?.role === 'tool') {
    let i = msgs.length - 1;
    while (i > 0 && msgs[i - 1]!.role === 'tool') i--;
    const results = msgs.slice(i);
    const calls = msgs[i - 1]?.tool_calls ?? [];
    return { content: summarise(results, calls), toolCalls: [] };
  }
  const userIdx = msgs.map((m) => m.role).lastIndexOf('user');
  const userText = textOf(msgs[userIdx]);
  const askedBefore = isQuestion(msgs[userIdx - 1]);
  if (body.tool_choice === 'none') return { content: chitchat(userText, rng), toolCalls: [] };

  // A reply to our question: match the request that came before the question.
  let requestText = userText;
  if (askedBefore && !bestTool(userText, tools)) {
    const earlier = msgs.slice(0, userIdx - 1).map((m) => m.role).lastIndexOf('user');
    if (earlier >= 0) requestText = `${textOf(msgs[earlier])} ${userText}`;
  }
  const chosen: SimTool[] = [];
  for (const clause of requestText.split(/\band also\b/i)) {
    const t = bestTool(clause, tools);
    if (t && !chosen.includes(t)) chosen.push(t);
  }
  if (chosen.length === 0 && (body.tool_choice === 'required' || (typeof body.tool_choice === 'object' && body.tool_choice !== null)) && tools[0]) chosen.push(tools[0]);
  if (chosen.length === 0) return { content: /^could you\b/i.test(userText.trim()) ? decline(userText) : chitchat(userText, rng), toolCalls: [] };
  if (body.parallel_tool_calls === false) chosen.splice(1);

  const first = chosen[0]!;
  const firstRequired = Array.isArray(first.function.parameters?.required) ? first.function.parameters.required : [];
  if (!askedBefore && !fault && firstRequired.length > 0 && (userText.includes(DETAILS_LATER) || rng.chance(options.askRate))) {
    return { content: `Could you tell me the ${humanize(firstRequired[0]!)} for ${humanize(first.function.name)}?`, toolCalls: [] };
  }
  const toolCalls = chosen.map((tool, i): SimToolCall => {
    const params: JsonSchema = tool.function.parameters ?? { type: 'object', properties: {} };
    const args = schemaInstance(params, rng, { optionalRate: 0.3 }) as Record<string, unknown>;
    let name = tool.function.name;
    let argText = JSON.stringify(args);
    if (i === 0 && fault === 'unknown-tool') name = `${name}_nonexistent`;
    if (i === 0 && fault === 'bad-arguments') argText = breakArguments(params, args);
    if (i === 0 && fault === 'wrong-argument-types') argText = wrongTypes(params, args);
    if (i === 0 && fault === 'non-json-arguments') argText = `${argText.slice(0, Math.max(1, Math.floor(argText.length / 2)))}`;
    return { id: callId(rng), type: 'function', function: { name, arguments: argText } };
  });
  return { content: null, toolCalls };
}

/** A request no tool fits: say so, as a statement (a question would make the simulated user supply a value). */
function decline(userText: string): string {
  const topic = contentWords(userText).slice(0, 4).join(' ');
  return `I am sorry, none of my tools can help with ${topic || 'that'}. From general knowledge I can only offer a few suggestions.`;
}

function chitchat(userText: string, rng: SeededRandom): string {
  const topic = contentWords(userText).slice(0, 3).join(' ');
  return rng.pick([
    // Statements, never questions: a question would make the simulated user supply a value.
    `That sounds nice! ${topic ? `Tell me more about ${topic}.` : 'I am here if you need anything.'}`,
    `Happy to chat. ${topic ? `I like talking about ${topic}.` : ''} Let me know if I can look anything up for you.`,
    'Thanks for sharing! Let me know if there is anything else I can do.',
  ]).replace(/\s+/g, ' ').trim();
}
