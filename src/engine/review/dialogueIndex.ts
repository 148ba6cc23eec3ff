/**
 * The line index of a run's `dialogues.jsonl`: where each line starts and ends, and a small summary
 * of each record (id, status, reasons, tags, tools...) for the review editor's list, filters and
 * counts. Built by streaming the file once (a few MB at a time, never the whole file in memory as
 * objects); a record itself is read again from its byte range when it is shown. `extend()` reads only
 * what was appended since (a run still being written). No `vscode` import.
 */
import fs from 'node:fs';
import { effectiveStatus, isEdited, isReviewed, reviewOf, type ReviewedRecord } from './reviewState';
import type { DialogueStatus, PlanStepKind } from '../pipeline/types';

const PLAN_KINDS: readonly PlanStepKind[] = ['tool', 'chitchat', 'irrelevant', 'missing-detail'];

/** A plan step's kind as written (records are untrusted): an unknown kind reads as a tool step. */
export function planKindOf(kind: unknown): PlanStepKind {
  return (PLAN_KINDS as readonly unknown[]).includes(kind) ? (kind as PlanStepKind) : 'tool';
}

/** What the list shows of a record, and what filters read. */
export interface DialogueSummary {
  id: string;
  index: number;
  /** The status that counts (reviewer's verdict, else the filter's). */
  status: DialogueStatus;
  /** The filter's status as written in the record. */
  filterStatus: DialogueStatus;
  verdict?: 'accepted' | 'rejected';
  reasons: string[];
  tags: string[];
  planKinds: PlanStepKind[];
  /** User turns. */
  turns: number;
  messages: number;
  /** Offered tool names. */
  tools: string[];
  /** Names of the tools the assistant called. */
  called: string[];
  reviewed: boolean;
  edited: boolean;
  tokens: number;
  llmCalls: number;
}

/** One line of the file. `summary` is absent for a line that is not a dialogue record. */
export interface LineEntry<S = DialogueSummary> {
  /** Byte offset of the line's first byte. */
  offset: number;
  /** Byte length of the line, without its `\n`. */
  length: number;
  /** 1-based line number. */
  line: number;
  summary?: S;
  /** Why the line is not a dialogue (`not valid JSON: ...`). */
  problem?: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Summarizes a parsed record, or says why it is not one. Records are untrusted: every field is checked. */
export function summarizeRecord(value: unknown): DialogueSummary | string {
  if (!isObject(value)) return 'not a JSON object';
  const { id, index, status, reasons, tools, messages, plan, usage, llmCalls } = value;
  if (typeof id !== 'string' || (status !== 'accepted' && status !== 'rejected') || !Array.isArray(messages)) return 'missing "id", "status" or "messages"';
  const record = value as unknown as ReviewedRecord;
  const review = reviewOf(value);
  const called = new Set<string>();
  let turns = 0;
  for (const m of messages) {
    if (!isObject(m)) continue;
    if (m.role === 'user') turns++;
    if (m.role === 'assistant' && Array.isArray(m.tool_calls)) {
      for (const c of m.tool_calls) if (isObject(c) && isObject(c.function) && typeof c.function.name === 'string') called.add(c.function.name);
    }
  }
  let tokens = 0;
  if (isObject(usage)) {
    for (const u of Object.values(usage)) {
      if (isObject(u)) tokens += (typeof u.promptTokens === 'number' ? u.promptTokens : 0) + (typeof u.completionTokens === 'number' ? u.completionTokens : 0);
    }
  }
  return {
    id,
    index: typeof index === 'number' ? index : -1,
    status: effectiveStatus(record),
    filterStatus: status,
    ...(review?.verdict ? { verdict: review.verdict } : {}),
    reasons: Array.isArray(reasons) ? reasons.filter(isObject).map((r) => String(r.code ?? 'unknown')) : [],
    tags: review?.tags ?? [],
    planKinds: isObject(plan) && Array.isArray(plan.steps) ? plan.steps.filter(isObject).map((s) => planKindOf(s.kind)) : [],
    turns,
    messages: messages.length,
    tools: Array.isArray(tools) ? tools.map((t) => (isObject(t) && isObject(t.function) && typeof t.function.name === 'string' ? t.function.name : '?')) : [],
    called: [...called],
    reviewed: isReviewed(record),
    edited: isEdited(record),
    tokens,
    llmCalls: typeof llmCalls === 'number' ? llmCalls : 0,
  };
}

/** Summarizes a parsed line, or says why it is not a dialogue; `summarizeRecord` unless a reader needs its own summary. */
export type Summarize<S> = (value: unknown) => S | string;

export function entryFromText(text: string, offset: number, length: number, line: number): LineEntry;
export function entryFromText<S>(text: string, offset: number, length: number, line: number, summarize: Summarize<S>): LineEntry<S>;
export function entryFromText<S>(text: string, offset: number, length: number, line: number, summarize?: Summarize<S>): LineEntry<S | DialogueSummary> {
  return parseEntry<S | DialogueSummary>(text, offset, length, line, summarize ?? summarizeRecord).entry;
}

/** The entry of a line and, for a dialogue, its parsed record (for whoever indexes more of it). */
function parseEntry<S>(text: string, offset: number, length: number, line: number, summarize: Summarize<S>): { entry: LineEntry<S>; record?: unknown } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { entry: { offset, length, line, problem: `not valid JSON (${e instanceof Error ? e.message : String(e)})` } };
  }
  const s = summarize(parsed);
  return typeof s === 'string' ? { entry: { offset, length, line, problem: s } } : { entry: { offset, length, line, summary: s }, record: parsed };
}

/** How `scanLines` reads each line: its own summary (the Runs view), and a callback per dialogue with its parsed record (not kept by the index; the review editor's search text). */
export interface ScanOptions<S> {
  summarize?: Summarize<S>;
  onDialogue?: (entry: LineEntry<S>, record: unknown) => void;
}

const CHUNK = 4 * 1024 * 1024;

/** What `scanLines` read: the entries, where the next scan starts, and the bytes it read from disk. */
export interface ScanResult<S = DialogueSummary> {
  entries: LineEntry<S>[];
  /** Byte just after the last complete line (a torn last line is read again next time). */
  end: number;
  nextLine: number;
  bytesRead: number;
}

/**
 * Reads complete lines of `file` from byte `from` (the start of line `firstLine`) to its end. A last
 * line without `\n` (being written) is left for the next call. Blank lines are skipped. Each line is
 * summarized by `summarizeRecord`, or by `summarize` for a reader that keeps another summary (the
 * Runs view).
 */
export function scanLines(file: string, from: number, firstLine: number, signal?: AbortSignal, options?: ScanOptions<DialogueSummary>): Promise<ScanResult>;
export function scanLines<S>(file: string, from: number, firstLine: number, signal: AbortSignal | undefined, options: ScanOptions<S> & { summarize: Summarize<S> }): Promise<ScanResult<S>>;
export async function scanLines<S>(file: string, from: number, firstLine: number, signal?: AbortSignal, options: ScanOptions<S | DialogueSummary> = {}): Promise<ScanResult<S | DialogueSummary>> {
  const summarize: Summarize<S | DialogueSummary> = options.summarize ?? summarizeRecord;
  const entries: LineEntry<S | DialogueSummary>[] = [];
  const fh = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    let carry: Buffer | undefined; // bytes of a line begun in an earlier chunk
    let carryStart = from;
    let pos = from;
    let line = firstLine;
    let end = from;
    for (;;) {
      signal?.throwIfAborted();
      const { bytesRead } = await fh.read(buf, 0, CHUNK, pos);
      if (bytesRead === 0) break;
      const chunk = buf.subarray(0, bytesRead);
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(0x0a, start);
        if (nl === -1) break;
        const piece = chunk.subarray(start, nl);
        const bytes = carry ? Buffer.concat([carry, piece]) : piece;
        const offset = carry ? carryStart : pos + start;
        carry = undefined;
        const text = bytes.toString('utf8');
        if (text.trim() !== '') {
          const { entry, record } = parseEntry(text, offset, bytes.length, line, summarize);
          entries.push(entry);
          if (entry.summary && options.onDialogue) options.onDialogue(entry, record);
        }
        line++;
        start = nl + 1;
        end = pos + start;
      }
      if (start < bytesRead) {
        const rest = Buffer.from(chunk.subarray(start));
        if (!carry) carryStart = pos + start;
        carry = carry ? Buffer.concat([carry, rest]) : rest;
      }
      pos += bytesRead;
    }
    return { entries, end, nextLine: line, bytesRead: pos - from };
  } finally {
    await fh.close();
  }
}

/** Reads the bytes of one line. */
export async function readLineAt(file: string, offset: number, length: number): Promise<string> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
      if (bytesRead === 0) throw new Error(`unexpected end of file at byte ${offset + got}: the file changed on disk`);
      got += bytesRead;
    }
    return buf.toString('utf8');
  } finally {
    await fh.close();
  }
}
