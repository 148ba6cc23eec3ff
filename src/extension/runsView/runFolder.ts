/**
 * Reads a run folder (`manifest.json` + append-only `dialogues.jsonl`) into the small summaries the
 * Runs tree shows. Pure Node (no `vscode`), unit-tested. Keeps only summaries in memory; the full
 * record of a dialogue is re-read from its byte range when opened.
 */
import { displayStatus } from '../common/dialogueStatus';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { DialogueRecord, RunManifest } from '../../engine/pipeline/types';
import { readRunLock, type RunLockHolder } from '../../engine/pipeline/runLock';
import { DIALOGUES_FILE, MANIFEST_FILE, readManifest, RunFolderError } from '../../engine/pipeline/runStore';
import { readLineAt, scanLines, summarizeRecord } from '../../engine/review/dialogueIndex';

export interface DialogueSummary {
  id: string;
  index: number;
  /** `accepted` | `rejected` | `edited` (edited by the review editor of a later issue). */
  status: string;
  reasons: string[];
  reasonMessages: string[];
  tools: string[];
  /** User turns. */
  turns: number;
  messages: number;
  /** Quality scores, when a judge has scored the dialogue. */
  scores?: Record<string, number>;
  /** Byte range of the line in dialogues.jsonl. */
  offset: number;
  length: number;
}

export interface RunSummary {
  dir: string;
  name: string;
  manifest: RunManifest | null;
  /** Problem reading the manifest, with the file and what to do. */
  problem?: string;
  /** Lines of dialogues.jsonl that could not be parsed (e.g. `dialogues.jsonl:12: ...`). */
  badLines: string[];
  dialogues: DialogueSummary[];
  total: number;
  accepted: number;
  rejected: number;
  modifiedMs: number;
  /** The live process writing this run (its `run.lock`), e.g. the CLI or another VS Code window. */
  lockedBy?: RunLockHolder;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The Runs view's summary of a record, on the engine's index summary (`summarizeRecord`: what makes a
 * line a dialogue, its reasons, tools and turns): plus the status as shown (`displayStatus`), the
 * reasons' messages and the judge's scores, which only this view shows.
 */
function summarize(value: unknown): Omit<DialogueSummary, 'offset' | 'length'> | string {
  const s = summarizeRecord(value);
  if (typeof s === 'string') return s;
  const record = value as DialogueRecord & { quality?: unknown; scores?: unknown };
  const reasonList = (record.reasons as unknown[]).filter(isObject);
  const quality = record.quality ?? record.scores;
  let scores: Record<string, number> | undefined;
  if (isObject(quality)) {
    scores = {};
    for (const [k, v] of Object.entries(quality)) if (typeof v === 'number' && Number.isFinite(v)) scores[k] = v;
    if (Object.keys(scores).length === 0) scores = undefined;
  }
  return {
    id: s.id,
    index: s.index,
    // The reviewer's verdict and edits (record.review, written by the review editor) count.
    status: displayStatus(record),
    reasons: s.reasons,
    reasonMessages: reasonList.map((r) => String(r.message ?? r.code ?? '')),
    tools: s.tools,
    turns: s.turns,
    messages: s.messages,
    ...(scores ? { scores } : {}),
  };
}

interface IndexEntry {
  ino: number;
  consumed: number;
  lines: number;
  dialogues: DialogueSummary[];
  badLines: string[];
}

/**
 * Remembers how far each run's dialogues.jsonl was read, so refreshing the Runs view during a long
 * run reads only the lines appended since (the file is append-only; a shorter or replaced file is
 * read again from the start). Lines are read by the engine's index (`scanLines`, as the review editor
 * reads them).
 */
export class DialogueIndexCache {
  private readonly entries = new Map<string, IndexEntry>();
  /** Bytes read from disk by the last `read` calls (for tests and benchmarks). */
  bytesRead = 0;

  async read(dir: string): Promise<{ dialogues: DialogueSummary[]; badLines: string[]; mtimeMs: number } | undefined> {
    const file = path.join(dir, DIALOGUES_FILE);
    let stat: import('node:fs').Stats;
    try {
      stat = await fs.stat(file);
    } catch (e) {
      this.entries.delete(dir);
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    let entry = this.entries.get(dir);
    if (!entry || entry.ino !== stat.ino || stat.size < entry.consumed) {
      entry = { ino: stat.ino, consumed: 0, lines: 0, dialogues: [], badLines: [] };
      this.entries.set(dir, entry);
    }
    if (stat.size > entry.consumed) {
      const scan = await scanLines(file, entry.consumed, entry.lines + 1, undefined, { summarize });
      this.bytesRead += scan.bytesRead;
      for (const e of scan.entries) {
        if (e.summary) entry.dialogues.push({ ...e.summary, offset: e.offset, length: e.length });
        else entry.badLines.push(`${DIALOGUES_FILE}:${e.line}: ${e.problem ?? 'not a dialogue'}`);
      }
      entry.consumed = scan.end;
      entry.lines = scan.nextLine - 1;
    }
    return { dialogues: entry.dialogues, badLines: entry.badLines, mtimeMs: stat.mtimeMs };
  }

  /** Forgets runs that are gone. */
  retain(dirs: ReadonlySet<string>): void {
    for (const d of this.entries.keys()) if (!dirs.has(d)) this.entries.delete(d);
  }
}

/** Reads one run folder. Never throws for bad content: problems are reported in the summary. */
export async function readRunSummary(dir: string, cache = new DialogueIndexCache()): Promise<RunSummary> {
  const summary: RunSummary = {
    dir,
    name: path.basename(dir),
    manifest: null,
    badLines: [],
    dialogues: [],
    total: 0,
    accepted: 0,
    rejected: 0,
    modifiedMs: 0,
  };
  const manifestPath = path.join(dir, MANIFEST_FILE);
  try {
    const stat = await fs.stat(manifestPath);
    summary.modifiedMs = stat.mtimeMs;
    const m = await readManifest(dir);
    summary.manifest = m;
    summary.total = typeof m.options.count === 'number' ? m.options.count : 0;
  } catch (e) {
    summary.problem = e instanceof RunFolderError ? `${e.message}${e.hint ? `. ${e.hint}` : ''}` : `${manifestPath}: ${e instanceof Error ? e.message : String(e)}`;
  }
  try {
    const read = await cache.read(dir);
    if (read) {
      summary.modifiedMs = Math.max(summary.modifiedMs, read.mtimeMs);
      // A resumed run never duplicates, but be safe: the last line of an id wins.
      const byId = new Map<string, DialogueSummary>();
      for (const d of read.dialogues) byId.set(d.id, d);
      summary.dialogues = [...byId.values()].sort((a, b) => a.index - b.index || a.id.localeCompare(b.id));
      summary.badLines = [...read.badLines];
    }
  } catch (e) {
    summary.badLines.push(`${DIALOGUES_FILE}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const holder = readRunLock(dir);
  if (holder) summary.lockedBy = holder;
  summary.accepted = summary.dialogues.filter((d) => d.status === 'accepted' || d.status === 'edited').length;
  summary.rejected = summary.dialogues.filter((d) => d.status === 'rejected').length;
  return summary;
}

/** Lists run folders (folders holding a manifest.json) directly under `runsRoot`, newest first. */
export async function listRuns(runsRoot: string, cache = new DialogueIndexCache()): Promise<RunSummary[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(runsRoot, { withFileTypes: true });
  } catch {
    return [];
  }
  const dirs: string[] = [];
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const dir = path.join(runsRoot, e.name);
    try {
      await fs.access(path.join(dir, MANIFEST_FILE));
      dirs.push(dir);
    } catch {
      // not a run folder
    }
  }
  cache.retain(new Set(dirs));
  const runs = await Promise.all(dirs.map((d) => readRunSummary(d, cache)));
  return runs.sort((a, b) => b.modifiedMs - a.modifiedMs || b.name.localeCompare(a.name));
}

/** Reads the full record of one dialogue from its byte range. */
export async function readDialogueRecord(dir: string, d: Pick<DialogueSummary, 'offset' | 'length'>): Promise<DialogueRecord> {
  return JSON.parse(await readLineAt(path.join(dir, DIALOGUES_FILE), d.offset, d.length)) as DialogueRecord;
}
