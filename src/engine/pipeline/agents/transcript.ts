/** Renders a dialogue as plain text for agents that see it from outside (the user agent). */
import type { ChatMessage } from '../../llm/types';

/** `spoken` maps exact tool names to the names a person would use (the user agent never sees ids). */
export function transcript(messages: readonly ChatMessage[], spoken: ReadonlyMap<string, string> = new Map()): string {
  const out: string[] = [];
  for (const m of messages) {
    switch (m.role) {
      case 'user':
        out.push(`User: ${m.content}`);
        break;
      case 'assistant':
        for (const c of m.tool_calls ?? []) out.push(`Assistant called tool ${spoken.get(c.function.name) ?? c.function.name} with ${c.function.arguments}`);
        if (m.content) out.push(`Assistant: ${m.content}`);
        break;
      case 'tool':
        out.push(`Tool result: ${m.content}`);
        break;
      case 'system':
        break;
    }
  }
  return out.join('\n');
}
