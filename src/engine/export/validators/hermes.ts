/**
 * Hermes function-calling rules: a first `system` turn with a JSON tool list inside
 * `<tools></tools>`; then human/gpt/tool turns; each `<tool_call>` block the JSON of `{name,
 * arguments}` with an object as arguments and a known tool; a `tool` turn right after a gpt turn
 * with calls, holding one `<tool_response>` block `{name, content}` per call, in call order.
 */
import type { SampleViolation } from '../types';
import { blocks } from '../formats/tagBlocks';
import { FUNCTION_NAME, Findings, isObject, tryJson } from './common';

export function validateHermesSample(sample: unknown): SampleViolation[] {
  const f = new Findings();
  if (!isObject(sample)) {
    f.add('data_type', 'each line must be a JSON object');
    return f.list;
  }
  const conv = sample.conversations;
  if (!Array.isArray(conv) || conv.length === 0) {
    f.add('missing_conversations', 'a non-empty "conversations" list is required', '/conversations');
    return f.list;
  }
  const toolNames = new Set<string>();
  const first = conv[0] as { from?: unknown; value?: unknown };
  if (first?.from !== 'system' || typeof first.value !== 'string') f.add('system_tools', 'the first turn must be the system turn listing the tools inside <tools></tools>', '/conversations/0');
  else {
    const lists = blocks(first.value, 'tools').filter((b) => b.trim() !== ''); // the prompt's own "within <tools></tools>" is empty
    const parsed = lists.length === 1 ? tryJson(lists[0]!) : undefined;
    if (!parsed || !Array.isArray(parsed.value)) f.add('system_tools', 'the system turn must hold exactly one <tools>[...]</tools> JSON list', '/conversations/0/value');
    else for (const t of parsed.value) {
      const fn = isObject(t) && isObject(t.function) ? t.function : t;
      if (isObject(fn) && typeof fn.name === 'string') toolNames.add(fn.name);
    }
  }
  let pending: string[] = [];
  let gptSeen = false;
  conv.forEach((t, i) => {
    const p = `/conversations/${i}`;
    if (!isObject(t) || typeof t.from !== 'string' || typeof t.value !== 'string') {
      f.add('turn_invalid', 'each turn must be {"from": string, "value": string}', p);
      return;
    }
    if (!['system', 'human', 'gpt', 'tool'].includes(t.from)) f.add('unknown_from', `unknown "from": "${t.from}" (system, human, gpt, tool)`, `${p}/from`);
    if (t.from === 'system' && i > 0) f.add('system_not_first', 'only the first turn may be the system turn', p);
    if (t.from !== 'tool' && pending.length) {
      f.add('tool_call_unanswered', `${pending.length} tool call(s) not answered by a tool turn`, p);
      pending = [];
    }
    if (t.from === 'gpt') {
      gptSeen = true;
      const opened = (t.value.match(/<tool_call>/g) ?? []).length;
      const bodies = blocks(t.value, 'tool_call');
      if (opened !== bodies.length) f.add('tool_call_block', 'a <tool_call> block is not closed', `${p}/value`);
      bodies.forEach((b, k) => {
        const parsed = tryJson(b);
        const c = parsed?.value;
        if (!isObject(c) || typeof c.name !== 'string' || !FUNCTION_NAME.test(c.name)) f.add('tool_call_block', `<tool_call> ${k + 1} must be the JSON of {"name", "arguments"}`, `${p}/value`);
        else {
          if (toolNames.size && !toolNames.has(c.name)) f.add('tool_name_unknown', `"${c.name}" is not in the system turn's <tools>`, `${p}/value`);
          if (!isObject(c.arguments)) f.add('arguments_not_object', `<tool_call> ${k + 1}: "arguments" must be an object`, `${p}/value`);
          pending.push(c.name);
        }
      });
    }
    if (t.from === 'tool') {
      if (conv[i - 1]?.from !== 'gpt' || pending.length === 0) f.add('tool_without_call', 'a tool turn must follow a gpt turn that made tool calls', p);
      const responses = blocks(t.value, 'tool_response');
      if (responses.length !== pending.length && pending.length) f.add('tool_response_count', `${pending.length} call(s) but ${responses.length} <tool_response> block(s)`, `${p}/value`);
      responses.forEach((b, k) => {
        const r = tryJson(b)?.value;
        if (!isObject(r) || typeof r.name !== 'string' || !('content' in r)) f.add('tool_response_block', `<tool_response> ${k + 1} must be the JSON of {"name", "content"}`, `${p}/value`);
        else if (pending[k] !== undefined && pending[k] !== r.name) f.add('tool_response_order', `<tool_response> ${k + 1} is for "${r.name}" but call ${k + 1} called "${pending[k]}"`, `${p}/value`);
      });
      pending = [];
    }
  });
  if (pending.length) f.add('tool_call_unanswered', `${pending.length} tool call(s) not answered by a tool turn`, '/conversations');
  if (!gptSeen) f.add('example_missing_assistant_message', 'the conversation has no gpt turn to learn from', '/conversations');
  return f.list;
}
