/**
 * The tool trace of one of our dialogue records: every tool-calling assistant turn with its calls
 * (arguments parsed) and the results answering them, in call order. Round-trip tests compare this
 * with what each format's parser reads back from an exported sample.
 */
import type { ChatMessage } from '../llm/types';
import type { DialogueTrace, TraceRound } from './types';

/** Parses call arguments; text that is not JSON is kept as the string it is. */
export function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Maps each tool call id of a dialogue to the name of the tool it called. */
export function callNames(messages: readonly ChatMessage[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const m of messages) if (m.role === 'assistant') for (const c of m.tool_calls ?? []) names.set(c.id, c.function.name);
  return names;
}

/** The tool results that answer `calls`, in call order, from the tool messages that follow them. */
export function resultsInCallOrder(calls: readonly { id: string }[], following: readonly ChatMessage[]): Array<Extract<ChatMessage, { role: 'tool' }> | undefined> {
  const byId = new Map<string, Extract<ChatMessage, { role: 'tool' }>>();
  for (const m of following) {
    if (m.role !== 'tool') break;
    if (!byId.has(m.tool_call_id)) byId.set(m.tool_call_id, m);
  }
  return calls.map((c) => byId.get(c.id));
}

export function recordTrace(messages: readonly ChatMessage[]): DialogueTrace {
  const out: DialogueTrace = [];
  messages.forEach((m, i) => {
    if (m.role !== 'assistant' || !m.tool_calls?.length) return;
    const results = resultsInCallOrder(m.tool_calls, messages.slice(i + 1));
    const round: TraceRound = {
      calls: m.tool_calls.map((c) => ({ name: c.function.name, arguments: parseArguments(c.function.arguments) })),
      results: m.tool_calls.flatMap((c, k) => (results[k] ? [{ name: c.function.name, content: results[k].content }] : [])),
    };
    out.push(round);
  });
  return out;
}
