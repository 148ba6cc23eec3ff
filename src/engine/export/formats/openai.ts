/**
 * OpenAI chat fine-tuning JSONL: `{"messages", "tools", "parallel_tool_calls"}` per line.
 * Assistant turns keep their text and their calls together (`content` + `tool_calls`); `arguments`
 * is a JSON string; each result is a `tool` message with `tool_call_id` (and the tool's `name`),
 * after the assistant turn that made the call. Provenance goes to the side file, never into the line.
 */
import type { DialogueRecord } from '../../pipeline/types';
import { parseArguments, resultsInCallOrder } from '../trace';
import type { DialogueTrace } from '../types';
import { validateOpenAISample } from '../validators/openai';
import type { ConvertOptions, Converted, FormatModule } from './format';
import { chatMessages } from './messages';
import type { ChatMessage } from '../../llm/types';

export function toOpenAISample(record: DialogueRecord, options: ConvertOptions): Converted {
  const messages = chatMessages(record, 'string', options.system);
  return {
    sample: {
      messages,
      tools: (record.tools ?? []).map((t) => ({ type: 'function', function: { name: t.function.name, description: t.function.description ?? '', parameters: t.function.parameters } })),
      // The dialogues were generated with parallel calls allowed; the field says so to the trainer.
      parallel_tool_calls: true,
    },
    notes: [],
  };
}

type LooseMessage = { role?: unknown; content?: unknown; tool_calls?: unknown; tool_call_id?: unknown };

/** Trace of a sample whose messages are OpenAI-shaped (OpenAI and Hugging Face exports). */
export function chatTrace(sample: unknown): DialogueTrace {
  const messages = (sample as { messages?: LooseMessage[] }).messages;
  if (!Array.isArray(messages)) throw new Error('no messages list');
  const trace: DialogueTrace = [];
  messages.forEach((m, i) => {
    if (m.role !== 'assistant' || !Array.isArray(m.tool_calls) || m.tool_calls.length === 0) return;
    const calls = m.tool_calls as Array<{ id: string; function: { name: string; arguments: unknown } }>;
    const results = resultsInCallOrder(calls, messages.slice(i + 1) as ChatMessage[]);
    trace.push({
      calls: calls.map((c) => ({ name: c.function.name, arguments: typeof c.function.arguments === 'string' ? parseArguments(c.function.arguments) : c.function.arguments })),
      results: calls.flatMap((c, k) => (results[k] ? [{ name: c.function.name, content: results[k].content }] : [])),
    });
  });
  return trace;
}

export const openaiFormat: FormatModule = {
  id: 'openai',
  label: 'OpenAI fine-tuning (chat JSONL)',
  convert: toOpenAISample,
  parseTrace: chatTrace,
  validate: validateOpenAISample,
  tokenParts: (sample) => ({ messages: ((sample as { messages?: unknown[] }).messages ?? []) as Array<Record<string, unknown>>, tools: (sample as { tools?: unknown }).tools }),
};
