/** `<tag>...</tag>` blocks of Hermes-style text (`<tools>`, `<tool_call>`, `<tool_response>`). */

/** The bodies of every `<tag>...</tag>` block of a text, in order, trimmed. */
export function blocks(text: string, tag: 'tool_call' | 'tool_response' | 'tools'): string[] {
  return [...text.matchAll(new RegExp(`<${tag}>\\s*([\\s\\S]*?)\\s*</${tag}>`, 'g'))].map((m) => m[1]!);
}
