/**
 * Table 1 of the paper and the counts around it, for one run: tokens (o200k_base), tool calls,
 * turns with tool calls, and the shape of the dialogues (length, tools, parallel calls, chitchat
 * and no-tool rounds, rejection reasons, repairs). Pure and synchronous; see docs/quality.md.
 */
import type { QualityStats } from '../../../shared/qualityReport';
import type { DialogueRecord } from '../../pipeline/types';
import { roundsOf } from '../text/dialogueText';
import { messageTokens } from './tokenCount';

/** Counts of one dialogue (also the per-dialogue distributions of the report). */
export interface DialogueStats {
  tokens: number;
  /** Tool calls in assistant messages. */
  calls: number;
  /** Assistant messages carrying at least one tool call ("turns containing tool calls"). */
  callTurns: number;
  /** Assistant messages carrying two or more tool calls. */
  parallelCallTurns: number;
  /** User turns (rounds). */
  rounds: number;
  /** Rounds in which the assistant called no tool (chitchat, clarification questions, refusals). */
  noToolRounds: number;
  messages: number;
  /** Tools offered to the assistant. */
  tools: number;
  /** Plan steps and chitchat plan steps (0 without a plan). */
  planSteps: number;
  chitchatSteps: number;
  /** The record's `repairs` (a number, or the length of an array), when it has one. */
  repairs?: number;
}

/** Table 1 and the counts around it; the shape the report shows (src/shared/qualityReport.ts). */
export type RunStats = QualityStats;

function repairsOf(record: DialogueRecord): number | undefined {
  const r = (record as { repairs?: unknown }).repairs;
  if (typeof r === 'number' && Number.isFinite(r)) return r;
  if (Array.isArray(r)) return r.length;
  return undefined;
}

export function dialogueStats(record: DialogueRecord): DialogueStats {
  let tokens = 0;
  let calls = 0;
  let callTurns = 0;
  let parallelCallTurns = 0;
  for (const m of record.messages) {
    tokens += messageTokens(m);
    if (m.role === 'assistant') {
      const n = m.tool_calls?.length ?? 0;
      calls += n;
      if (n > 0) callTurns++;
      if (n > 1) parallelCallTurns++;
    }
  }
  const rounds = roundsOf(record.messages);
  const steps = record.plan?.steps ?? [];
  const repairs = repairsOf(record);
  return {
    tokens,
    calls,
    callTurns,
    parallelCallTurns,
    rounds: rounds.length,
    noToolRounds: rounds.filter((r) => r.toolCalls === 0).length,
    messages: record.messages.length,
    tools: record.tools.length,
    planSteps: steps.length,
    chitchatSteps: steps.filter((s) => s.kind === 'chitchat').length,
    ...(repairs !== undefined ? { repairs } : {}),
  };
}

const mean = (sum: number, n: number) => (n > 0 ? sum / n : 0);

/** Sums dialogue stats of the counted dialogues; `rejectedRecords` give the rejection reasons. */
export function runStats(counted: readonly DialogueStats[], rejectedRecords: readonly Pick<DialogueRecord, 'reasons'>[]): RunStats {
  let tokens = 0, calls = 0, callTurns = 0, parallelCallTurns = 0, rounds = 0, noToolRounds = 0, messages = 0, tools = 0;
  let planSteps = 0, chitchatSteps = 0, repairs = 0, withRepairs = 0;
  for (const s of counted) {
    tokens += s.tokens;
    calls += s.calls;
    callTurns += s.callTurns;
    parallelCallTurns += s.parallelCallTurns;
    rounds += s.rounds;
    noToolRounds += s.noToolRounds;
    messages += s.messages;
    tools += s.tools;
    planSteps += s.planSteps;
    chitchatSteps += s.chitchatSteps;
    if (s.repairs !== undefined) {
      repairs += s.repairs;
      withRepairs++;
    }
  }
  const rejectionReasons: Record<string, number> = {};
  for (const r of rejectedRecords) {
    for (const code of new Set((r.reasons ?? []).map((x) => x.code))) rejectionReasons[code] = (rejectionReasons[code] ?? 0) + 1;
  }
  const n = counted.length;
  return {
    dialogues: n,
    rejected: rejectedRecords.length,
    tokens,
    calls,
    callTurns,
    parallelCallTurns,
    rounds,
    noToolRounds,
    messages,
    meanRounds: mean(rounds, n),
    meanMessages: mean(messages, n),
    meanTools: mean(tools, n),
    meanTokens: mean(tokens, n),
    noToolRoundShare: mean(noToolRounds, rounds),
    chitchatStepShare: planSteps > 0 ? chitchatSteps / planSteps : null,
    rejectionReasons,
    repairs: withRepairs > 0 ? repairs : null,
  };
}
