/**
 * LLaMA-Factory ShareGPT JSONL: `{"conversations": [{"from", "value"}], "system", "tools"}`.
 * `human` and `observation` stand at odd positions (1st, 3rd, ...), `gpt` and `function_call` at
 * even ones. A call turn is a `function_call` whose value is the JSON string of `{name, arguments}`,
 * or of a list of them for parallel calls; its results are ONE `observation` turn: the result text
 * for one call, the JSON string of the list of result texts (call order) for parallel calls.
 *
 * What this format cannot hold: text beside calls in one assistant turn. LLaMA-Factory parses a
 * `function_call` value as JSON, and a separate `gpt` turn would break the alternation, so that text
 * is dropped; each drop is counted and reported by the export.
 */
import type { DialogueRecord } from '../../pipeline/types';
import { resultsInCallOrder } from '../trace';
import type { DialogueTrace } from '../types';
import { validateShareGptSample } from '../validators/sharegpt';
import type { ConvertOptions, Converted, FormatModule } from './format';
import { chatMessages, functionDefs } from './messages';
import type { ChatMessage } from '../../llm/types';

export interface ShareGptTurn {
  from: 'human' | 'gpt' | 'function_call' | 'observation';
  value: string;
}

export const TEXT_DROPPED_NOTE = 'text beside tool calls dropped (ShareGPT function_call turns hold calls only)';

export function toShareGptSample(record: DialogueRecord, options: ConvertOptions): Converted {
  const messages = chatMessages(record, 'object', false);
  const conversations: ShareGptTurn[] = [];
  const notes: string[] = [];
  messages.forEach((m, i) => {
    if (m.role === 'user') conversations.push({ from: 'human', value: m.content });
    else if (m.role === 'assistant') {
      const calls = m.tool_calls ?? [];
      if (calls.length === 0) {
        conversations.push({ from: 'gpt', value: m.content ?? '' });
        return;
      }
      if (m.content && m.content.trim()) notes.push(TEXT_DROPPED_NOTE);
      const items = calls.map((c) => ({ name: c.function.name, arguments: c.function.arguments }));
      conversations.push({ from: 'function_call', value: JSON.stringify(items.length === 1 ? items[0] : items) });
      const results = resultsInCallOrder(calls, messages.slice(i + 1) as ChatMessage[]);
      if (results.some((r) => r)) {
        const texts = results.map((r) => r?.content ?? '');
        conversations.push({ from: 'observation', value: texts.length === 1 ? texts[0]! : JSON.stringify(texts) });
      }
    }
    // tool messages are consumed with the call turn above; system prompts go to `system`.
  });
  const sample: Record<string, unknown> = { conversations };
  if (options.system && record.system?.trim()) sample.system = record.system;
  sample.tools = JSON.stringify(functionDefs(record));
  return { sample, notes };
}

export function shareGptTrace(sample: unknown): DialogueTrace {
  const conv = (sample as { conversations?: ShareGptTurn[] }).conversations;
  if (!Array.isArray(conv)) throw new Error('no conversations list');
  const trace: DialogueTrace = [];
  conv.forEach((t, i) => {
    if (t.from !== 'function_call') return;
    const parsed = JSON.parse(t.value) as unknown;
    const calls = (Array.isArray(parsed) ? parsed : [parsed]) as Array<{ name: string; arguments: unknown }>;
    const next = conv[i + 1];
    let contents: string[] = [];
    if (next?.from === 'observation') contents = calls.length === 1 ? [next.value] : (JSON.parse(next.value) as string[]);
    trace.push({ calls: calls.map((c) => ({ name: c.name, arguments: c.arguments })), results: contents.map((content, k) => ({ name: calls[k]?.name ?? '', content })) });
  });
  return trace;
}

export const shareGptFormat: FormatModule = {
  id: 'sharegpt',
  label: 'LLaMA-Factory ShareGPT (function_call / observation)',
  convert: toShareGptSample,
  parseTrace: shareGptTrace,
  validate: validateShareGptSample,
  tokenParts: (sample) => {
    const s = sample as { conversations?: ShareGptTurn[]; system?: string; tools?: string };
    const messages: Array<Record<string, unknown>> = (s.conversations ?? []).map((t) => ({ role: t.from, content: t.value }));
    if (s.system) messages.unshift({ role: 'system', content: s.system });
    return { messages, tools: s.tools };
  },
};
