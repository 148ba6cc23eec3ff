/**
 * Token counts per sample with a real tokenizer: `gpt-tokenizer`, o200k_base (GPT-4o's encoding),
 * counted the way OpenAI's cookbook estimates chat examples (3 tokens per message, the tokens of
 * every field's value, 1 more for a `name`, 3 to prime the reply) plus the tokens of the tool list's
 * JSON. The encoder is the quality report's (quality/stats/tokenCount), so both count alike.
 * Other models' tokenizers differ by some percent: treat the figure as an estimate.
 */
import { tokenCount } from '../quality/stats/tokenCount';

const text = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : JSON.stringify(v));

/** Tokens of a field's value (the quality report's counter: special-token strings count as plain text). */
export function countTokens(value: unknown): number {
  return tokenCount(text(value));
}

export function countChatTokens(messages: ReadonlyArray<Record<string, unknown>>, tools?: unknown): number {
  let n = 3;
  for (const m of messages) {
    n += 3;
    for (const [k, v] of Object.entries(m)) {
      n += countTokens(v);
      if (k === 'name') n += 1;
    }
  }
  if (tools !== undefined) n += countTokens(tools);
  return n;
}
