/**
 * Every quality figure of one run folder: statistics (Table 1), diversity (H, D-3), coherence (SS,
 * and EnR when an NLI model is given), near-duplicate clusters, optionally the LLM judge and
 * leakage against an evaluation tool set. Writes the per-dialogue values to quality.jsonl and the
 * clusters to duplicates.json (qualityFiles.ts), and returns the run's summary for the report.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { QualityDuplicates, QualityJudge, RunQuality } from '../../../shared/qualityReport';
import type { Embedder } from '../../embedding/embedder';
import type { Tool } from '../../model/tool';
import { DIALOGUES_FILE, readDialogues, readManifest, readRunTools } from '../../pipeline/runStore';
import type { DialogueRecord, RunManifest } from '../../pipeline/types';
import { effectiveStatus } from '../../review/reviewState';
import { findDuplicates, DUPLICATE_DEFAULTS } from '../duplicates/findDuplicates';
import { runJudge, summarizeJudge, type JudgeOptions } from '../judge/runJudge';
import { checkLeakage } from '../leakage/checkLeakage';
import { DiversityCounter, diversityOf } from '../metrics/diversity';
import type { NliClassifier } from '../metrics/nliClassifier';
import { meanOf, pairSimilarities } from '../metrics/semanticSimilarity';
import { mergeQualityFile, readQualityIndex, writeDuplicateClusters, type DialogueQuality, type JudgeScores } from '../qualityFiles';
import { dialogueStats, runStats, type DialogueStats } from '../stats/runStats';
import { naturalTexts, roundPairs, type RoundPair } from '../text/dialogueText';

export type QualityEvent =
  | { type: 'phase'; run: string; phase: 'read' | 'stats' | 'diversity' | 'ss' | 'enr' | 'duplicates' | 'judge' | 'leakage' | 'write'; detail?: string }
  | { type: 'progress'; run: string; phase: 'ss' | 'enr' | 'judge'; done: number; total: number }
  | { type: 'note'; run: string; message: string };

export interface RunQualityOptions {
  /** Sentence embedder for SS (and the embedding leakage rule); SS is skipped without one. */
  embedder?: Embedder;
  /** NLI cross-encoder for EnR; EnR is absent without one. */
  nli?: NliClassifier;
  /** Run the LLM judge (its model and sample). */
  judge?: Omit<JudgeOptions, 'signal' | 'onEvent'>;
  /** Evaluation tools for the leakage check. */
  evalTools?: { tools: readonly Tool[]; source: string };
  /** Estimated Jaccard similarity from which two dialogues are near-duplicates (default 0.8). */
  duplicateThreshold?: number;
  embeddingLeakThreshold?: number;
  /** Embedding cache folder for the evaluation set's vectors (leakage). */
  cacheDir?: string;
  /** Notes to carry into the run's summary (e.g. why EnR is missing). */
  notes?: string[];
  signal?: AbortSignal;
  onEvent?: (e: QualityEvent) => void;
}

/** What a run's summary is computed from, kept for the report's distributions. */
export interface RunQualityResult {
  summary: RunQuality;
  perDialogue: DialogueQuality[];
  stats: DialogueStats[];
}

export class QualityInputError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'QualityInputError';
  }
}

function settingsOf(m: RunManifest | undefined): RunQuality['settings'] {
  if (!m) return { graph: null, plan: null, count: null, seed: null, model: null };
  return {
    graph: m.options?.sampling ? m.options.sampling === 'walk' : null,
    plan: typeof m.options?.plan === 'boolean' ? m.options.plan : null,
    count: typeof m.options?.count === 'number' ? m.options.count : null,
    seed: typeof m.options?.seed === 'number' ? m.options.seed : null,
    model: m.models?.assistant?.model ?? null,
  };
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

export async function computeRunQuality(dir: string, opts: RunQualityOptions = {}): Promise<RunQualityResult> {
  const name = path.basename(dir);
  const emit = (e: QualityEvent) => opts.onEvent?.(e);
  const notes = [...(opts.notes ?? [])];
  const note = (message: string) => {
    notes.push(message);
    emit({ type: 'note', run: name, message });
  };

  emit({ type: 'phase', run: name, phase: 'read' });
  const file = path.join(dir, DIALOGUES_FILE);
  if (!fs.existsSync(file)) throw new QualityInputError(`${dir} holds no ${DIALOGUES_FILE}: not a run folder`, 'name a folder written by `toolflow generate`');
  const read = await readDialogues(file);
  if (read.badLines.length > 0) note(`${file}: ${read.badLines.length} line(s) could not be read and were left out (first: line ${read.badLines[0]})`);
  const manifest = await readManifest(dir).catch(() => undefined);
  const counted: DialogueRecord[] = [];
  const rejected: DialogueRecord[] = [];
  for (const r of read.records) (effectiveStatus(r) === 'accepted' ? counted : rejected).push(r);

  emit({ type: 'phase', run: name, phase: 'stats' });
  const stats = counted.map(dialogueStats);
  const summaryStats = runStats(stats, rejected);

  emit({ type: 'phase', run: name, phase: 'diversity' });
  const runDiversity = new DiversityCounter();
  const perDialogue: DialogueQuality[] = counted.map((r, i) => {
    const texts = naturalTexts(r.messages);
    for (const t of texts) runDiversity.addText(t);
    const d = diversityOf(texts);
    const s = stats[i]!;
    return { id: r.id, tokens: s.tokens, calls: s.calls, callTurns: s.callTurns, entropy: d.entropy, distinct3: d.distinct3, ss: undefined, enr: undefined, pairs: 0, duplicateCluster: undefined };
  });
  const diversity = runDiversity.values();

  const pairs: RoundPair[][] = counted.map((r) => roundPairs(r.messages));
  pairs.forEach((p, i) => (perDialogue[i]!.pairs = p.length));
  const pairCount = pairs.reduce((a, p) => a + p.length, 0);
  let ss: number | null = null;
  if (opts.embedder) {
    throwIfAborted(opts.signal);
    emit({ type: 'phase', run: name, phase: 'ss', detail: opts.embedder.model.spec });
    const sims = await pairSimilarities(opts.embedder, pairs, { ...(opts.signal ? { signal: opts.signal } : {}), onProgress: (done, total) => emit({ type: 'progress', run: name, phase: 'ss', done, total }) });
    const all: number[] = [];
    sims.perDialogue.forEach((values, i) => {
      perDialogue[i]!.ss = meanOf(values);
      for (const v of values) all.push(v);
    });
    ss = meanOf(all) ?? null;
  }
  let enr: number | null | undefined;
  if (opts.nli) {
    throwIfAborted(opts.signal);
    emit({ type: 'phase', run: name, phase: 'enr', detail: opts.nli.model });
    const flat = pairs.flat();
    const labels = await opts.nli.classify(flat, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      onProgress: (e) => {
        if (e.type === 'classify') emit({ type: 'progress', run: name, phase: 'enr', done: e.done, total: e.total });
      },
    });
    let at = 0;
    let entailed = 0;
    pairs.forEach((p, i) => {
      if (p.length === 0) return;
      let k = 0;
      for (let j = 0; j < p.length; j++) if (labels[at + j] === opts.nli!.entailment) k++;
      at += p.length;
      entailed += k;
      perDialogue[i]!.enr = k / p.length;
    });
    enr = flat.length > 0 ? entailed / flat.length : null;
  }

  throwIfAborted(opts.signal);
  emit({ type: 'phase', run: name, phase: 'duplicates' });
  const threshold = opts.duplicateThreshold ?? DUPLICATE_DEFAULTS.threshold;
  const clusters = findDuplicates(counted, { threshold });
  const clusterOf = new Map<string, number>();
  for (const c of clusters.clusters) for (const m of c.members) clusterOf.set(m, c.id);
  for (const q of perDialogue) q.duplicateCluster = clusterOf.get(q.id);

  emit({ type: 'phase', run: name, phase: 'write' });
  await writeDuplicateClusters(dir, clusters);
  await mergeQualityFile(dir, perDialogue);

  let judge: QualityJudge | undefined;
  if (opts.judge) {
    emit({ type: 'phase', run: name, phase: 'judge', detail: opts.judge.modelName ?? '' });
    const result = await runJudge(dir, counted, {
      ...opts.judge,
      ...(opts.signal ? { signal: opts.signal } : {}),
      onEvent: (e) => {
        if (e.type === 'judged') emit({ type: 'progress', run: name, phase: 'judge', done: e.done, total: e.toDo });
        else if (e.type === 'judge-failed') note(`judge: ${e.id}: ${e.code}: ${e.message.split('\n')[0]}`);
      },
    });
    const s = summarizeJudge(result.scores.values());
    if (result.failed.length > 0) note(`judge: ${result.failed.length} dialogue(s) got no usable verdict; run the report with --judge again to retry them`);
    if (s) judge = { ...(opts.judge.modelName ? { model: opts.judge.modelName } : {}), ...s, sample: result.sample.length, failed: result.failed.length };
    await mergeQualityFile(dir, []); // compacts the appended verdicts into one line per dialogue
  } else {
    // Verdicts of an earlier --judge run still count.
    const index = readQualityIndex(dir);
    const earlier: JudgeScores[] = [];
    for (const r of counted) {
      const j = index.get(r.id)?.judge;
      if (j) earlier.push(j);
    }
    const s = summarizeJudge(earlier);
    if (s) judge = { ...(earlier[0]?.model ? { model: earlier[0].model } : {}), ...s, sample: s.judged, failed: 0 };
  }

  let leakage: RunQuality['leakage'];
  if (opts.evalTools) {
    throwIfAborted(opts.signal);
    emit({ type: 'phase', run: name, phase: 'leakage', detail: opts.evalTools.source });
    const tools = await readRunTools(dir);
    leakage = await checkLeakage(tools, opts.evalTools.tools, {
      evalSource: opts.evalTools.source,
      ...(opts.embedder ? { embedder: opts.embedder } : {}),
      ...(opts.embeddingLeakThreshold !== undefined ? { embeddingThreshold: opts.embeddingLeakThreshold } : {}),
      ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  }

  const inClusters = clusters.clusters.reduce((a, c) => a + c.members.length, 0);
  const duplicates: QualityDuplicates = {
    clusters: clusters.clusters.length,
    dialogues: inClusters,
    removable: inClusters - clusters.clusters.length,
    threshold,
    top: [...clusters.clusters]
      .sort((a, b) => b.members.length - a.members.length || a.id - b.id)
      .slice(0, 10)
      .map((c) => ({ id: c.id, members: c.members, similarity: c.similarity, snippets: c.shared?.[1]?.snippets ?? [] })),
  };

  const summary: RunQuality = {
    name,
    dir,
    settings: settingsOf(manifest),
    stats: summaryStats,
    diversity: { entropy: diversity.entropy, distinct3: diversity.distinct3 ?? null, words: diversity.words, trigrams: diversity.trigrams },
    coherence: {
      ss,
      ...(opts.nli ? { enr: enr ?? null, nliModel: opts.nli.model } : {}),
      pairs: pairCount,
      ...(opts.embedder ? { embeddingModel: opts.embedder.model.spec } : {}),
    },
    ...(judge ? { judge } : {}),
    duplicates,
    ...(leakage ? { leakage } : {}),
    notes,
  };
  return { summary, perDialogue, stats };
}
