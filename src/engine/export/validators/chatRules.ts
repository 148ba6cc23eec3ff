/**
 * Rules shared by the two OpenAI-shaped formats (OpenAI fine-tuning and Hugging Face chat
 * templates): message list, roles, content, tool calls and the results that answer them.
 * The rule ids of OpenAI's cookbook checks ("Data preparation and analysis for chat model
 * fine-tuning") are kept: data_type, missing_messages_list, message_missing_key,
 * message_unrecognized_key, unrecognized_role, missing_content, example_missing_assistant_message.
 */
import type { SampleViolation } from '../types';
import { FUNCTION_NAME, Findings, checkToolList, isObject, tryJson } from './common';

export interface ChatRuleOptions {
  /** OpenAI: a JSON string holding an object; Hugging Face: an object. */
  argumentsAs: 'string' | 'object';
  /** Keys allowed per role besides `role`. */
  allowedKeys: Record<string, readonly string[]>;
  /** Top-level keys allowed besides `messages`. */
  topKeys: readonly string[];
  /** Tool messages must carry the tool's `name` (several HF templates read it). */
  toolNameRequired: boolean;
}

export function validateChatSample(sample: unknown, o: ChatRuleOptions): SampleViolation[] {
  const f = new Findings();
  if (!isObject(sample)) {
    f.add('data_type', 'each line must be a JSON object');
    return f.list;
  }
  for (const k of Object.keys(sample)) {
    if (k === 'messages' || o.topKeys.includes(k)) continue;
    if (k === 'functions') f.add('deprecated_functions', '"functions" is deprecated: use "tools"', '/functions');
    else f.add('example_unrecognized_key', `unrecognized key "${k}"`, `/${k}`);
  }
  const messages = sample.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    f.add('missing_messages_list', 'a non-empty "messages" list is required', '/messages');
    return f.list;
  }
  const toolNames = checkToolList(sample.tools, f);
  if ('parallel_tool_calls' in sample && typeof sample.parallel_tool_calls !== 'boolean') f.add('parallel_tool_calls_type', 'parallel_tool_calls must be true or false', '/parallel_tool_calls');
  const parallelAllowed = sample.parallel_tool_calls !== false;

  /** Calls waiting for their result: id → where they were made. */
  const open = new Map<string, string>();
  const seenIds = new Set<string>();
  let assistantSeen = false;
  const closeOpen = (before: string) => {
    for (const [id, p] of open) f.add('tool_call_unanswered', `tool call "${id}" has no tool message answering it before ${before}`, p);
    open.clear();
  };

  messages.forEach((m, i) => {
    const p = `/messages/${i}`;
    if (!isObject(m)) {
      f.add('message_missing_key', 'each message must be an object with "role" and "content"', p);
      return;
    }
    const role = m.role;
    if (typeof role !== 'string') f.add('message_missing_key', 'message has no "role"', `${p}/role`);
    else if (role === 'function') f.add('unrecognized_role', 'role "function" is deprecated: use "tool" messages with tool_call_id', `${p}/role`);
    else if (!(role in o.allowedKeys)) f.add('unrecognized_role', `unrecognized role "${role}" (system, user, assistant, tool)`, `${p}/role`);
    if (role === 'system' && i !== 0) f.add('system_not_first', 'a system message may only come first', p);
    const allowed = typeof role === 'string' ? (o.allowedKeys[role] ?? []) : [];
    for (const k of Object.keys(m)) {
      if (k === 'role' || allowed.includes(k)) continue;
      if (k === 'function_call') f.add('deprecated_function_call', '"function_call" is deprecated: use "tool_calls"', `${p}/function_call`);
      else f.add('message_unrecognized_key', `unrecognized key "${k}" on a ${String(role)} message`, `${p}/${k}`);
    }
    const calls = role === 'assistant' ? m.tool_calls : undefined;
    const hasCalls = Array.isArray(calls) && calls.length > 0;
    if (!('content' in m) && !hasCalls) f.add('message_missing_key', 'message has no "content"', `${p}/content`);
    const content = m.content;
    if (hasCalls) {
      if (content !== undefined && content !== null && typeof content !== 'string') f.add('missing_content', 'content beside tool_calls must be a string or null', `${p}/content`);
    } else if ('content' in m && (typeof content !== 'string' || content === '')) {
      f.add('missing_content', 'content must be a non-empty string', `${p}/content`);
    }
    if ('weight' in m && m.weight !== 0 && m.weight !== 1) f.add('weight_invalid', 'weight must be 0 or 1', `${p}/weight`);

    if (role === 'user' || role === 'system') closeOpen(`message ${i}`);
    if (role === 'assistant') {
      closeOpen(`message ${i}`);
      assistantSeen = true;
      if (calls !== undefined && !hasCalls) f.add('tool_calls_invalid', 'tool_calls must be a non-empty list (leave it out when there are none)', `${p}/tool_calls`);
      if (hasCalls) {
        if (!parallelAllowed && calls.length > 1) f.add('parallel_calls_disallowed', `${calls.length} calls in one turn while parallel_tool_calls is false`, `${p}/tool_calls`);
        (calls as unknown[]).forEach((c, k) => {
          const cp = `${p}/tool_calls/${k}`;
          if (!isObject(c) || !isObject(c.function)) {
            f.add('tool_calls_invalid', 'each tool call must be {"id", "type": "function", "function": {"name", "arguments"}}', cp);
            return;
          }
          if (typeof c.id !== 'string' || c.id === '') f.add('tool_call_id_missing', 'tool call has no "id"', `${cp}/id`);
          else if (seenIds.has(c.id)) f.add('duplicate_tool_call_id', `tool call id "${c.id}" is used twice`, `${cp}/id`);
          else {
            seenIds.add(c.id);
            open.set(c.id, cp);
          }
          if (c.type !== 'function') f.add('tool_calls_invalid', 'tool call "type" must be "function"', `${cp}/type`);
          const fn = c.function;
          if (typeof fn.name !== 'string' || !FUNCTION_NAME.test(fn.name)) f.add('tool_calls_invalid', `function name must match ${FUNCTION_NAME.source}`, `${cp}/function/name`);
          else if (toolNames && !toolNames.has(fn.name)) f.add('tool_name_unknown', `"${fn.name}" is not one of this sample's tools`, `${cp}/function/name`);
          checkArguments(fn.arguments, o.argumentsAs, f, `${cp}/function/arguments`);
        });
      }
    }
    if (role === 'tool') {
      const id = m.tool_call_id;
      if (typeof id !== 'string' || id === '') f.add('tool_call_id_missing', 'tool message has no "tool_call_id"', `${p}/tool_call_id`);
      else if (!open.has(id)) f.add('tool_result_orphan', `tool message answers "${id}", which no open tool call has`, `${p}/tool_call_id`);
      else open.delete(id);
      if (o.toolNameRequired && (typeof m.name !== 'string' || m.name === '')) f.add('tool_message_name', 'tool message has no "name" of the tool (chat templates such as Hermes require it)', `${p}/name`);
      else if (typeof m.name === 'string' && typeof id === 'string') {
        const called = findCallName(messages, i, id);
        if (called !== undefined && called !== m.name) f.add('tool_message_name', `tool message name "${m.name}" but call "${id}" called "${called}"`, `${p}/name`);
      }
    }
  });
  closeOpen('the end of the conversation');
  if (!assistantSeen) f.add('example_missing_assistant_message', 'the conversation has no assistant message to learn from', '/messages');
  return f.list;
}

function findCallName(messages: unknown[], before: number, id: string): string | undefined {
  for (let i = before - 1; i >= 0; i--) {
    const m = messages[i];
    if (isObject(m) && Array.isArray(m.tool_calls)) {
      for (const c of m.tool_calls as unknown[]) if (isObject(c) && c.id === id && isObject(c.function) && typeof c.function.name === 'string') return c.function.name;
    }
  }
  return undefined;
}

function checkArguments(args: unknown, as: 'string' | 'object', f: Findings, p: string): void {
  if (as === 'string') {
    if (typeof args !== 'string') {
      f.add('arguments_not_json_string', 'arguments must be a JSON string (e.g. "{\\"city\\": \\"Paris\\"}")', p);
      return;
    }
    const parsed = tryJson(args);
    if (!parsed || !isObject(parsed.value)) f.add('arguments_not_json_string', 'arguments must be the JSON text of an object', p);
  } else if (!isObject(args)) {
    f.add('arguments_not_object', typeof args === 'string' ? 'arguments must be an object, not a JSON string (chat templates tojson it)' : 'arguments must be an object', p);
  }
}
