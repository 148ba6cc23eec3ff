/**
 * LLaMA-Factory ShareGPT rules (its `sharegpt` converter and tool formatter): `conversations` of
 * `{from, value}`; human/observation at odd positions and gpt/function_call at even ones; the last
 * turn from the model; a function_call value is the JSON of `{name, arguments}` (or a list of them)
 * with an object as arguments; an observation follows a function_call; `tools` is a JSON string of
 * a list of function definitions; `system` a string.
 */
import type { SampleViolation } from '../types';
import { FUNCTION_NAME, Findings, checkFunctionDef, isObject, tryJson } from './common';

const FROM = ['human', 'gpt', 'function_call', 'observation'];

export function validateShareGptSample(sample: unknown): SampleViolation[] {
  const f = new Findings();
  if (!isObject(sample)) {
    f.add('data_type', 'each line must be a JSON object');
    return f.list;
  }
  for (const k of Object.keys(sample)) if (!['conversations', 'system', 'tools'].includes(k)) f.add('example_unrecognized_key', `unrecognized key "${k}" (dataset_info.json maps conversations, system, tools)`, `/${k}`);
  if (sample.system !== undefined && typeof sample.system !== 'string') f.add('system_not_string', 'system must be a string', '/system');
  let toolNames: Set<string> | undefined;
  if (sample.tools !== undefined) {
    toolNames = new Set();
    const parsed = typeof sample.tools === 'string' ? tryJson(sample.tools) : undefined;
    if (!parsed || !Array.isArray(parsed.value)) f.add('tools_not_json_string', 'tools must be the JSON string of a list of function definitions', '/tools');
    else
      parsed.value.forEach((t: unknown, i) => {
        const fn = isObject(t) && t.type === 'function' && isObject(t.function) ? t.function : t;
        if (!isObject(fn)) f.add('tools_invalid', 'each tool must be {"name", "description", "parameters"}', `/tools/${i}`);
        else checkFunctionDef(fn, f, `/tools/${i}`, toolNames!);
      });
  }
  const conv = sample.conversations;
  if (!Array.isArray(conv) || conv.length === 0) {
    f.add('missing_conversations', 'a non-empty "conversations" list is required', '/conversations');
    return f.list;
  }
  let lastCalls = 0;
  conv.forEach((t, i) => {
    const p = `/conversations/${i}`;
    if (!isObject(t) || typeof t.from !== 'string' || typeof t.value !== 'string') {
      f.add('turn_invalid', 'each turn must be {"from": string, "value": string}', p);
      return;
    }
    if (!FROM.includes(t.from)) {
      f.add('unknown_from', `unknown "from": "${t.from}" (human, gpt, function_call, observation; the system prompt goes in "system")`, `${p}/from`);
      return;
    }
    const odd = i % 2 === 0; // 1st, 3rd, ... turn
    if (odd && (t.from === 'gpt' || t.from === 'function_call')) f.add('position', `"${t.from}" at position ${i + 1}: human and observation turns stand at odd positions, gpt and function_call at even ones`, `${p}/from`);
    if (!odd && (t.from === 'human' || t.from === 'observation')) f.add('position', `"${t.from}" at position ${i + 1}: human and observation turns stand at odd positions, gpt and function_call at even ones`, `${p}/from`);
    if (t.from === 'observation' && conv[i - 1]?.from !== 'function_call') f.add('observation_without_call', 'an observation must follow a function_call turn', p);
    if (t.from === 'function_call') {
      lastCalls = 0;
      const parsed = tryJson(t.value);
      const items = parsed ? (Array.isArray(parsed.value) ? parsed.value : [parsed.value]) : undefined;
      if (!items || items.length === 0) f.add('function_call_value', 'a function_call value must be the JSON of {"name", "arguments"} or a list of them', `${p}/value`);
      else
        items.forEach((c: unknown, k) => {
          if (!isObject(c) || typeof c.name !== 'string' || !FUNCTION_NAME.test(c.name)) f.add('function_call_value', `call ${k + 1}: needs a valid "name"`, `${p}/value`);
          else if (toolNames && !toolNames.has(c.name)) f.add('tool_name_unknown', `"${c.name}" is not one of this sample's tools`, `${p}/value`);
          if (!isObject(c) || !isObject(c.arguments)) f.add('arguments_not_object', `call ${k + 1}: "arguments" must be an object`, `${p}/value`);
        });
      lastCalls = items?.length ?? 0;
    }
    if (t.from === 'observation' && lastCalls > 1) {
      const parsed = tryJson(t.value);
      if (!parsed || !Array.isArray(parsed.value) || parsed.value.length !== lastCalls) f.add('observation_count', `${lastCalls} parallel calls need the JSON list of ${lastCalls} results`, `${p}/value`);
    }
    if (t.from === 'function_call' && conv[i + 1]?.from !== 'observation') f.add('call_without_observation', 'a function_call must be answered by an observation turn', p);
  });
  const last = conv[conv.length - 1] as { from?: string } | undefined;
  if (conv.length % 2 !== 0 || (last?.from !== 'gpt' && last?.from !== 'function_call')) f.add('last_turn', 'the conversation must end with a gpt (or function_call) turn at an even position; LLaMA-Factory drops it otherwise', '/conversations');
  return f.list;
}
