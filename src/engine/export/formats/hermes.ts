/**
 * Hermes function calling (NousResearch hermes-function-calling style, what vLLM's `hermes` tool
 * parser reads): `{"conversations": [{"from": "system" | "human" | "gpt" | "tool", "value"}]}`.
 * The system turn lists the tools inside `<tools></tools>`; an assistant turn is its text followed by
 * one `<tool_call>{"name", "arguments"}</tool_call>` block per call (parallel calls = several blocks,
 * text kept); the results are one `tool` turn with one `<tool_response>{"name", "content"}</tool_response>`
 * block per call, in call order (`content` is the tool's result text).
 */
import type { DialogueRecord } from '../../pipeline/types';
import { resultsInCallOrder } from '../trace';
import type { DialogueTrace } from '../types';
import { validateHermesSample } from '../validators/hermes';
import { blocks } from './tagBlocks';
import type { ConvertOptions, Converted, FormatModule } from './format';
import { chatMessages } from './messages';
import type { ChatMessage } from '../../llm/types';

export interface HermesTurn {
  from: 'system' | 'human' | 'gpt' | 'tool';
  value: string;
}

export function hermesToolsPrompt(tools: unknown[]): string {
  return [
    'You are a function calling AI model. You are provided with function signatures within <tools></tools> XML tags.',
    'You may call one or more functions to assist with the user query. Don\'t make assumptions about what values to plug into functions.',
    `Here are the available tools: <tools> ${JSON.stringify(tools)} </tools>`,
    'For each function call return a json object with function name and arguments within <tool_call></tool_call> XML tags as follows:',
    '<tool_call>',
    '{"name": <function-name>, "arguments": <args-dict>}',
    '</tool_call>',
  ].join('\n');
}

export function toHermesSample(record: DialogueRecord, options: ConvertOptions): Converted {
  const messages = chatMessages(record, 'object', false);
  const tools = (record.tools ?? []).map((t) => ({ type: 'function', function: { name: t.function.name, description: t.function.description ?? '', parameters: t.function.parameters } }));
  const system = [options.system && record.system?.trim() ? record.system.trim() : '', hermesToolsPrompt(tools)].filter(Boolean).join('\n\n');
  const conversations: HermesTurn[] = [{ from: 'system', value: system }];
  messages.forEach((m, i) => {
    if (m.role === 'user') conversations.push({ from: 'human', value: m.content });
    else if (m.role === 'assistant') {
      const calls = m.tool_calls ?? [];
      const parts = m.content ? [m.content] : [];
      for (const c of calls) parts.push(`<tool_call>\n${JSON.stringify({ name: c.function.name, arguments: c.function.arguments })}\n</tool_call>`);
      conversations.push({ from: 'gpt', value: parts.join('\n') });
      if (calls.length) {
        const results = resultsInCallOrder(calls, messages.slice(i + 1) as ChatMessage[]);
        const responses = calls.flatMap((c, k) => (results[k] ? [`<tool_response>\n${JSON.stringify({ name: c.function.name, content: results[k].content })}\n</tool_response>`] : []));
        if (responses.length) conversations.push({ from: 'tool', value: responses.join('\n') });
      }
    }
  });
  return { sample: { conversations }, notes: [] };
}

export function hermesTrace(sample: unknown): DialogueTrace {
  const conv = (sample as { conversations?: HermesTurn[] }).conversations;
  if (!Array.isArray(conv)) throw new Error('no conversations list');
  const trace: DialogueTrace = [];
  conv.forEach((t, i) => {
    if (t.from !== 'gpt') return;
    const calls = blocks(t.value, 'tool_call').map((b) => JSON.parse(b) as { name: string; arguments: unknown });
    if (!calls.length) return;
    const next = conv[i + 1];
    const results = next?.from === 'tool' ? blocks(next.value, 'tool_response').map((b) => JSON.parse(b) as { name: string; content: string }) : [];
    trace.push({ calls: calls.map((c) => ({ name: c.name, arguments: c.arguments })), results: results.map((r) => ({ name: r.name, content: r.content })) });
  });
  return trace;
}

export const hermesFormat: FormatModule = {
  id: 'hermes',
  label: 'Hermes function calling (<tool_call> / <tool_response>)',
  convert: toHermesSample,
  parseTrace: hermesTrace,
  validate: validateHermesSample,
  tokenParts: (sample) => ({ messages: ((sample as { conversations?: HermesTurn[] }).conversations ?? []).map((t) => ({ role: t.from, content: t.value })) }),
};
