/**
 * The LLM judge's request (paper Table 15, in our own words): four criteria scored 1 to 5 with a
 * short reason each, answered as JSON (schema `dialogue_judgement`), and the validation of the
 * answer, which is untrusted model output.
 */
import type { ChatMessage } from '../../llm/types';
import type { JsonSchema } from '../../model/jsonSchema';
import type { DialogueRecord } from '../../pipeline/types';
import type { JudgeScores } from '../qualityFiles';

export const JUDGE_SCHEMA_NAME = 'dialogue_judgement';
export const JUDGE_CRITERIA = ['naturalness', 'coherence', 'helpfulness', 'accuracy'] as const;
export type JudgeCriterion = (typeof JUDGE_CRITERIA)[number];

const criterionSchema: JsonSchema = {
  type: 'object',
  required: ['score', 'reason'],
  additionalProperties: false,
  properties: {
    score: { type: 'integer', minimum: 1, maximum: 5 },
    reason: { type: 'string' },
  },
};

export const JUDGE_SCHEMA: JsonSchema = {
  type: 'object',
  required: [...JUDGE_CRITERIA],
  additionalProperties: false,
  properties: Object.fromEntries(JUDGE_CRITERIA.map((c) => [c, criterionSchema])),
};

const JUDGE_SYSTEM = [
  'You review synthetic training conversations between a user and an AI assistant that can call tools.',
  'Rate the conversation on four criteria, each with a whole number from 1 (poor) to 5 (excellent):',
  '- naturalness: would a real person talk like this user? Look at how the conversation flows, not at word choice.',
  '  Real users seldom repeat near-identical requests one after another or pack everything into one long message.',
  '- coherence: do the turns follow from each other; are the user\'s later requests related to the earlier ones?',
  '- helpfulness: how well the assistant\'s replies serve what the user needs (needless questions and detours cost points).',
  '- accuracy: are the assistant\'s statements correct and consistent with the tool results? Treat tool results as true.',
  'Be strict: keep 5 for conversations you could not improve. Give each score a reason of one or two sentences.',
  'Answer with JSON only: {"naturalness": {"score": n, "reason": "..."}, "coherence": {...}, "helpfulness": {...}, "accuracy": {...}}.',
].join('\n');

/** Longest text of one message shown to the judge (long tool results are cut in the middle). */
const MAX_MESSAGE_CHARS = 2000;

function clip(text: string): string {
  if (text.length <= MAX_MESSAGE_CHARS) return text;
  const half = Math.floor(MAX_MESSAGE_CHARS / 2);
  return `${text.slice(0, half)} […${text.length - MAX_MESSAGE_CHARS} characters left out…] ${text.slice(-half)}`;
}

/** The conversation as the judge reads it: one block per message, tool calls and results spelled out. */
export function transcriptForJudge(record: Pick<DialogueRecord, 'messages' | 'tools'>): string {
  const lines: string[] = [];
  const names = new Map<string, string>();
  lines.push('Tools the assistant could call:');
  for (const t of record.tools) lines.push(`- ${t.function.name}: ${clip(t.function.description ?? '')}`);
  lines.push('', 'Conversation:');
  for (const m of record.messages) {
    if (m.role === 'user') lines.push(`[user] ${clip(m.content)}`);
    else if (m.role === 'assistant') {
      if (m.content && m.content.trim()) lines.push(`[assistant] ${clip(m.content)}`);
      for (const c of m.tool_calls ?? []) {
        names.set(c.id, c.function.name);
        lines.push(`[assistant calls ${c.function.name}] ${clip(c.function.arguments)}`);
      }
    } else if (m.role === 'tool') lines.push(`[result of ${names.get(m.tool_call_id) ?? 'a tool'}] ${clip(m.content)}`);
  }
  return lines.join('\n');
}

export function judgeMessages(record: Pick<DialogueRecord, 'messages' | 'tools'>): ChatMessage[] {
  return [
    { role: 'system', content: JUDGE_SYSTEM },
    { role: 'user', content: `${transcriptForJudge(record)}\n\nRate this conversation.` },
  ];
}

const MAX_REASON_CHARS = 600;

/** A score as a model may write it: 4, 4.0, "4", "4/5", "4 / 5". */
function readScore(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 1 && v <= 5 ? v : undefined;
  if (typeof v === 'string') {
    const m = /^\s*([1-5])(?:\.0+)?\s*(?:\/\s*5)?\s*$/.exec(v);
    return m ? Number(m[1]) : undefined;
  }
  return undefined;
}

/**
 * Checks the judge's answer (untrusted) and returns typed scores, or the problems found (sent back
 * to the model when the client re-asks), each with its JSON pointer.
 */
export function validateJudgement(value: unknown): { ok: true; value: JudgeScores } | { ok: false; errors: string[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, errors: ['the answer must be a JSON object with keys naturalness, coherence, helpfulness, accuracy'] };
  }
  const errors: string[] = [];
  const scores: Partial<Record<JudgeCriterion, number>> = {};
  const reasons: Partial<Record<JudgeCriterion, string>> = {};
  const obj = value as Record<string, unknown>;
  for (const c of JUDGE_CRITERIA) {
    const entry = obj[c];
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      errors.push(`/${c} must be an object {"score": 1-5, "reason": "..."}`);
      continue;
    }
    const { score, reason } = entry as { score?: unknown; reason?: unknown };
    const s = readScore(score);
    if (s === undefined) errors.push(`/${c}/score must be a whole number from 1 to 5, got ${JSON.stringify(score) ?? 'nothing'}`);
    else scores[c] = s;
    if (typeof reason !== 'string' || reason.trim() === '') errors.push(`/${c}/reason must be a non-empty string`);
    else reasons[c] = reason.trim().replace(/\s+/g, ' ').slice(0, MAX_REASON_CHARS);
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: { naturalness: scores.naturalness!, coherence: scores.coherence!, helpfulness: scores.helpfulness!, accuracy: scores.accuracy!, reasons },
  };
}
