/**
 * Where a run's quality figures live, and how other parts read them. `toolflow report` (and the
 * extension's quality report) write, next to `dialogues.jsonl`:
 *
 *   quality.jsonl     one line per dialogue: `DialogueQuality` (automatic metrics, judge scores)
 *   duplicates.json   near-duplicate clusters: `DuplicateClusters`
 *
 * Side files rather than fields of the dialogue record, so computing metrics never rewrites the run
 * (which may be large, or still being written) and can be repeated with other settings. The review
 * editor filters by these values, the Runs view shows them, exporters use the clusters for --dedupe.
 * No `vscode` import.
 */
import fs from 'node:fs';
import path from 'node:path';

export const QUALITY_FILE = 'quality.jsonl';
export const DUPLICATES_FILE = 'duplicates.json';

export interface JudgeScores {
  naturalness: number;
  coherence: number;
  helpfulness: number;
  accuracy: number;
  /** Short reasons per criterion, as the judge wrote them. */
  reasons?: Partial<Record<'naturalness' | 'coherence' | 'helpfulness' | 'accuracy', string>>;
  /** Judge model and when it judged (written by `toolflow report --judge`). */
  model?: string;
  at?: string;
}

/** Per-dialogue quality values (all optional: each is present when it was computed). */
export interface DialogueQuality {
  id: string;
  /** Mean cosine similarity between consecutive rounds (paper SS). */
  ss?: number;
  /** Share of consecutive-round pairs labelled entailment (paper EnR). */
  enr?: number;
  /** Shannon entropy of word frequencies (bits). */
  entropy?: number;
  /** Distinct word trigrams / all word trigrams. */
  distinct3?: number;
  /** Tokens of the dialogue (messages), with the report's tokenizer. */
  tokens?: number;
  judge?: JudgeScores;
  /** Id of the near-duplicate cluster the dialogue belongs to, when any. */
  duplicateCluster?: number;
  /** Consecutive-round pairs SS and EnR were computed over. */
  pairs?: number;
  /** Tool calls and turns with tool calls (Table 1 counts of this dialogue). */
  calls?: number;
  callTurns?: number;
}

export interface DuplicateCluster {
  id: number;
  /** Dialogue ids, the first is the one an exporter keeps with --dedupe. */
  members: string[];
  /** Estimated Jaccard similarity of each member to the first (same order as members). */
  similarity: number[];
  /**
   * What each member shares with the first (same order as members): the share of its word
   * shingles also in the first, and a few of the longest runs of words they have in common.
   */
  shared?: Array<{ shingleOverlap: number; snippets: string[] }>;
}

export interface DuplicateClusters {
  /** How clusters were found, e.g. `{ "method": "minhash-lsh", "shingle": 5, "threshold": 0.8 }`. */
  method: Record<string, unknown>;
  clusters: DuplicateCluster[];
}

/**
 * Reads `quality.jsonl` of a run folder (empty map when absent; bad lines are skipped). Several
 * lines may name the same id: the judge appends one line per dialogue as it goes (so a stopped
 * judge resumes), and a later line's fields replace the earlier ones' (fields it lacks are kept).
 */
export function readQualityIndex(runDir: string): Map<string, DialogueQuality> {
  const out = new Map<string, DialogueQuality>();
  let text: string;
  try {
    text = fs.readFileSync(path.join(runDir, QUALITY_FILE), 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const v = JSON.parse(line) as DialogueQuality;
      if (v && typeof v === 'object' && typeof v.id === 'string') {
        const before = out.get(v.id);
        out.set(v.id, before ? { ...before, ...v } : v);
      }
    } catch {
      /* a torn or hand-broken line: skip */
    }
  }
  return out;
}

/** Drops undefined and non-finite numbers so every written line reads back as written. */
function cleanLine(q: DialogueQuality): string {
  return JSON.stringify(q, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? undefined : v));
}

async function writeFileAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await fs.promises.writeFile(tmp, text);
  await fs.promises.rename(tmp, file);
}

/**
 * Rewrites `quality.jsonl` with one line per dialogue: the values already there merged with
 * `updates` (an update's fields win). Written to a temporary file and renamed, so a reader never
 * sees half a file and a crash keeps the old one.
 */
export async function mergeQualityFile(runDir: string, updates: Iterable<DialogueQuality>): Promise<Map<string, DialogueQuality>> {
  const index = readQualityIndex(runDir);
  for (const u of updates) {
    const before = index.get(u.id);
    index.set(u.id, before ? { ...before, ...u } : u);
  }
  const lines: string[] = [];
  for (const q of index.values()) lines.push(cleanLine(q));
  await writeFileAtomic(path.join(runDir, QUALITY_FILE), lines.length ? lines.join('\n') + '\n' : '');
  return index;
}

/**
 * Appends lines to `quality.jsonl` (the judge's per-dialogue results). A torn last line from a
 * crash is ended first, so it cannot swallow the new line.
 */
export async function appendQualityLines(runDir: string, lines: readonly DialogueQuality[]): Promise<void> {
  if (lines.length === 0) return;
  const file = path.join(runDir, QUALITY_FILE);
  let prefix = '';
  try {
    const fh = await fs.promises.open(file, 'r');
    try {
      const { size } = await fh.stat();
      if (size > 0) {
        const last = Buffer.alloc(1);
        await fh.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) prefix = '\n';
      }
    } finally {
      await fh.close();
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await fs.promises.appendFile(file, prefix + lines.map(cleanLine).join('\n') + '\n');
}

/** Writes `duplicates.json` (atomically). */
export async function writeDuplicateClusters(runDir: string, value: DuplicateClusters): Promise<void> {
  await writeFileAtomic(path.join(runDir, DUPLICATES_FILE), JSON.stringify(value, null, 1) + '\n');
}

/** Reads `duplicates.json` of a run folder, or undefined when absent or unreadable. */
export function readDuplicateClusters(runDir: string): DuplicateClusters | undefined {
  try {
    const v = JSON.parse(fs.readFileSync(path.join(runDir, DUPLICATES_FILE), 'utf8')) as DuplicateClusters;
    return v && Array.isArray(v.clusters) ? v : undefined;
  } catch {
    return undefined;
  }
}
