/**
 * Eq. 2 at the tool level: tools i and j are linked when any parameter-parameter or
 * return-parameter pair of their fields has cosine similarity > tau. Each edge keeps the best
 * (most similar) field pair, its kind and, for R-P, its direction.
 *
 * Edges live in struct-of-arrays typed arrays behind an open-addressing hash table, so millions
 * of edges (ToolBench has generic parameters shared by hundreds of tools) fit in little memory.
 */
import type { FieldIndex } from './fieldIndex';

/** Edge kinds: P-P, or R-P with the return on tool `a` (A_TO_B) or on tool `b` (B_TO_A). */
export const KIND_PP = 0;
export const KIND_RP_A_TO_B = 1;
export const KIND_RP_B_TO_A = 2;

export class ToolEdgeTable {
  count = 0;
  a = new Int32Array(1024);
  b = new Int32Array(1024);
  sim = new Float32Array(1024);
  kind = new Uint8Array(1024);
  /** Text numbers of the best pair: the field on tool a, the field on tool b. */
  textA = new Int32Array(1024);
  textB = new Int32Array(1024);
  private slots = new Int32Array(2048).fill(-1);
  private mask = 2047;

  private static hash(a: number, b: number): number {
    return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77)) >>> 0;
  }

  /**
   * Records that field `textU` of tool `u` and field `textV` of tool `v` have similarity `s`.
   * `uReturnFeedsV` marks an R-P pair whose return field is on `u`; otherwise the pair is P-P.
   */
  add(u: number, v: number, s: number, uReturnFeedsV: boolean, textU: number, textV: number): void {
    if (u === v) return;
    let a = u;
    let b = v;
    let ta = textU;
    let tb = textV;
    let kind = uReturnFeedsV ? KIND_RP_A_TO_B : KIND_PP;
    if (u > v) {
      a = v;
      b = u;
      ta = textV;
      tb = textU;
      if (uReturnFeedsV) kind = KIND_RP_B_TO_A;
    }
    let slot = ToolEdgeTable.hash(a, b) & this.mask;
    for (;;) {
      const e = this.slots[slot]!;
      if (e === -1) break;
      if (this.a[e] === a && this.b[e] === b) {
        if (s > this.sim[e]!) this.set(e, a, b, s, kind, ta, tb);
        return;
      }
      slot = (slot + 1) & this.mask;
    }
    if (this.count === this.a.length) this.growArrays();
    const e = this.count++;
    this.set(e, a, b, s, kind, ta, tb);
    this.slots[slot] = e;
    if (this.count * 2 > this.slots.length) this.rehash();
  }

  private set(e: number, a: number, b: number, s: number, kind: number, ta: number, tb: number): void {
    this.a[e] = a;
    this.b[e] = b;
    this.sim[e] = s;
    this.kind[e] = kind;
    this.textA[e] = ta;
    this.textB[e] = tb;
  }

  private growArrays(): void {
    const n = this.a.length * 2;
    const grow = <T extends Int32Array | Float32Array | Uint8Array>(old: T, make: (n: number) => T): T => {
      const next = make(n);
      next.set(old);
      return next;
    };
    this.a = grow(this.a, (n) => new Int32Array(n));
    this.b = grow(this.b, (n) => new Int32Array(n));
    this.sim = grow(this.sim, (n) => new Float32Array(n));
    this.kind = grow(this.kind, (n) => new Uint8Array(n));
    this.textA = grow(this.textA, (n) => new Int32Array(n));
    this.textB = grow(this.textB, (n) => new Int32Array(n));
  }

  private rehash(): void {
    const size = this.slots.length * 2;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    for (let e = 0; e < this.count; e++) {
      let slot = ToolEdgeTable.hash(this.a[e]!, this.b[e]!) & this.mask;
      while (this.slots[slot] !== -1) slot = (slot + 1) & this.mask;
      this.slots[slot] = e;
    }
  }

  /** Edge numbers in order of decreasing similarity (ties: insertion order). */
  bySimilarity(): Int32Array {
    const order = new Int32Array(this.count);
    for (let i = 0; i < this.count; i++) order[i] = i;
    const sim = this.sim;
    return order.sort((x, y) => sim[y]! - sim[x]! || x - y);
  }
}

/** Flat [i, j, ...] text-number pairs with similarities, as the similarity search returns them. */
export interface TextPairs {
  pairs: Int32Array;
  sims: Float32Array;
}

/**
 * Expands text pairs into tool edges. `pp` are param-param pairs (text numbers, i != j), `rp`
 * return-param pairs (return text, param text); identical texts shared by several tools are
 * added here with similarity 1 (a text's cosine with itself).
 */
export function collectToolEdges(index: FieldIndex, pp: TextPairs, rp: TextPairs, signal?: AbortSignal): ToolEdgeTable {
  const { paramOffsets: po, paramTools: pt, returnOffsets: ro, returnTools: rt } = index;
  const table = new ToolEdgeTable();
  const check = (n: number) => {
    if ((n & 0xffff) === 0 && signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
  };
  // Identical parameter texts.
  for (const t of index.paramTexts) {
    for (let x = po[t]!; x < po[t + 1]!; x++) for (let y = x + 1; y < po[t + 1]!; y++) table.add(pt[x]!, pt[y]!, 1, false, t, t);
  }
  // A return field whose text is exactly another tool's parameter text.
  for (const t of index.returnTexts) {
    if (po[t] === po[t + 1]) continue;
    for (let x = ro[t]!; x < ro[t + 1]!; x++) for (let y = po[t]!; y < po[t + 1]!; y++) table.add(rt[x]!, pt[y]!, 1, true, t, t);
  }
  for (let k = 0; k < pp.sims.length; k++) {
    check(k);
    const t = pp.pairs[2 * k]!;
    const u = pp.pairs[2 * k + 1]!;
    const s = pp.sims[k]!;
    for (let x = po[t]!; x < po[t + 1]!; x++) for (let y = po[u]!; y < po[u + 1]!; y++) table.add(pt[x]!, pt[y]!, s, false, t, u);
  }
  for (let k = 0; k < rp.sims.length; k++) {
    check(k);
    const r = rp.pairs[2 * k]!;
    const p = rp.pairs[2 * k + 1]!;
    if (r === p) continue; // identical text: added above with similarity 1
    const s = rp.sims[k]!;
    for (let x = ro[r]!; x < ro[r + 1]!; x++) for (let y = po[p]!; y < po[p + 1]!; y++) table.add(rt[x]!, pt[y]!, s, true, r, p);
  }
  return table;
}

/**
 * Hub degree cap: walks edges from the most to the least similar and keeps an edge only while
 * both of its tools have fewer than `maxDegree` kept edges. Returns kept edge numbers.
 */
export function capDegree(table: ToolEdgeTable, toolCount: number, maxDegree: number): Int32Array {
  const degree = new Int32Array(toolCount);
  const kept: number[] = [];
  for (const e of table.bySimilarity()) {
    const a = table.a[e]!;
    const b = table.b[e]!;
    if (degree[a]! < maxDegree && degree[b]! < maxDegree) {
      degree[a]!++;
      degree[b]!++;
      kept.push(e);
    }
  }
  return Int32Array.from(kept.sort((x, y) => x - y));
}
