/**
 * Near-duplicate dialogues: word 5-gram shingles of a dialogue's natural-language text (user and
 * assistant messages, as the diversity metrics read it) plus its tool-call names, MinHash
 * signatures (128 permutations), LSH with 16 bands x 8 rows, candidate pairs kept when their
 * estimated Jaccard similarity reaches the threshold (default 0.8), clusters as connected
 * components. The first member (earliest in the run) is the one an exporter keeps with --dedupe.
 */
import type { DialogueRecord } from '../../pipeline/types';
import type { DuplicateCluster, DuplicateClusters } from '../qualityFiles';
import { naturalTexts, wordsOf } from '../text/dialogueText';
import { MinHasher, estimatedJaccard, fnv1a, lshCandidates } from './minhash';

export interface DuplicateOptions {
  shingle?: number;
  threshold?: number;
  permutations?: number;
  bands?: number;
}

export const DUPLICATE_DEFAULTS = { shingle: 5, threshold: 0.8, permutations: 128, bands: 16 } as const;

/** Words of each message of the dialogue, and its tool-call names as one extra "message". */
export function dialogueWordRuns(record: Pick<DialogueRecord, 'messages'>): string[][] {
  const runs = naturalTexts(record.messages).map(wordsOf);
  const calls: string[] = [];
  for (const m of record.messages) if (m.role === 'assistant') for (const c of m.tool_calls ?? []) calls.push(`call:${c.function.name}`);
  if (calls.length) runs.push(calls);
  return runs;
}

/** Shingle strings of word runs (a run shorter than k words is one shingle). */
export function shinglesOf(runs: readonly string[][], k: number): Set<string> {
  const out = new Set<string>();
  for (const words of runs) {
    if (words.length === 0) continue;
    if (words.length < k) {
      out.add(words.join(' '));
      continue;
    }
    for (let i = 0; i + k <= words.length; i++) out.add(words.slice(i, i + k).join(' '));
  }
  return out;
}

class UnionFind {
  private readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n).map((_, i) => i);
  }
  find(x: number): number {
    while (this.parent[x] !== x) {
      this.parent[x] = this.parent[this.parent[x]!]!;
      x = this.parent[x]!;
    }
    return x;
  }
  union(a: number, b: number): void {
    const ra = this.find(a), rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

/** The longest runs of words of `words` whose shingles are all in `other` (at most `max`, longest first). */
function sharedSnippets(runs: readonly string[][], other: Set<string>, k: number, max = 3): string[] {
  const found: string[][] = [];
  for (const words of runs) {
    let start = -1;
    let end = -1;
    const flush = () => {
      if (start >= 0) found.push(words.slice(start, end));
      start = -1;
    };
    for (let i = 0; i + k <= words.length; i++) {
      if (other.has(words.slice(i, i + k).join(' '))) {
        if (start < 0 || i > end) {
          flush();
          start = i;
        }
        end = i + k;
      } else if (start >= 0 && i >= end) flush();
    }
    flush();
  }
  return found
    .sort((a, b) => b.length - a.length)
    .slice(0, max)
    .map((w) => {
      const t = w.join(' ');
      return t.length > 160 ? `${t.slice(0, 157)}…` : t;
    });
}

export function findDuplicates(records: readonly Pick<DialogueRecord, 'id' | 'messages'>[], opts: DuplicateOptions = {}): DuplicateClusters {
  const k = opts.shingle ?? DUPLICATE_DEFAULTS.shingle;
  const threshold = opts.threshold ?? DUPLICATE_DEFAULTS.threshold;
  const permutations = opts.permutations ?? DUPLICATE_DEFAULTS.permutations;
  const bands = opts.bands ?? DUPLICATE_DEFAULTS.bands;
  const rows = Math.floor(permutations / bands);
  if (rows < 1) throw new RangeError(`bands (${bands}) must not exceed permutations (${permutations})`);
  const hasher = new MinHasher(permutations);
  const signatures: Uint32Array[] = [];
  const empty: boolean[] = [];
  for (const r of records) {
    const shingles = shinglesOf(dialogueWordRuns(r), k);
    empty.push(shingles.size === 0);
    const hashes: number[] = [];
    for (const s of shingles) hashes.push(fnv1a(s));
    signatures.push(hasher.signature(hashes));
  }
  const uf = new UnionFind(records.length);
  for (const [i, j] of lshCandidates(signatures, bands, rows)) {
    if (empty[i] || empty[j]) continue;
    if (estimatedJaccard(signatures[i]!, signatures[j]!) >= threshold) uf.union(i, j);
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < records.length; i++) {
    const root = uf.find(i);
    const g = groups.get(root);
    if (g) g.push(i);
    else groups.set(root, [i]);
  }
  const clusters: DuplicateCluster[] = [];
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    members.sort((a, b) => a - b);
    const first = members[0]!;
    const firstShingles = shinglesOf(dialogueWordRuns(records[first]!), k);
    const shared = members.map((m) => {
      const runs = dialogueWordRuns(records[m]!);
      const own = shinglesOf(runs, k);
      let inFirst = 0;
      for (const s of own) if (firstShingles.has(s)) inFirst++;
      return { shingleOverlap: own.size ? inFirst / own.size : 0, snippets: m === first ? [] : sharedSnippets(runs, firstShingles, k) };
    });
    clusters.push({
      id: clusters.length + 1,
      members: members.map((m) => records[m]!.id),
      similarity: members.map((m) => estimatedJaccard(signatures[first]!, signatures[m]!)),
      shared,
    });
  }
  return { method: { method: 'minhash-lsh', shingle: k, unit: 'word', threshold, permutations, bands, rows }, clusters };
}
