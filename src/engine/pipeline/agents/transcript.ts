/**
 * Renders a dialogue as plain text for the user agent, which plays a person: it sees what a person
 * in a chat sees, the user's and the assistant's words and that the assistant used a tool (by the
 * tool's spoken name), never call arguments or raw tool results (JSON payloads a person does not read,
 * and tokens every user turn would pay for again).
 */
import type { ChatMessage } from '../../llm/types';

/** `spoken` maps exact tool names to the names a person would use (the user agent never sees ids). */
export function transcript(messages: readonly ChatMessage[], spoken: ReadonlyMap<string, string> = new Map()): string {
  const out: string[] = [];
  for (const m of messages) {
    switch (m.role) {
      case 'user':
        out.push(`User: ${m.content}`);
        break;
      case 'assistant': {
        const used = [...new Set((m.tool_calls ?? []).map((c) => spoken.get(c.function.name) ?? c.function.name))];
        if (used.length > 0) out.push(`(Assistant used ${used.join(', ')})`);
        if (m.content) out.push(`Assistant: ${m.content}`);
        break;
      }
      case 'tool':
      case 'system':
        break;
    }
  }
  return out.join('\n');
}
