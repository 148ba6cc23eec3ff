/**
 * The review editor's search text: for each dialogue, the text a person searches (every string of the
 * record — messages, tool calls and results, plan, reasons, note, tags, the originals of edits, the
 * offered tools' names — but not the offered tools' descriptions and schemas, keys or numbers),
 * lower-cased and joined by NUL, kept as UTF-8 in a few large Buffers. Built while the line index is
 * streamed, so the file is read once; a search is then a native `Buffer.indexOf` over about half the
 * file's bytes, with no disk reads and no JavaScript loop over bytes (the byte-by-byte search it
 * replaces spent most of a first search warming up). No strings or objects per dialogue are kept:
 * three numbers per dialogue plus the blocks. No `vscode` import.
 */

const BLOCK = 1024 * 1024;
const SEP = '\u0000';

function collect(v: unknown, out: string[], inTools: boolean): void {
  if (typeof v === 'string') {
    out.push(v);
    return;
  }
  if (Array.isArray(v)) {
    for (const x of v) collect(x, out, inTools);
    return;
  }
  if (v === null || typeof v !== 'object') return;
  const o = v as Record<string, unknown>;
  for (const k in o) {
    // Of the offered tools only their names: descriptions and schemas repeat in many dialogues, take
    // a quarter of a line, and the tool filter is how one finds dialogues by tool.
    if (inTools && k !== 'function' && k !== 'name') continue;
    collect(o[k], out, inTools || k === 'tools');
  }
}

/** The search text of a parsed record (lower case; fields separated by NUL, which a search never holds). */
export function searchTextOf(record: unknown): string {
  const out: string[] = [];
  collect(record, out, false);
  return out.join(SEP).toLowerCase();
}

/** How a typed search is compared: lower case, without NUL. */
export function searchNeedle(search: string): string {
  return search.replaceAll(SEP, '').toLowerCase();
}

/** The search texts of a model's dialogues by slot, in large Buffers. */
export class SearchTextStore {
  private blocks: Buffer[] = [];
  /** Bytes used in the last block. */
  private used = 0;
  /** Per item: block, start, length, and the slot it belongs to (-1 once replaced). */
  private blockOf = new Int32Array(1024);
  private startOf = new Int32Array(1024);
  private lengthOf = new Int32Array(1024);
  private slotOfItem = new Int32Array(1024);
  /** Per block: its first item (items of a block are contiguous and in byte order). */
  private firstItem: number[] = [];
  private items = 0;
  /** Per slot: its current item. */
  private itemOfSlot = new Int32Array(1024);
  private slots = 0;

  /** Bytes held (the blocks), for the benchmark's memory figure. */
  get bytes(): number {
    return this.blocks.reduce((n, b) => n + b.length, 0);
  }

  clear(): void {
    this.blocks = [];
    this.used = 0;
    this.firstItem = [];
    this.items = 0;
    this.slots = 0;
  }

  /** Forgets slots from `count` on (an index that failed part-way). */
  truncate(count: number): void {
    for (let s = count; s < this.slots; s++) this.slotOfItem[this.itemOfSlot[s]!] = -1;
    this.slots = Math.min(this.slots, count);
  }

  /** Sets the search text of `slot` (a new slot must be the next one). */
  set(slot: number, text: string): void {
    if (slot > this.slots) throw new RangeError(`search text for slot ${slot} before slot ${this.slots}`);
    const length = Buffer.byteLength(text, 'utf8');
    let block = this.blocks.length - 1;
    if (block < 0 || this.used + length > this.blocks[block]!.length) {
      this.blocks.push(Buffer.allocUnsafe(Math.max(BLOCK, length)));
      this.firstItem.push(this.items);
      block++;
      this.used = 0;
    }
    this.blocks[block]!.write(text, this.used, 'utf8');
    const item = this.items++;
    if (item >= this.blockOf.length) this.growItems();
    this.blockOf[item] = block;
    this.startOf[item] = this.used;
    this.lengthOf[item] = length;
    this.slotOfItem[item] = slot;
    this.used += length;
    if (slot === this.slots) {
      if (slot >= this.itemOfSlot.length) this.itemOfSlot = grow(this.itemOfSlot);
      this.slots++;
    } else {
      this.slotOfItem[this.itemOfSlot[slot]!] = -1; // replaced: its bytes stay until the next clear()
    }
    this.itemOfSlot[slot] = item;
  }

  private growItems(): void {
    this.blockOf = grow(this.blockOf);
    this.startOf = grow(this.startOf);
    this.lengthOf = grow(this.lengthOf);
    this.slotOfItem = grow(this.slotOfItem);
  }

  /** Slots whose text contains `needle` (from `searchNeedle`). */
  search(needle: string): Set<number> {
    const found = new Set<number>();
    if (needle === '') return found;
    const n = Buffer.from(needle, 'utf8');
    for (let b = 0; b < this.blocks.length; b++) {
      const block = this.blocks[b]!;
      const end = b === this.blocks.length - 1 ? this.used : block.length;
      const first = this.firstItem[b]!;
      const last = (b + 1 < this.firstItem.length ? this.firstItem[b + 1]! : this.items) - 1;
      let at = block.indexOf(n, 0);
      while (at !== -1 && at + n.length <= end) {
        const item = this.itemAt(first, last, at);
        const itemEnd = this.startOf[item]! + this.lengthOf[item]!;
        if (at + n.length <= itemEnd && this.slotOfItem[item]! >= 0) found.add(this.slotOfItem[item]!);
        // one hit per item: go on from the next item (or the next byte, for a match across two items)
        at = block.indexOf(n, at + n.length <= itemEnd ? itemEnd : at + 1);
      }
    }
    return found;
  }

  /** The item of block items [lo, hi] holding byte `pos` (binary search on starts). */
  private itemAt(lo: number, hi: number, pos: number): number {
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.startOf[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

function grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
