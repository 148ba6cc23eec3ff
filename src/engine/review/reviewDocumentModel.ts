/**
 * The document model of the review editor (after vscode-hexeditor's `HexDocumentModel`): a run's
 * `dialogues.jsonl` as a line index plus the lines a reviewer changed. Nothing else of the file is
 * held: a record is read from its byte range when asked for, and a changed record lives here as its
 * new line text until it is saved.
 *
 * - Edits: every change of one dialogue is a `ReviewEdit` holding the whole line before and after
 *   (records are a few KB), so undo and redo are "put that line back", in any order the editor
 *   replays them, and stay right after a save (the saved line simply becomes the disk's).
 * - Save: writes a temporary file beside the original (unchanged lines copied byte for byte, changed
 *   lines replaced), fsyncs it and renames it over the original, so a crash leaves the old file or the
 *   new one, never half of each. It holds the run's lock while it writes, so it never races a generator.
 * - Backup: the changed lines (with their ids and the text they replaced) as JSON; `restore` puts them
 *   back on a fresh index after checking that the file still holds the lines they replaced.
 *
 * No `vscode` import: the extension's `CustomDocument` wraps this, tests drive it directly.
 */
import fs from 'node:fs';
import path from 'node:path';
import { acquireRunLock } from '../pipeline/runLock';
import { readQualityIndex, type DialogueQuality } from '../quality/qualityFiles';
import { matchesFilters, type DialogueQuery } from './dialogueQuery';
import { SearchTextStore, searchNeedle, searchTextOf } from './searchText';
import { entryFromText, readLineAt, scanLines, type DialogueSummary, type LineEntry } from './dialogueIndex';
import type { ReviewCountsView } from '../../shared/review';
import { applyReviewAction, describeAction, type ReviewAction, type ReviewContext, type ReviewedRecord } from './reviewState';

/** One change of one dialogue. */
export interface ReviewEdit {
  /** Position of the dialogue in the model (stable while the model lives). */
  slot: number;
  id: string;
  label: string;
  before: string;
  after: string;
}

export interface ReviewBackup {
  format: 'toolflow.review-backup';
  version: 1;
  file: string;
  /** Changed lines: slot, dialogue id, the text on disk it replaces and the new text. */
  lines: Array<{ slot: number; id: string; disk: string; text: string }>;
}

/** Counts over the whole file; the shape the webview shows (src/shared/review.ts). */
export type ReviewCounts = ReviewCountsView;

/** The file changed under the editor in a way its edits cannot be applied to. */
export class ReviewFileChangedError extends Error {
  constructor(readonly file: string, detail: string) {
    super(`${file} changed on disk (${detail}); revert the editor to reload it, then redo your changes`);
    this.name = 'ReviewFileChangedError';
  }
}

export interface SaveOptions {
  /** Hold the run folder's lock while writing (default true when saving over the opened file). */
  lock?: boolean;
  signal?: AbortSignal;
}

const COPY_CHUNK = 4 * 1024 * 1024;

/** The review score of a dialogue: the judge's mean when judged. */
export function qualityScore(q: DialogueQuality | undefined): number | undefined {
  const j = q?.judge;
  if (!j) return undefined;
  const vals = [j.naturalness, j.coherence, j.helpfulness, j.accuracy].filter((v) => typeof v === 'number' && Number.isFinite(v));
  return vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : undefined;
}

export class ReviewDocumentModel {
  /** Dialogue lines, in file order; a slot is an index into this array. */
  private readonly entries: LineEntry[] = [];
  /** Lines that are not dialogue records (`dialogues.jsonl:12: not valid JSON (...)`). */
  readonly problems: string[] = [];
  /** Changed lines: slot -> current text (only while it differs from the disk). */
  private readonly overlay = new Map<number, string>();
  /** slot -> the disk's text of a line in `overlay` (what a save replaces, what a backup checks). */
  private readonly disk = new Map<number, string>();
  private readonly done: ReviewEdit[] = [];
  private readonly undone: ReviewEdit[] = [];
  private end = 0;
  /** What search reads: each dialogue's text as on disk (changed lines are searched as they are now). */
  private readonly searchTexts = new SearchTextStore();
  private nextLine = 1;
  private quality: Map<string, DialogueQuality>;

  private constructor(readonly file: string) {
    this.quality = readQualityIndex(path.dirname(file));
  }

  /** Indexes `file` (streamed). */
  static async open(file: string, signal?: AbortSignal): Promise<ReviewDocumentModel> {
    const m = new ReviewDocumentModel(file);
    await m.extend(signal);
    return m;
  }

  /** Opens `file` and re-applies a backup's changed lines. */
  static async restore(file: string, backup: ReviewBackup, signal?: AbortSignal): Promise<ReviewDocumentModel> {
    if (backup.format !== 'toolflow.review-backup' || backup.version !== 1) throw new Error('not a review editor backup');
    const m = await ReviewDocumentModel.open(file, signal);
    for (const l of backup.lines) {
      const s = m.entries[l.slot]?.summary;
      if (!s || s.id !== l.id) throw new ReviewFileChangedError(file, `dialogue ${l.id} is no longer line ${l.slot + 1} of the records`);
      const now = await m.diskText(l.slot);
      if (now !== l.disk) throw new ReviewFileChangedError(file, `dialogue ${l.id} was changed by another program`);
      m.setLine(l.slot, l.text);
    }
    return m;
  }

  get count(): number {
    return this.entries.length;
  }

  /** Bytes held for search (the dialogues' search texts). */
  get searchTextBytes(): number {
    return this.searchTexts.bytes;
  }

  /** Bytes of the file indexed so far (up to the end of its last complete line). */
  get indexedBytes(): number {
    return this.end;
  }

  summary(slot: number): DialogueSummary {
    const s = this.entries[slot]?.summary;
    if (!s) throw new RangeError(`no dialogue at slot ${slot} (${this.entries.length} dialogues)`);
    return s;
  }

  summaries(): DialogueSummary[] {
    return this.entries.map((e) => e.summary!);
  }

  /** 1-based line number of a dialogue in the file. */
  lineNumber(slot: number): number {
    return this.entries[slot]?.line ?? -1;
  }

  slotOfId(id: string): number {
    return this.entries.findIndex((e) => e.summary?.id === id);
  }

  score(slot: number): number | undefined {
    return qualityScore(this.quality.get(this.summary(slot).id));
  }

  qualityOf(slot: number): DialogueQuality | undefined {
    return this.quality.get(this.summary(slot).id);
  }

  /** Re-reads quality.jsonl (written by `toolflow report` at any time). */
  reloadQuality(): void {
    this.quality = readQualityIndex(path.dirname(this.file));
  }

  get isDirty(): boolean {
    return this.overlay.size > 0;
  }

  /** Slots whose line differs from the disk. */
  changedSlots(): number[] {
    return [...this.overlay.keys()].sort((a, b) => a - b);
  }

  /** Indexes lines appended since the last call (a run being written). Returns the new slots. */
  async extend(signal?: AbortSignal): Promise<number[]> {
    let size: number;
    try {
      size = (await fs.promises.stat(this.file)).size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' && this.end === 0) return [];
      throw e;
    }
    if (size < this.end) throw new ReviewFileChangedError(this.file, `it is now ${size} bytes, shorter than the ${this.end} bytes indexed`);
    if (size === this.end) return [];
    const base = this.entries.length;
    let next = base;
    let scanned;
    try {
      scanned = await scanLines(this.file, this.end, this.nextLine, signal, { onDialogue: (_e, record) => this.searchTexts.set(next++, searchTextOf(record)) });
    } catch (e) {
      this.searchTexts.truncate(base);
      throw e;
    }
    const { entries, end, nextLine } = scanned;
    const added: number[] = [];
    for (const e of entries) {
      if (e.summary) {
        added.push(this.entries.length);
        this.entries.push(e);
      } else {
        this.problems.push(`${path.basename(this.file)}:${e.line}: ${e.problem ?? 'not a dialogue'}`);
      }
    }
    this.end = end;
    this.nextLine = nextLine;
    return added;
  }

  private async diskText(slot: number): Promise<string> {
    const e = this.entries[slot];
    if (!e) throw new RangeError(`no dialogue at slot ${slot}`);
    return readLineAt(this.file, e.offset, e.length);
  }

  /** The current text of a dialogue's line (changed or from disk). */
  async lineText(slot: number): Promise<string> {
    return this.overlay.get(slot) ?? this.diskText(slot);
  }

  async record(slot: number): Promise<ReviewedRecord> {
    return JSON.parse(await this.lineText(slot)) as ReviewedRecord;
  }

  private setLine(slot: number, text: string): void {
    // A search checks every changed line as it is now (see query), so the search texts stay as on disk.
    const entry = this.entries[slot]!;
    const disk = this.disk.get(slot);
    if (disk !== undefined && text === disk) {
      this.overlay.delete(slot);
      this.disk.delete(slot);
    } else {
      this.overlay.set(slot, text);
    }
    const next = entryFromText(text, entry.offset, entry.length, entry.line);
    if (next.summary) entry.summary = next.summary;
  }

  /** Applies a reviewer's action to one dialogue; the returned edit can be undone and redone. */
  async apply(slot: number, action: ReviewAction, ctx: ReviewContext = {}): Promise<ReviewEdit> {
    const before = await this.lineText(slot);
    if (!this.overlay.has(slot)) this.disk.set(slot, before);
    const record = JSON.parse(before) as ReviewedRecord;
    const after = JSON.stringify(applyReviewAction(record, action, ctx));
    const edit: ReviewEdit = { slot, id: record.id, label: describeAction(action), before, after };
    this.setLine(slot, after);
    this.done.push(edit);
    this.undone.length = 0;
    return edit;
  }

  /** Puts back the line an edit replaced (VS Code's undo calls this for the edit it undoes). */
  undoEdit(edit: ReviewEdit): void {
    this.replay(edit, edit.after, edit.before, this.done, this.undone);
  }

  redoEdit(edit: ReviewEdit): void {
    this.replay(edit, edit.before, edit.after, this.undone, this.done);
  }

  /** Puts `to` in the edit's line and moves the edit from one stack to the other (undo and redo alike). */
  private replay(edit: ReviewEdit, from: string, to: string, source: ReviewEdit[], target: ReviewEdit[]): void {
    // Not changed since the last save: the disk holds `from`.
    if (!this.overlay.has(edit.slot)) this.disk.set(edit.slot, from);
    this.setLine(edit.slot, to);
    const i = source.lastIndexOf(edit);
    if (i >= 0) source.splice(i, 1);
    target.push(edit);
  }

  undo(): ReviewEdit | undefined {
    const e = this.done[this.done.length - 1];
    if (e) this.undoEdit(e);
    return e;
  }

  redo(): ReviewEdit | undefined {
    const e = this.undone[this.undone.length - 1];
    if (e) this.redoEdit(e);
    return e;
  }

  /** Slots matching a query, in file order. */
  async query(q: DialogueQuery, signal?: AbortSignal): Promise<number[]> {
    const search = q.search?.trim();
    let hits: Set<number> | undefined;
    if (search) {
      const needle = searchNeedle(search);
      hits = this.searchTexts.search(needle);
      signal?.throwIfAborted();
      // Changed lines: their disk text no longer counts, their current text does.
      for (const [slot, text] of this.overlay) {
        if (searchTextOf(JSON.parse(text)).includes(needle)) hits.add(slot);
        else hits.delete(slot);
      }
    }
    const out: number[] = [];
    for (let i = 0; i < this.entries.length; i++) {
      if (hits && !hits.has(i)) continue;
      if (matchesFilters(this.entries[i]!.summary!, q, this.score(i))) out.push(i);
    }
    return out;
  }

  /** Counts for the status bar of the editor and the filter menus. */
  counts(): ReviewCounts {
    const c: ReviewCounts = { total: 0, accepted: 0, rejected: 0, reviewed: 0, edited: 0, verdicts: 0, reasons: {}, tools: {}, tags: {}, scored: 0 };
    for (let i = 0; i < this.entries.length; i++) {
      const s = this.entries[i]!.summary!;
      c.total++;
      if (s.status === 'accepted') c.accepted++;
      else c.rejected++;
      if (s.reviewed) c.reviewed++;
      if (s.edited) c.edited++;
      if (s.verdict) c.verdicts++;
      for (const r of new Set(s.reasons)) c.reasons[r] = (c.reasons[r] ?? 0) + 1;
      for (const t of new Set([...s.tools, ...s.called])) c.tools[t] = (c.tools[t] ?? 0) + 1;
      for (const t of s.tags) c.tags[t] = (c.tags[t] ?? 0) + 1;
      if (this.score(i) !== undefined) c.scored++;
    }
    return c;
  }

  backup(): ReviewBackup {
    return {
      format: 'toolflow.review-backup',
      version: 1,
      file: this.file,
      lines: this.changedSlots().map((slot) => ({ slot, id: this.summary(slot).id, disk: this.disk.get(slot)!, text: this.overlay.get(slot)! })),
    };
  }

  /** Forgets every change and indexes the file again. */
  async revert(signal?: AbortSignal): Promise<void> {
    this.overlay.clear();
    this.disk.clear();
    this.done.length = 0;
    this.undone.length = 0;
    this.entries.length = 0;
    this.problems.length = 0;
    this.searchTexts.clear();
    this.end = 0;
    this.nextLine = 1;
    await this.extend(signal);
  }

  /**
   * Writes the changed lines. Over the opened file (default) it is atomic and holds the run's lock;
   * to another path (`Save As`) it writes a whole copy the same way.
   */
  async save(target: string = this.file, opts: SaveOptions = {}): Promise<void> {
    const overOriginal = path.resolve(target) === path.resolve(this.file);
    const lock = (opts.lock ?? overOriginal) ? acquireRunLock(path.dirname(target), 'review editor') : undefined;
    try {
      const slots = this.changedSlots();
      // The lines we replace must still be what we read: another program may have rewritten the file.
      for (const slot of slots) {
        if ((await this.diskText(slot).catch(() => undefined)) !== this.disk.get(slot)) throw new ReviewFileChangedError(this.file, `dialogue ${this.summary(slot).id} on line ${this.lineNumber(slot)} is not what was opened`);
      }
      const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.review.tmp`);
      const src = await fs.promises.open(this.file, 'r');
      let out: fs.promises.FileHandle | undefined;
      try {
        out = await fs.promises.open(tmp, 'w');
        const size = (await src.stat()).size;
        const buf = Buffer.allocUnsafe(COPY_CHUNK);
        const copy = async (from: number, to: number) => {
          let pos = from;
          while (pos < to) {
            opts.signal?.throwIfAborted();
            const { bytesRead } = await src.read(buf, 0, Math.min(COPY_CHUNK, to - pos), pos);
            if (bytesRead === 0) throw new ReviewFileChangedError(this.file, 'it became shorter while saving');
            await out!.write(buf, 0, bytesRead);
            pos += bytesRead;
          }
        };
        let pos = 0;
        for (const slot of slots) {
          const e = this.entries[slot]!;
          await copy(pos, e.offset);
          await out.write(Buffer.from(this.overlay.get(slot)!, 'utf8'));
          pos = e.offset + e.length;
        }
        await copy(pos, size);
        await out.sync();
      } catch (e) {
        await out?.close().catch(() => undefined);
        out = undefined;
        await fs.promises.rm(tmp, { force: true });
        throw e;
      } finally {
        await out?.close();
        await src.close();
      }
      await fs.promises.rename(tmp, target);
      if (!overOriginal) return;
      // Shift the index by what each rewritten line grew or shrank.
      const changed = new Map(slots.map((s) => [s, Buffer.byteLength(this.overlay.get(s)!, 'utf8')]));
      let delta = 0;
      for (let i = 0; i < this.entries.length; i++) {
        const e = this.entries[i]!;
        e.offset += delta;
        const len = changed.get(i);
        if (len !== undefined) {
          delta += len - e.length;
          e.length = len;
        }
      }
      this.end += delta;
      for (const slot of slots) this.searchTexts.set(slot, searchTextOf(JSON.parse(this.overlay.get(slot)!)));
      this.overlay.clear();
      this.disk.clear();
    } finally {
      lock?.release();
    }
  }
}
