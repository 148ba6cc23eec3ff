/**
 * Token counting for the quality report (and the exporters' validators): the npm package
 * `gpt-tokenizer` with the o200k_base encoding (GPT-4o / GPT-4.1 / o-series BPE). One encoding for
 * every figure so runs compare; it is not the tokenizer of the model a user fine-tunes.
 */
import { countTokens, encode } from 'gpt-tokenizer/encoding/o200k_base';
import type { ChatMessage } from '../../llm/types';

export const TOKEN_ENCODING = 'o200k_base';

/** Model output may contain special-token strings such as `<|endoftext|>`: they count as plain text. */
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/** Tokens of a text (special-token strings count as plain text; the library would throw on them). */
export function tokenCount(text: string): number {
  if (!text) return 0;
  return countTokens(text, PLAIN_TEXT);
}

/** Token ids of a text (plain text, no special tokens). */
export function tokenIds(text: string): number[] {
  if (!text) return [];
  return encode(text, PLAIN_TEXT);
}

/**
 * Tokens of one message as the dataset stores it: its text content, plus each tool call's function
 * name and arguments string. No chat-template overhead, no tool schemas, no system prompt.
 */
export function messageTokens(m: ChatMessage): number {
  let n = typeof m.content === 'string' ? tokenCount(m.content) : 0;
  if (m.role === 'assistant' && m.tool_calls) {
    for (const c of m.tool_calls) n += tokenCount(c.function.name) + tokenCount(c.function.arguments);
  }
  return n;
}
