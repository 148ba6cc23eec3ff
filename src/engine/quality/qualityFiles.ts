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
}

export interface DuplicateCluster {
  id: number;
  /** Dialogue ids, the first is the one an exporter keeps with --dedupe. */
  members: string[];
  /** Estimated Jaccard similarity of each member to the first (same order as members). */
  similarity: number[];
}

export interface DuplicateClusters {
  /** How clusters were found, e.g. `{ "method": "minhash-lsh", "shingle": 5, "threshold": 0.8 }`. */
  method: Record<string, unknown>;
  clusters: DuplicateCluster[];
}

/** Reads `quality.jsonl` of a run folder (empty map when absent; bad lines are skipped). */
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
      if (v && typeof v.id === 'string') out.set(v.id, v);
    } catch {
      /* a torn or hand-broken line: skip */
    }
  }
  return out;
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
