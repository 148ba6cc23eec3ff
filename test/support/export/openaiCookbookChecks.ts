/**
 * OpenAI's published chat fine-tuning format checks, transcribed independently of our validator:
 * the "Format error checks" and token counting of the OpenAI Cookbook notebook "Data preparation and
 * analysis for chat model fine-tuning" (examples/Chat_finetuning_data_prep.ipynb). The notebook
 * predates tool calling; where its lists name the legacy `function` role / `function_call` key, the
 * current fine-tuning guide's equivalents are allowed as well (role `tool`; keys `tool_calls`,
 * `tool_call_id`), and `content` may be null beside `tool_calls` as `function_call` allowed it.
 * Each error is counted by name, exactly as the notebook does.
 */
import { encode } from 'gpt-tokenizer/encoding/o200k_base';

export type FormatErrors = Record<string, number>;

export function cookbookFormatErrors(dataset: unknown[]): FormatErrors {
  const errors: FormatErrors = {};
  const bump = (k: string) => (errors[k] = (errors[k] ?? 0) + 1);
  for (const ex of dataset) {
    if (!ex || typeof ex !== 'object' || Array.isArray(ex)) {
      bump('data_type');
      continue;
    }
    const messages = (ex as { messages?: unknown }).messages;
    if (!Array.isArray(messages) || messages.length === 0) {
      bump('missing_messages_list');
      continue;
    }
    for (const message of messages as Array<Record<string, unknown>>) {
      const toolCalls = message.tool_calls ?? message.function_call;
      if (!('role' in message) || (!('content' in message) && !toolCalls)) bump('message_missing_key');
      if (Object.keys(message).some((k) => !['role', 'content', 'name', 'function_call', 'weight', 'tool_calls', 'tool_call_id'].includes(k))) bump('message_unrecognized_key');
      if (!['system', 'user', 'assistant', 'function', 'tool'].includes(message.role as string)) bump('unrecognized_role');
      const content = message.content;
      if ((!content && !toolCalls) || (typeof content !== 'string' && !(toolCalls && content == null))) bump('missing_content');
    }
    if (!(messages as Array<Record<string, unknown>>).some((m) => m.role === 'assistant')) bump('example_missing_assistant_message');
  }
  return errors;
}

/** The notebook's num_tokens_from_messages (3 per message, 1 per name, 3 for the reply), o200k_base. */
export function cookbookTokens(messages: Array<Record<string, unknown>>): number {
  let n = 0;
  for (const m of messages) {
    n += 3;
    for (const [k, v] of Object.entries(m)) {
      n += encode(typeof v === 'string' ? v : JSON.stringify(v ?? '')).length;
      if (k === 'name') n += 1;
    }
  }
  return n + 3;
}

/** The fine-tuning guide's tool rules the notebook does not check: each call answered once, after it, by id. */
export function toolCallErrors(ex: { messages: Array<Record<string, unknown>>; tools?: Array<{ function: { name: string } }> }): string[] {
  const errs: string[] = [];
  const names = new Set((ex.tools ?? []).map((t) => t.function.name));
  let open = new Set<string>();
  for (const m of ex.messages) {
    if (m.role === 'tool') {
      if (!open.delete(m.tool_call_id as string)) errs.push(`tool message for unknown or answered call ${String(m.tool_call_id)}`);
      continue;
    }
    if (open.size) errs.push(`calls ${[...open].join(', ')} unanswered`);
    open = new Set();
    for (const c of (m.tool_calls ?? []) as Array<{ id: string; type: string; function: { name: string; arguments: unknown } }>) {
      if (c.type !== 'function') errs.push('tool call type is not function');
      if (!names.has(c.function.name)) errs.push(`call to ${c.function.name}, not in tools`);
      if (typeof c.function.arguments !== 'string') errs.push('arguments is not a JSON string');
      else JSON.parse(c.function.arguments);
      open.add(c.id);
    }
  }
  if (open.size) errs.push('calls unanswered at the end');
  return errs;
}
