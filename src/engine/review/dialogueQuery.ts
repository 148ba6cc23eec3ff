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
 * How the needle appears in a JSON line: escaped as JSON string content, as UTF-8 bytes read as
 * latin1 (so a string offset is a byte offset), lower-cased (ASCII letters; other letters as typed).
 */
function needleBytes(search: string): string {
  return Buffer.from(JSON.stringify(search).slice(1, -1), 'utf8').toString('latin1').toLowerCase();
}

/** Slots whose line contains `search` (the changed lines are searched as they are now). */
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

/** Slots whose line contains `search`. */
export async function searchSlots(src: SearchSource, search: string, signal?: AbortSignal): Promise<Set<number>> {
  const needle = needleBytes(search);
  const found = new Set<number>();
  if (needle === '' || src.count === 0) return found;
  const fh = await fs.promises.open(src.file, 'r');
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
      const hay = buf.toString('latin1', 0, bytesRead).toLowerCase();
      let at = hay.indexOf(needle);
      while (at !== -1) {
        const abs = pos + at;
        // slots are in offset order: advance to the line holding `abs`.
        while (slot + 1 < src.count && src.range(slot + 1).offset <= abs) slot++;
        const r = src.range(slot);
        if (r.offset <= abs && abs + needle.length <= r.offset + r.length) found.add(slot);
        // skip to the next line: one match per line is enough
        const next = slot + 1 < src.count ? src.range(slot + 1).offset - pos : bytesRead;
        at = hay.indexOf(needle, Math.max(at + 1, next));
      }
      if (pos + bytesRead >= end) break;
      pos += Math.max(1, bytesRead - (needle.length - 1));
    }
  } finally {
    await fh.close();
  }
  // Changed lines: their disk text no longer counts.
  for (const [slot, text] of src.changed) {
    if (Buffer.from(text, 'utf8').toString('latin1').toLowerCase().includes(needle)) found.add(slot);
    else found.delete(slot);
  }
  return found;
}
