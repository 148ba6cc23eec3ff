/**
 * Hugging Face chat-template JSONL (and Parquet): `{"messages", "tools"}` per line, as
 * `tokenizer.apply_chat_template(messages, tools=tools)` and TRL's SFTTrainer read them.
 * Assistant turns keep text and calls together; `arguments` is an object (templates `tojson` it);
 * tool messages carry `name` and `tool_call_id` (several templates need the name).
 */
import type { DialogueRecord } from '../../pipeline/types';
import { validateHfSample } from '../validators/hf';
import type { ConvertOptions, Converted, FormatModule } from './format';
import { chatMessages } from './messages';
import { chatTrace } from './openai';

export function toHfSample(record: DialogueRecord, options: ConvertOptions): Converted {
  return {
    sample: {
      messages: chatMessages(record, 'object', options.system),
      tools: (record.tools ?? []).map((t) => ({ type: 'function', function: { name: t.function.name, description: t.function.description ?? '', parameters: t.function.parameters } })),
    },
    notes: [],
  };
}

export const hfFormat: FormatModule = {
  id: 'hf',
  label: 'Hugging Face chat template (messages + tools)',
  convert: toHfSample,
  parseTrace: chatTrace,
  validate: validateHfSample,
  tokenParts: (sample) => ({ messages: ((sample as { messages?: unknown[] }).messages ?? []) as Array<Record<string, unknown>>, tools: (sample as { tools?: unknown }).tools }),
};
