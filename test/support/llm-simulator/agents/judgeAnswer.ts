/**
 * Judge (schema `dialogue_judgement`) in the LLM simulator, a test double. It is no judge: it scores
 * the transcript in the prompt by fixed, visible rules, so tests can tell its answers apart:
 * - naturalness: 5, minus 2 when two consecutive user turns are identical;
 * - coherence:   5 when consecutive user turns share a word (of 4+ letters), else 3;
 * - helpfulness: 5, minus 1 per assistant question (a line of the assistant ending in "?"), at least 1;
 * - accuracy:    5, or 4 when a tool result reported an error.
 * When the transcript holds the word SCORES-AS-TEXT it writes scores as strings ("4/5"), as chatty
 * models do, to exercise the judge's lenient parsing.
 */
import { textOf, type ChatCompletionBody } from '../requestShape';

export function judgeAnswer(body: ChatCompletionBody): Record<string, { score: number | string; reason: string }> {
  const prompt = body.messages.filter((m) => m.role === 'user').map(textOf).join('\n');
  const users = [...prompt.matchAll(/^\[user\] (.*)$/gm)].map((m) => m[1]!.trim());
  const assistant = [...prompt.matchAll(/^\[assistant\] (.*)$/gm)].map((m) => m[1]!.trim());
  const repeated = users.some((u, i) => i > 0 && u === users[i - 1]);
  const words = (s: string) => new Set(s.toLowerCase().match(/[a-z]{4,}/g) ?? []);
  const linked = users.length < 2 || users.every((u, i) => i === 0 || [...words(u)].some((w) => words(users[i - 1]!).has(w)));
  const questions = assistant.filter((a) => a.endsWith('?')).length;
  const toolError = /\[result of [^\]]+\] .*"ok":\s*false/.test(prompt);
  const scores = {
    naturalness: repeated ? 3 : 5,
    coherence: linked ? 5 : 3,
    helpfulness: Math.max(1, 5 - questions),
    accuracy: toolError ? 4 : 5,
  };
  const asText = prompt.includes('SCORES-AS-TEXT');
  const entry = (score: number, reason: string) => ({ score: asText ? `${score}/5` : score, reason });
  return {
    naturalness: entry(scores.naturalness, repeated ? 'The user repeats the same request.' : 'The user speaks plausibly.'),
    coherence: entry(scores.coherence, linked ? 'Each request follows from the previous one.' : 'Requests jump between unrelated topics.'),
    helpfulness: entry(scores.helpfulness, `${questions} clarification question(s) from the assistant.`),
    accuracy: entry(scores.accuracy, toolError ? 'A tool failed and the answer glosses over it.' : 'Answers match the tool results.'),
  };
}
