/**
 * How the quality metrics read a dialogue: its rounds, the consecutive-round pairs of SS and EnR
 * (paper Appendix A.1), and its natural-language text as words (H and D-3). docs/quality.md
 * documents these rules for users; every metric goes through this one module.
 */
import type { ChatMessage } from '../../llm/types';

/**
 * One round: a user message and everything the assistant said in text until the next user
 * message. Tool calls and tool results are not text of the round (they are JSON): a round whose
 * assistant only called tools and then summed up has that summary as its response.
 */
export interface Round {
  /** Index of the user message in `messages`. */
  userIndex: number;
  request: string;
  /** The assistant's text replies of this round, joined by a newline ('' when it only called tools). */
  response: string;
  /** Tool calls the assistant made in this round. */
  toolCalls: number;
  /** Assistant messages of this round that carry at least one tool call. */
  callMessages: number;
}

/** A consecutive-round pair: premise = round k's request and response, hypothesis = round k+1's request. */
export interface RoundPair {
  premise: string;
  hypothesis: string;
}

function textOf(m: ChatMessage): string {
  return typeof m.content === 'string' ? m.content : '';
}

/** Splits messages into rounds; messages before the first user message (system) are ignored. */
export function roundsOf(messages: readonly ChatMessage[]): Round[] {
  const rounds: Round[] = [];
  let current: (Round & { parts: string[] }) | undefined;
  const close = () => {
    if (!current) return;
    const { parts, ...round } = current;
    rounds.push({ ...round, response: parts.join('\n') });
  };
  messages.forEach((m, i) => {
    if (m.role === 'user') {
      close();
      current = { userIndex: i, request: textOf(m), response: '', toolCalls: 0, callMessages: 0, parts: [] };
    } else if (m.role === 'assistant' && current) {
      const text = textOf(m).trim();
      if (text) current.parts.push(text);
      const calls = m.tool_calls?.length ?? 0;
      current.toolCalls += calls;
      if (calls > 0) current.callMessages++;
    }
  });
  close();
  return rounds;
}

/**
 * The pairs of A.1: for rounds r1..rn, (r1.request + "\n" + r1.response, r2.request), ...,
 * (r(n-1).request + "\n" + r(n-1).response, rn.request). A dialogue with fewer than two rounds has no pair.
 */
export function roundPairs(messages: readonly ChatMessage[]): RoundPair[] {
  const rounds = roundsOf(messages);
  const pairs: RoundPair[] = [];
  for (let k = 0; k + 1 < rounds.length; k++) {
    const prev = rounds[k]!;
    pairs.push({ premise: prev.response ? `${prev.request}\n${prev.response}` : prev.request, hypothesis: rounds[k + 1]!.request });
  }
  return pairs;
}

/**
 * The natural-language text of a dialogue for the diversity metrics, one string per message:
 * user and assistant `content` only (no system prompt, no tool-call arguments, no tool results).
 */
export function naturalTexts(messages: readonly ChatMessage[]): string[] {
  const out: string[] = [];
  for (const m of messages) {
    if (m.role !== 'user' && m.role !== 'assistant') continue;
    const t = textOf(m);
    if (t.trim()) out.push(t);
  }
  return out;
}

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

/**
 * Words of a text: Unicode letter/digit runs (an apostrophe inside a word keeps it whole:
 * "don't", "user's"), lower-cased. Punctuation, symbols and whitespace separate words.
 */
export function wordsOf(text: string): string[] {
  return (text.toLowerCase().match(WORD) ?? []) as string[];
}
