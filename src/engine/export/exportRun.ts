/**
 * `exportRun(dir, options)`: reads a run folder, takes the dialogues asked for (reviewer verdicts
 * applied, rejected left out by default), removes near-duplicates on request, splits them (seeded),
 * converts each to the target format, writes the data files (each through a temporary file and a
 * rename, so a failed export never leaves half a file over an earlier one) with their provenance
 * side files, the dataset card (hf) or dataset_info.json (sharegpt), then validates every data file
 * it wrote. Plain Node: the CLI and the extension both call it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DIALOGUES_FILE, readDialogues, readManifest, RunFolderError } from '../pipeline/runStore';
import type { DialogueRecord, RunManifest } from '../pipeline/types';
import { DUPLICATES_FILE, readDuplicateClusters, readQualityIndex } from '../quality/qualityFiles';
import { isEdited, isReviewed, effectiveStatus } from '../review/reviewState';
import { CARD_MARKER, datasetCard } from './datasetCard';
import { formatModule } from './formats';
import { DATASET_INFO_FILE, datasetInfoEntry, mergedDatasetInfo } from './llamaFactory';
import { parquetBuffer } from './parquet';
import { dedupeRecords, selectRecords, type SelectionCounts } from './selection';
import { splitByDialogue, splitByTools } from './split';
import { DEFAULT_MAX_TOKENS, type ExportFormat, type IncludeMode, type SplitBy, type SplitName } from './types';
import { validateFile, type FileValidation } from './validateFile';

export interface ExportOptions {
  format: ExportFormat;
  /** The data file; default `<run>/export/<format>.jsonl`. With a split: `<stem>.train.jsonl` and `<stem>.validation.jsonl`. */
  output?: string;
  include?: IncludeMode;
  /** Share of dialogues for training, in (0, 1]; undefined = no split. */
  split?: number;
  splitBy?: SplitBy;
  seed?: number;
  dedupe?: boolean;
  /** Include the generation system prompt (default true). */
  system?: boolean;
  maxTokens?: number;
  signal?: AbortSignal;
  onProgress?: (p: ExportProgress) => void;
}

export interface ExportProgress {
  phase: 'read' | 'convert' | 'write' | 'validate' | 'done';
  message: string;
  /** Samples converted so far and in all (convert phase). */
  done?: number;
  total?: number;
}

export interface ExportedFile {
  path: string;
  kind: 'data' | 'parquet' | 'provenance' | 'card' | 'dataset_info';
  split?: SplitName;
  rows?: number;
}

export interface ExportResult {
  format: ExportFormat;
  run: string;
  files: ExportedFile[];
  selection: SelectionCounts;
  dedupe: { asked: boolean; clustersFound: boolean; removed: number };
  split?: { ratio: number; by: SplitBy; seed: number; train: number; validation: number; dropped: number; droppedIds: string[]; validationTools?: string[] };
  /** Samples written per split. */
  counts: Partial<Record<SplitName, number>>;
  /** What the format could not hold, counted: e.g. text beside calls (ShareGPT). */
  conversionNotes: Record<string, number>;
  /** Human-readable notes: skipped bad lines, missing duplicates.json, drops. */
  notes: string[];
  validation: FileValidation[];
  /** true when every written data file passed its validator without errors. */
  valid: boolean;
}

export class ExportError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ExportError';
  }
}

function stemOf(file: string): string {
  return file.replace(/\.(jsonl|json|parquet)$/i, '');
}

async function writeAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    await fs.promises.writeFile(tmp, data);
    await fs.promises.rename(tmp, file);
  } catch (e) {
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
}

function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('export cancelled');
}

export async function exportRun(runDir: string, options: ExportOptions): Promise<ExportResult> {
  const format = options.format;
  const mod = formatModule(format);
  if (!mod) throw new ExportError(`unknown format "${String(format)}"`, 'use openai, hf, sharegpt or hermes');
  const include = options.include ?? 'accepted';
  const seed = options.seed ?? 0;
  const progress = (p: ExportProgress) => options.onProgress?.(p);
  const notes: string[] = [];

  progress({ phase: 'read', message: `reading ${runDir}` });
  const dialoguesFile = path.join(runDir, DIALOGUES_FILE);
  if (!fs.existsSync(dialoguesFile)) throw new ExportError(`${dialoguesFile} does not exist: ${runDir} is not a run folder`, 'point at the folder `toolflow generate --out` wrote');
  let manifest: RunManifest | undefined;
  try {
    manifest = await readManifest(runDir);
  } catch (e) {
    if (!(e instanceof RunFolderError)) throw e;
    notes.push(`${path.join(runDir, 'manifest.json')} is missing or unreadable (${e.message.replace(/^.*?manifest\.json:? /, '')}); exporting without the generation settings`);
  }
  const read = await readDialogues(dialoguesFile);
  if (read.badLines.length) notes.push(`${dialoguesFile}: ${read.badLines.length} line(s) skipped as unreadable (line ${read.badLines.slice(0, 5).join(', ')}${read.badLines.length > 5 ? ', …' : ''})`);
  if (read.tornTail) notes.push(`${dialoguesFile}: the last line is incomplete (run still writing, or interrupted) and was skipped`);
  const ordered = [...read.records].sort((a, b) => a.index - b.index);
  const { records: taken, counts: selection } = selectRecords(ordered, include);
  // A dialogue that failed before its first turn (e.g. no usable plan) has nothing to train on.
  const selected = taken.filter((r) => r.messages.length > 0);
  if (selected.length < taken.length) notes.push(`${taken.length - selected.length} dialogue(s) left out: they have no messages (they failed before the first turn)`);

  let records = selected;
  const dedupe = { asked: !!options.dedupe, clustersFound: false, removed: 0 };
  if (options.dedupe) {
    const clusters = readDuplicateClusters(runDir);
    if (!clusters) notes.push(`--dedupe: no ${DUPLICATES_FILE} in ${runDir} (it is written by the quality report, \`toolflow report\`); nothing removed`);
    else {
      dedupe.clustersFound = true;
      const d = dedupeRecords(records, clusters);
      records = d.records;
      dedupe.removed = d.removed.length;
    }
  }
  if (records.length === 0) {
    throw new ExportError(
      `no dialogue to export from ${runDir}: ${selection.read} read, ${selection.rejected} rejected${selection.unreviewed ? `, ${selection.unreviewed} not reviewed` : ''}${dedupe.removed ? `, ${dedupe.removed} near-duplicates` : ''}`,
      include === 'reviewed' ? 'no accepted dialogue has been reviewed yet: review some, or use --include accepted' : include === 'all' ? undefined : 'use --include all to export rejected dialogues too',
    );
  }

  let parts: Array<{ split: SplitName; records: DialogueRecord[] }>;
  let split: ExportResult['split'];
  if (options.split !== undefined && options.split < 1) {
    const ratio = options.split;
    if (!(ratio > 0)) throw new ExportError(`--split must be in (0, 1], got ${ratio}`, 'e.g. --split 0.9 for 90 % training');
    const by = options.splitBy ?? 'dialogue';
    const s = by === 'tools' ? splitByTools(records, ratio, seed) : splitByDialogue(records, ratio, seed);
    split = { ratio, by, seed, train: s.train.length, validation: s.validation.length, dropped: s.dropped.length, droppedIds: s.dropped.map((r) => r.id), ...(s.validationTools ? { validationTools: s.validationTools } : {}) };
    if (s.dropped.length) notes.push(`--split-by tools: ${s.dropped.length} dialogue(s) dropped because they offer tools from both sides (a validation tool must never be seen in training)`);
    if (s.validation.length === 0) notes.push('the validation split is empty: too few dialogues (or one tool in every dialogue) to hold any out');
    parts = [
      { split: 'train', records: s.train },
      { split: 'validation', records: s.validation },
    ];
  } else parts = [{ split: 'train', records }];

  const output = path.resolve(options.output ?? path.join(runDir, 'export', `${format}.jsonl`));
  const stem = stemOf(output);
  const dataPath = (s: SplitName) => (parts.length === 1 ? (/\.jsonl?$/i.test(output) ? output : `${output}.jsonl`) : `${stem}.${s}.jsonl`);
  const runName = path.basename(path.resolve(runDir));
  if (format === 'sharegpt') {
    // A broken dataset_info.json stops the export before any file is replaced.
    try {
      mergedDatasetInfo(path.dirname(output), {});
    } catch (e) {
      throw new ExportError(e instanceof Error ? e.message : String(e));
    }
  }
  const files: ExportedFile[] = [];
  const counts: ExportResult['counts'] = {};
  const conversionNotes: Record<string, number> = {};
  const total = parts.reduce((a, p) => a + p.records.length, 0);
  let done = 0;

  for (const part of parts) {
    const lines: string[] = [];
    const prov: string[] = [];
    const rows: Array<{ id: string; sample: Record<string, unknown> }> = [];
    const file = dataPath(part.split);
    for (const r of part.records) {
      checkAborted(options.signal);
      const { sample, notes: n } = mod.convert(r, { system: options.system !== false });
      for (const x of n) conversionNotes[x] = (conversionNotes[x] ?? 0) + 1;
      lines.push(JSON.stringify(sample));
      rows.push({ id: r.id, sample });
      prov.push(JSON.stringify({ file: path.basename(file), line: lines.length, split: part.split, run: runName, dialogueId: r.id, index: r.index, seed: r.seed, status: effectiveStatus(r), reviewed: isReviewed(r), edited: isEdited(r) }));
      done++;
      if (done % 50 === 0 || done === total) progress({ phase: 'convert', message: `converted ${done}/${total}`, done, total });
    }
    checkAborted(options.signal);
    progress({ phase: 'write', message: `writing ${file}` });
    await writeAtomic(file, lines.length ? lines.join('\n') + '\n' : '');
    files.push({ path: file, kind: 'data', split: part.split, rows: lines.length });
    const provFile = `${stemOf(file)}.provenance.jsonl`;
    await writeAtomic(provFile, prov.length ? prov.join('\n') + '\n' : '');
    files.push({ path: provFile, kind: 'provenance', split: part.split, rows: prov.length });
    if (format === 'hf') {
      const pq = `${stemOf(file)}.parquet`;
      await writeAtomic(pq, new Uint8Array(parquetBuffer(rows)));
      files.push({ path: pq, kind: 'parquet', split: part.split, rows: rows.length });
    }
    counts[part.split] = lines.length;
  }

  const outDir = path.dirname(output);
  if (format === 'sharegpt') {
    const base = path.basename(stem).replace(/[^A-Za-z0-9_.-]/g, '_');
    const entries: Record<string, Record<string, unknown>> = {};
    for (const f of files.filter((x) => x.kind === 'data')) entries[parts.length === 1 ? `toolflow_${runName}_${base}` : `toolflow_${runName}_${base}_${f.split}`] = datasetInfoEntry(path.relative(outDir, f.path));
    let text: string;
    try {
      text = mergedDatasetInfo(outDir, entries);
    } catch (e) {
      throw new ExportError(e instanceof Error ? e.message : String(e));
    }
    const infoFile = path.join(outDir, DATASET_INFO_FILE);
    await writeAtomic(infoFile, text);
    files.push({ path: infoFile, kind: 'dataset_info' });
  }

  const validation: FileValidation[] = [];
  for (const f of files.filter((x) => x.kind === 'data' || x.kind === 'parquet')) {
    checkAborted(options.signal);
    progress({ phase: 'validate', message: `validating ${path.basename(f.path)}` });
    validation.push(await validateFile(f.path, format, { maxTokens: options.maxTokens ?? DEFAULT_MAX_TOKENS }));
  }

  if (format === 'hf') {
    let card = path.join(outDir, 'README.md');
    const existing = fs.existsSync(card) ? fs.readFileSync(card, 'utf8') : undefined;
    if (existing !== undefined && !existing.includes(CARD_MARKER)) {
      card = `${stem}.README.md`;
      notes.push(`${path.join(outDir, 'README.md')} exists and was not written by toolflow: the dataset card went to ${card}`);
    }
    const data = validation.filter((v) => v.file.endsWith('.jsonl'));
    const tokenCounts = data.flatMap((v) => v.tokenCounts);
    await writeAtomic(
      card,
      datasetCard({
        runName,
        ...(manifest ? { manifest } : {}),
        format,
        dataFiles: files.filter((f) => f.kind === 'data').map((f) => ({ split: f.split!, path: path.relative(outDir, f.path), rows: f.rows ?? 0 })),
        total,
        include,
        dedupe: { applied: dedupe.clustersFound, removed: dedupe.removed },
        ...(split ? { split: { ratio: split.ratio, by: split.by, seed, dropped: split.dropped } } : {}),
        quality: readQualityIndex(runDir),
        exportedIds: parts.flatMap((p) => p.records.map((r) => r.id)),
        ...(tokenCounts.length ? { tokens: { mean: Math.round(tokenCounts.reduce((a, b) => a + b, 0) / tokenCounts.length), max: Math.max(...tokenCounts) } } : {}),
      }),
    );
    files.push({ path: card, kind: 'card' });
  }
  for (const [note, n] of Object.entries(conversionNotes)) notes.push(`${n} assistant turn(s): ${note}`);
  progress({ phase: 'done', message: `exported ${total} dialogue(s)` });
  return { format, run: runName, files, selection, dedupe, ...(split ? { split } : {}), counts, conversionNotes, notes, validation, valid: validation.every((v) => v.errors === 0) };
}
