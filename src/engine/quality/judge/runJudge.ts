/**
 * Runs the LLM judge over a run's dialogues: a seeded random sample (default 200, as the paper) or
 * all, through the `judge` role of any `ChatModel`. Resumable like a run: each verdict is appended
 * to quality.jsonl as soon as it arrives, and a restart skips dialogues that already have one, so
 * a stopped judge (Ctrl-C, crash, budget) loses at most the requests in flight.
 */
import { createRandom } from '../../sampling/seededRandom';
import type { ChatModel } from '../../llm/types';
import { LlmError } from '../../llm/types';
import type { DialogueRecord } from '../../pipeline/types';
import { appendQualityLines, readQualityIndex, type JudgeScores } from '../qualityFiles';
import { JUDGE_SCHEMA, JUDGE_SCHEMA_NAME, judgeMessages, validateJudgement } from './judgePrompt';

export const DEFAULT_JUDGE_SAMPLE = 200;

export type JudgeEvent =
  | { type: 'judge-start'; sample: number; alreadyDone: number; toDo: number }
  | { type: 'judged'; id: string; done: number; toDo: number }
  | { type: 'judge-failed'; id: string; code: string; message: string };

export interface JudgeOptions {
  model: ChatModel;
  /** Model name recorded with each verdict. */
  modelName?: string;
  /** Dialogues to judge; `'all'` for every one. Default 200. */
  sample?: number | 'all';
  /** Seed of the sample (the same seed picks the same dialogues, so a resume continues the same sample). */
  seed?: number;
  /** Judge requests in flight (default 4). */
  concurrency?: number;
  /** Fresh requests after the client's own repairs gave invalid output (default 1). */
  retries?: number;
  signal?: AbortSignal;
  onEvent?: (e: JudgeEvent) => void;
}

export interface JudgeResult {
  /** Ids in the sample. */
  sample: string[];
  /** Verdicts of the sample (earlier ones included). */
  scores: Map<string, JudgeScores>;
  /** Judged in this call. */
  judgedNow: number;
  /** Already judged before this call (skipped). */
  skipped: number;
  failed: Array<{ id: string; code: string; message: string }>;
}

/** Picks `n` ids uniformly without replacement, in their run order, deterministically for `seed`. */
export function sampleIds(ids: readonly string[], n: number | 'all', seed: number): string[] {
  if (n === 'all' || n >= ids.length) return [...ids];
  const rnd = createRandom(`judge:${seed}`);
  const pool = ids.map((_, i) => i);
  for (let i = 0; i < n; i++) {
    const j = i + rnd.int(pool.length - i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, n).sort((a, b) => a - b).map((i) => ids[i]!);
}

async function judgeOne(record: DialogueRecord, opts: JudgeOptions): Promise<JudgeScores> {
  const attempts = 1 + Math.max(0, opts.retries ?? 1);
  let last: LlmError | undefined;
  for (let a = 0; a < attempts; a++) {
    try {
      const { value } = await opts.model.structured<JudgeScores>({
        role: 'judge',
        messages: judgeMessages(record),
        schemaName: JUDGE_SCHEMA_NAME,
        schema: JUDGE_SCHEMA,
        validate: validateJudgement,
        temperature: 0,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      return value;
    } catch (e) {
      if (e instanceof LlmError && e.code === 'invalid-output') {
        last = e;
        continue;
      }
      throw e;
    }
  }
  throw last!;
}

/**
 * Judges the sample of `records` (the caller passes the dialogues that count, usually the accepted
 * ones) and appends each verdict to `<runDir>/quality.jsonl`.
 */
export async function runJudge(runDir: string, records: readonly DialogueRecord[], opts: JudgeOptions): Promise<JudgeResult> {
  const byId = new Map(records.map((r) => [r.id, r]));
  const sample = sampleIds([...byId.keys()], opts.sample ?? DEFAULT_JUDGE_SAMPLE, opts.seed ?? 1);
  const existing = readQualityIndex(runDir);
  const scores = new Map<string, JudgeScores>();
  const todo: DialogueRecord[] = [];
  for (const id of sample) {
    const judged = existing.get(id)?.judge;
    if (judged) scores.set(id, judged);
    else todo.push(byId.get(id)!);
  }
  opts.onEvent?.({ type: 'judge-start', sample: sample.length, alreadyDone: scores.size, toDo: todo.length });
  const failed: JudgeResult['failed'] = [];
  let next = 0;
  let done = 0;
  // Appends one at a time, in completion order: lines never interleave.
  let writes: Promise<void> = Promise.resolve();
  let writeError: unknown;
  const worker = async () => {
    while (next < todo.length && !opts.signal?.aborted && writeError === undefined) {
      const record = todo[next++]!;
      try {
        const v = await judgeOne(record, opts);
        const judge: JudgeScores = { ...v, ...(opts.modelName ? { model: opts.modelName } : {}), at: new Date().toISOString() };
        scores.set(record.id, judge);
        writes = writes.then(() => appendQualityLines(runDir, [{ id: record.id, judge }])).catch((e: unknown) => {
          writeError ??= e;
        });
        await writes;
        done++;
        opts.onEvent?.({ type: 'judged', id: record.id, done, toDo: todo.length });
      } catch (e) {
        if (e instanceof LlmError && (e.code === 'aborted' || e.code === 'budget-exceeded' || e.code === 'auth')) throw e;
        const code = e instanceof LlmError ? e.code : 'internal-error';
        const message = e instanceof Error ? e.message : String(e);
        failed.push({ id: record.id, code, message });
        opts.onEvent?.({ type: 'judge-failed', id: record.id, code, message });
      }
    }
  };
  const n = Math.max(1, Math.min(opts.concurrency ?? 4, todo.length || 1));
  await Promise.all(Array.from({ length: n }, worker));
  await writes;
  if (writeError !== undefined) throw writeError;
  if (opts.signal?.aborted) throw new LlmError('aborted', 'the judge was cancelled; run it again to continue', 'judge');
  return { sample, scores, judgedNow: done, skipped: sample.length - todo.length, failed };
}

export interface JudgeSummary {
  judged: number;
  naturalness: number;
  coherence: number;
  helpfulness: number;
  accuracy: number;
}

/** Mean scores (the paper's NAT, COH, HELP, ACC). */
export function summarizeJudge(scores: Iterable<JudgeScores>): JudgeSummary | undefined {
  let n = 0, nat = 0, coh = 0, help = 0, acc = 0;
  for (const s of scores) {
    n++;
    nat += s.naturalness;
    coh += s.coherence;
    help += s.helpfulness;
    acc += s.accuracy;
  }
  return n === 0 ? undefined : { judged: n, naturalness: nat / n, coherence: coh / n, helpfulness: help / n, accuracy: acc / n };
}
