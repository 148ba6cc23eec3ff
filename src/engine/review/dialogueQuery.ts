/**
 * Filters and search of the review editor. Filters (status, reason code, tool, tag, reviewed, score)
 * read the in-memory summaries; search reads the file itself, a few MB at a time, so the extension
 * host never holds the records' text. No `vscode` import.
 */
import fs from 'node:fs';
import type { DialogueSummary } from './dialogueIndex';

export interface DialogueQuery {
  status?: 'accepted' | 'rejected';
  /** A reason code: matches dialogues carrying it. */
  reason?: string;
  /** A tool name: offered to or called in the dialogue. */
  tool?: string;
  tag?: string;
  reviewed?: boolean;
  edited?: boolean;
  /** Inclusive bounds on the judge score (dialogues without a score never match a bound). */
  minScore?: number;
  maxScore?: number;
  /** Case-insensitive (ASCII) text searched in the dialogue's line: messages, tools, reasons, note, tags. */
  search?: string;
}

export function matchesFilters(s: DialogueSummary, q: DialogueQuery, score: number | undefined): boolean {
  if (q.status && s.status !== q.status) return false;
  if (q.reason && !s.reasons.includes(q.reason)) return false;
  if (q.tool && !s.tools.includes(q.tool) && !s.called.includes(q.tool)) return false;
  if (q.tag && !s.tags.includes(q.tag)) return false;
  if (q.reviewed !== undefined && s.reviewed !== q.reviewed) return false;
  if (q.edited !== undefined && s.edited !== q.edited) return false;
  if (q.minScore !== undefined && (score === undefined || score < q.minScore)) return false;
  if (q.maxScore !== undefined && (score === undefined || score > q.maxScore)) return false;
  return true;
}

const CHUNK = 8 * 1024 * 1024;

/**
 * How the needle appears in a JSON line: escaped as JSON string content, as UTF-8 bytes, ASCII
 * letters folded to lower case (other letters match as typed).
 */
function needleBytes(search: string): Uint8Array {
  const bytes = Buffer.from(JSON.stringify(search).slice(1, -1), 'utf8');
  for (let i = 0; i < bytes.length; i++) bytes[i] = fold(bytes[i]!);
  return bytes;
}

/** ASCII upper-case letters to lower case; every other byte to itself. */
const FOLD = new Uint8Array(256).map((_, c) => (c >= 65 && c <= 90 ? c | 32 : c));

function fold(c: number): number {
  return FOLD[c]!;
}

/**
 * Case-folding Boyer-Moore-Horspool over raw bytes: compares from the needle's end and skips ahead
 * by the table, so it reads only a fraction of the bytes for needles of a few characters, with no
 * decoding or lower-cased copy of the file. Returns the first match at or after `from`, or -1.
 */
export class FoldedSearch {
  private readonly skip = new Int32Array(256);
  constructor(readonly needle: Uint8Array) {
    const m = needle.length;
    this.skip.fill(m);
    for (let i = 0; i < m - 1; i++) {
      const c = needle[i]!;
      this.skip[c] = m - 1 - i;
      if (c >= 97 && c <= 122) this.skip[c - 32] = m - 1 - i;
    }
  }

  indexIn(hay: Uint8Array, from: number, end: number): number {
    const n = this.needle;
    const m = n.length;
    const skip = this.skip;
    const last = n[m - 1]!;
    let i = from;
    while (i <= end - m) {
      const c = hay[i + m - 1]!;
      // the last byte first (the table lookup inlined): most positions are rejected here
      if (FOLD[c] !== last) {
        i += skip[c]!;
        continue;
      }
      let j = m - 2;
      while (j >= 0 && FOLD[hay[i + j]!] === n[j]) j--;
      if (j < 0) return i;
      i += skip[hay[i + m - 1]!]!;
    }
    return -1;
  }
}

export interface SearchSource {
  file: string;
  /** Bytes indexed (search stops there). */
  end: number;
  count: number;
  /** Byte range of a dialogue's line on disk; slots are in offset order. */
  range(slot: number): { offset: number; length: number };
  /** Changed lines, searched as they are now instead of their disk text. */
  changed: ReadonlyMap<number, string>;
}

/** The folded form of a search (two searches with the same key match the same lines). */
export function searchKey(search: string): string {
  return Buffer.from(needleBytes(search)).toString('latin1');
}

/**
 * Slots whose line contains `search`. With `within`, only those slots are read (a search that
 * extends the previous one, e.g. while typing, only needs to look at the previous hits).
 */
export async function searchSlots(src: SearchSource, search: string, signal?: AbortSignal, within?: ReadonlySet<number>): Promise<Set<number>> {
  const needle = needleBytes(search);
  const found = new Set<number>();
  if (needle.length === 0 || src.count === 0) return found;
  const finder = new FoldedSearch(needle);
  const fh = await fs.promises.open(src.file, 'r');
  if (within) {
    try {
      let buf = Buffer.allocUnsafe(64 * 1024);
      for (const slot of within) {
        if (src.changed.has(slot)) continue;
        signal?.throwIfAborted();
        const r = src.range(slot);
        if (buf.length < r.length) buf = Buffer.allocUnsafe(r.length);
        const { bytesRead } = await fh.read(buf, 0, r.length, r.offset);
        if (finder.indexIn(buf, 0, bytesRead) !== -1) found.add(slot);
      }
    } finally {
      await fh.close();
    }
    return withChanged(found, src, finder);
  }
  try {
    const end = src.end;
    const buf = Buffer.allocUnsafe(CHUNK + needle.length);
    let pos = 0;
    let slot = 0;
    while (pos < end) {
      signal?.throwIfAborted();
      const want = Math.min(CHUNK + needle.length - 1, end - pos);
      const { bytesRead } = await fh.read(buf, 0, want, pos);
      if (bytesRead === 0) break;
      let at = finder.indexIn(buf, 0, bytesRead);
      while (at !== -1) {
        const abs = pos + at;
        // slots are in offset order: advance to the line holding `abs`.
        while (slot + 1 < src.count && src.range(slot + 1).offset <= abs) slot++;
        const r = src.range(slot);
        if (r.offset <= abs && abs + needle.length <= r.offset + r.length) found.add(slot);
        // skip to the next line: one match per line is enough
        const next = slot + 1 < src.count ? src.range(slot + 1).offset - pos : bytesRead;
        at = finder.indexIn(buf, Math.max(at + 1, next), bytesRead);
      }
      if (pos + bytesRead >= end) break;
      pos += Math.max(1, bytesRead - (needle.length - 1));
    }
  } finally {
    await fh.close();
  }
  return withChanged(found, src, finder);
}

/** Changed lines: their disk text no longer counts, their current text does. */
function withChanged(found: Set<number>, src: SearchSource, finder: FoldedSearch): Set<number> {
  for (const [slot, text] of src.changed) {
    const bytes = Buffer.from(text, 'utf8');
    if (finder.indexIn(bytes, 0, bytes.length) !== -1) found.add(slot);
    else found.delete(slot);
  }
  return found;
}
