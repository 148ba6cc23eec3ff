/**
 * Our dialogue messages copied with only the fields every chat format knows (role, content,
 * tool_calls, tool_call_id) plus the tool's `name` on tool messages. Unknown fields added to
 * records by other parts of the pipeline are left out on purpose.
 */
import type { ChatMessage } from '../../llm/types';
import type { DialogueRecord } from '../../pipeline/types';
import { callNames, parseArguments } from '../trace';

export type ArgumentsAs = 'string' | 'object';

export interface ExportToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: unknown };
}

export type ExportMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: ExportToolCall[] }
  | { role: 'tool'; tool_call_id: string; name: string; content: string };

/** Messages of a record as OpenAI-style chat messages, `arguments` as a JSON string or as an object. */
export function chatMessages(record: DialogueRecord, argumentsAs: ArgumentsAs, system: boolean): ExportMessage[] {
  const names = callNames(record.messages);
  const out: ExportMessage[] = [];
  if (system && typeof record.system === 'string' && record.system.trim()) out.push({ role: 'system', content: record.system });
  for (const m of inCallOrder(record.messages)) {
    switch (m.role) {
      case 'system':
      case 'user':
        out.push({ role: m.role, content: m.content });
        break;
      case 'assistant': {
        const calls = m.tool_calls ?? [];
        const msg: ExportMessage = { role: 'assistant', content: typeof m.content === 'string' && m.content !== '' ? m.content : null };
        if (calls.length) {
          msg.tool_calls = calls.map((c) => ({
            id: c.id,
            type: 'function' as const,
            function: { name: c.function.name, arguments: argumentsAs === 'string' ? c.function.arguments : parseArguments(c.function.arguments) },
          }));
        }
        out.push(msg);
        break;
      }
      case 'tool':
        out.push({ role: 'tool', tool_call_id: m.tool_call_id, name: names.get(m.tool_call_id) ?? '', content: m.content });
        break;
    }
  }
  return out;
}

/**
 * The messages with each run of tool results put in the order of the calls they answer. Templates
 * such as Qwen2.5's render results without their call id, so a model pairs them by position: a
 * result answered out of order would teach it the wrong pairing.
 */
export function inCallOrder(messages: readonly ChatMessage[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    out.push(m);
    if (m.role !== 'assistant' || !m.tool_calls?.length) continue;
    let j = i + 1;
    while (j < messages.length && messages[j]!.role === 'tool') j++;
    const results = messages.slice(i + 1, j) as Array<Extract<ChatMessage, { role: 'tool' }>>;
    const order = new Map(m.tool_calls.map((c, k) => [c.id, k]));
    const rank = (r: Extract<ChatMessage, { role: 'tool' }>) => order.get(r.tool_call_id) ?? order.size;
    out.push(...results.map((r, k) => ({ r, k })).sort((a, b) => rank(a.r) - rank(b.r) || a.k - b.k).map((x) => x.r));
    i = j - 1;
  }
  return out;
}

/** The function definitions of the tools offered in a record (`{name, description, parameters}`). */
export function functionDefs(record: DialogueRecord): Array<{ name: string; description: string; parameters: unknown }> {
  return (record.tools ?? []).map((t) => ({ name: t.function.name, description: t.function.description ?? '', parameters: t.function.parameters }));
}
