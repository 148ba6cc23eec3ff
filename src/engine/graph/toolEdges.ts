/**
 * Eq. 2 at the tool level: tools i and j are linked when any parameter-parameter or
 * return-parameter pair of their fields has cosine similarity > tau. Each edge keeps the best
 * (most similar) field pair, its kind and, for R-P, its direction.
 *
 * Edges live in struct-of-arrays typed arrays, so millions of edges (ToolBench has generic
 * parameters shared by hundreds of tools) fit in little memory.
 */
import type { FieldIndex } from './fieldIndex';
import { rangeJobs, shared, threadCount, WorkerPool } from './parallel/workerJobs';

/** Edge kinds: P-P, or R-P with the return on tool `a` (A_TO_B) or on tool `b` (B_TO_A). */
export const KIND_PP = 0;
export const KIND_RP_A_TO_B = 1;
export const KIND_RP_B_TO_A = 2;

type EdgeColumn = keyof EdgeChunk;

/**
 * Tool edges in struct-of-arrays form, ordered by (a, b) with a < b. Made from the chunks the
 * workers return; each column is concatenated on first use only (the build reads `a`, `b` and `sim`
 * of all 3.8 M ToolBench edges for the degree cap, and the rest only for the edges it keeps:
 * `select`).
 */
export class ToolEdgeTable {
  readonly count: number;
  private readonly columns: Partial<EdgeChunk> = {};

  private constructor(
    /** The edges as the workers returned them, in range order (read them through the columns). */
    readonly chunks: readonly EdgeChunk[],
  ) {
    this.count = chunks.reduce((n, c) => n + c.a.length, 0);
  }

  get a(): Int32Array {
    return (this.columns.a ??= this.concat('a', Int32Array));
  }
  get b(): Int32Array {
    return (this.columns.b ??= this.concat('b', Int32Array));
  }
  get sim(): Float32Array {
    return (this.columns.sim ??= this.concat('sim', Float32Array));
  }
  get kind(): Uint8Array {
    return (this.columns.kind ??= this.concat('kind', Uint8Array));
  }
  /** Text numbers of the best pair: the field on tool a, the field on tool b. */
  get textA(): Int32Array {
    return (this.columns.textA ??= this.concat('textA', Int32Array));
  }
  get textB(): Int32Array {
    return (this.columns.textB ??= this.concat('textB', Int32Array));
  }

  private concat<T extends Int32Array | Float32Array | Uint8Array>(name: EdgeColumn, make: new (n: number) => T): T {
    if (this.chunks.length === 1) return this.chunks[0]![name] as T;
    const out = new make(this.count);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c[name] as T, at);
      at += c.a.length;
    }
    return out;
  }

  /** The per-range chunks the workers return, in range order. */
  static fromChunks(chunks: EdgeChunk[]): ToolEdgeTable {
    return new ToolEdgeTable(chunks);
  }

  /** A table of the edges numbered `edges` (ascending), in that order: read from the chunks, no column concatenated. */
  select(edges: Int32Array): ToolEdgeTable {
    const m = edges.length;
    const out: EdgeChunk = { a: new Int32Array(m), b: new Int32Array(m), sim: new Float32Array(m), kind: new Uint8Array(m), textA: new Int32Array(m), textB: new Int32Array(m) };
    let c = 0;
    let start = 0;
    for (let k = 0; k < m; k++) {
      const e = edges[k]!;
      if (k > 0 && !(e > edges[k - 1]!)) throw new RangeError('select: edge numbers must be ascending');
      while (c < this.chunks.length && e >= start + this.chunks[c]!.a.length) start += this.chunks[c++]!.a.length;
      const chunk = this.chunks[c];
      if (!chunk || e < 0) throw new RangeError(`select: no edge ${e} in a table of ${this.count}`);
      const i = e - start;
      out.a[k] = chunk.a[i]!;
      out.b[k] = chunk.b[i]!;
      out.sim[k] = chunk.sim[i]!;
      out.kind[k] = chunk.kind[i]!;
      out.textA[k] = chunk.textA[i]!;
      out.textB[k] = chunk.textB[i]!;
    }
    return new ToolEdgeTable([out]);
  }

  /** Edge numbers in order of decreasing similarity (ties: edge order), see `orderBySimilarity`. */
  bySimilarity(): Int32Array {
    return orderBySimilarityOfPieces(this.chunks.map((c) => c.sim));
  }
}

/**
 * Indices of `sim` in order of decreasing value (ties: index order), by stable counting sorts of
 * the float32 bit patterns: exact for any float32 (no quantisation, any size).
 *
 * Similarities of a built graph are all above tau, so when tau >= 0 their bit patterns (which
 * order non-negative floats like their values) span a narrow range, (0.9, 1] about 1.7 M patterns:
 * one counting pass over that range (ToolBench's 3.8 M edges: ~2x faster than two radix passes).
 * Otherwise an LSD radix sort (two passes of 16 bits) of an order-preserving unsigned key.
 */
export function orderBySimilarity(sim: Float32Array): Int32Array {
  return orderBySimilarityOfPieces([sim]);
}

/** `orderBySimilarity` of the concatenation of `pieces`, without concatenating them (one pass or the radix sort). */
export function orderBySimilarityOfPieces(pieces: readonly Float32Array[]): Int32Array {
  const parts = pieces.map((p) => new Uint32Array(p.buffer, p.byteOffset, p.length));
  let n = 0;
  let lo = 0x7fffffff;
  let hi = 0;
  let nonNegative = true;
  for (const bits of parts) {
    n += bits.length;
    for (let i = 0; i < bits.length && nonNegative; i++) {
      const b = bits[i]!;
      if (b >= 0x80000000) nonNegative = false; // negative, or -0 (which must sort with +0)
      if (b < lo) lo = b;
      if (b > hi) hi = b;
    }
  }
  const range = hi - lo + 1;
  if (n > 0 && nonNegative && range <= (1 << 22) && range <= 2 * n + 65536) return orderByNarrowKey(parts, n, hi, range);
  if (parts.length === 1) return orderByRadix(parts[0]!);
  const all = new Uint32Array(n);
  let at = 0;
  for (const bits of parts) {
    all.set(bits, at);
    at += bits.length;
  }
  return orderByRadix(all);
}

/** One stable counting pass on `hi - bits` (descending bit patterns, all within `range`). */
function orderByNarrowKey(parts: Uint32Array[], n: number, hi: number, range: number): Int32Array {
  const count = new Int32Array(range + 1);
  for (const bits of parts) for (let i = 0; i < bits.length; i++) count[hi - bits[i]! + 1]!++;
  for (let d = 0; d < range; d++) count[d + 1]! += count[d]!;
  const order = new Int32Array(n);
  let base = 0;
  for (const bits of parts) {
    for (let i = 0; i < bits.length; i++) order[count[hi - bits[i]!]!++] = base + i;
    base += bits.length;
  }
  return order;
}

function orderByRadix(bits: Uint32Array): Int32Array {
  const n = bits.length;
  const key = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let b = bits[i]!;
    if (b === 0x80000000) b = 0; // -0 sorts with +0
    // ascending float order as unsigned: negative floats flipped, positive ones above them; then inverted (descending)
    key[i] = b & 0x80000000 ? b : ~(b | 0x80000000) >>> 0;
  }
  const count = new Int32Array(65537);
  const low = new Int32Array(n);
  for (let i = 0; i < n; i++) count[(key[i]! & 0xffff) + 1]!++;
  for (let d = 0; d < 65536; d++) count[d + 1]! += count[d]!;
  for (let i = 0; i < n; i++) low[count[key[i]! & 0xffff]!++] = i;
  count.fill(0);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) count[(key[i]! >>> 16) + 1]!++;
  for (let d = 0; d < 65536; d++) count[d + 1]! += count[d]!;
  for (let j = 0; j < n; j++) {
    const i = low[j]!;
    order[count[key[i]! >>> 16]!++] = i;
  }
  return order;
}

/** Flat [i, j, ...] text-number pairs with similarities, as the similarity search returns them. */
export interface TextPairs {
  pairs: Int32Array;
  sims: Float32Array;
}

interface Adjacency {
  offsets: Int32Array;
  targets: Int32Array;
  sims: Float32Array;
}

/** CSR adjacency over `n` texts from (from, to, sim) triples produced by `each`. */
function adjacency(n: number, each: (emit: (from: number, to: number, s: number) => void) => void): Adjacency {
  const offsets = new Int32Array(n + 1);
  each((from) => offsets[from + 1]!++);
  for (let i = 0; i < n; i++) offsets[i + 1]! += offsets[i]!;
  const fill = offsets.slice(0, n);
  const targets = new Int32Array(offsets[n]!);
  const sims = new Float32Array(offsets[n]!);
  each((from, to, s) => {
    const k = fill[from]!++;
    targets[k] = to;
    sims[k] = s;
  });
  return { offsets, targets, sims };
}

/** Inverts text -> tools (CSR) into tool -> texts (CSR). */
function invert(textOffsets: Int32Array, textTools: Int32Array, tools: number): { offsets: Int32Array; texts: Int32Array } {
  const offsets = new Int32Array(tools + 1);
  for (const t of textTools) offsets[t + 1]!++;
  for (let i = 0; i < tools; i++) offsets[i + 1]! += offsets[i]!;
  const fill = offsets.slice(0, tools);
  const texts = new Int32Array(textTools.length);
  for (let text = 0; text + 1 < textOffsets.length; text++) {
    for (let k = textOffsets[text]!; k < textOffsets[text + 1]!; k++) texts[fill[textTools[k]!]!++] = text;
  }
  return { offsets, texts };
}

/** Everything the expansion reads, as typed arrays (shareable with worker threads). */
export interface EdgeInputs {
  nTools: number;
  /** text -> tools using it as a parameter / a return field (sorted). */
  po: Int32Array;
  pt: Int32Array;
  ro: Int32Array;
  rt: Int32Array;
  /** Similar parameter texts of a parameter text. */
  ppOff: Int32Array;
  ppTgt: Int32Array;
  ppSim: Float32Array;
  /** Return texts similar to a parameter text (incl. itself when it is also a return text). */
  parOff: Int32Array;
  parTgt: Int32Array;
  parSim: Float32Array;
  /** Parameter texts similar to a return text (incl. itself when it is also a parameter text). */
  retOff: Int32Array;
  retTgt: Int32Array;
  retSim: Float32Array;
  /** tool -> its parameter texts / return texts. */
  tpOff: Int32Array;
  tpTxt: Int32Array;
  trOff: Int32Array;
  trTxt: Int32Array;
}

export interface EdgeChunk {
  a: Int32Array;
  b: Int32Array;
  sim: Float32Array;
  kind: Uint8Array;
  textA: Int32Array;
  textB: Int32Array;
}

export function prepareEdgeInputs(index: FieldIndex, pp: TextPairs, rp: TextPairs): EdgeInputs {
  const nTexts = index.texts.length;
  const nTools = index.tools.length;
  const isParam = new Uint8Array(nTexts);
  for (const t of index.paramTexts) isParam[t] = 1;
  const ppAdj = adjacency(nTexts, (emit) => {
    for (let k = 0; k < pp.sims.length; k++) {
      emit(pp.pairs[2 * k]!, pp.pairs[2 * k + 1]!, pp.sims[k]!);
      emit(pp.pairs[2 * k + 1]!, pp.pairs[2 * k]!, pp.sims[k]!);
    }
  });
  // A text that is both a return field and a parameter matches itself with similarity 1.
  const rpEach = (reverse: boolean) => (emit: (from: number, to: number, s: number) => void) => {
    for (const t of index.returnTexts) if (isParam[t]) emit(t, t, 1);
    for (let k = 0; k < rp.sims.length; k++) {
      const r = rp.pairs[2 * k]!;
      const p = rp.pairs[2 * k + 1]!;
      if (r === p) continue;
      if (reverse) emit(p, r, rp.sims[k]!);
      else emit(r, p, rp.sims[k]!);
    }
  };
  const retAdj = adjacency(nTexts, rpEach(false));
  const parAdj = adjacency(nTexts, rpEach(true));
  const tp = invert(index.paramOffsets, index.paramTools, nTools);
  const tr = invert(index.returnOffsets, index.returnTools, nTools);
  return {
    nTools,
    po: index.paramOffsets,
    pt: index.paramTools,
    ro: index.returnOffsets,
    rt: index.returnTools,
    ppOff: ppAdj.offsets,
    ppTgt: ppAdj.targets,
    ppSim: ppAdj.sims,
    parOff: parAdj.offsets,
    parTgt: parAdj.targets,
    parSim: parAdj.sims,
    retOff: retAdj.offsets,
    retTgt: retAdj.targets,
    retSim: retAdj.sims,
    tpOff: tp.offsets,
    tpTxt: tp.texts,
    trOff: tr.offsets,
    trTxt: tr.texts,
  };
}

/**
 * Edges (a, b) with aStart <= a < aEnd and b > a, by Gustavson's sparse product: for tool a,
 * every tool reachable through a similar field pair is scored in a dense scratch row (best
 * similarity wins, first seen on ties), then the row is emitted in order of b.
 */
export function expandEdgeRange(inp: EdgeInputs, aStart: number, aEnd: number): EdgeChunk {
  return makeEdgeExpander(inp)(aStart, aEnd);
}

/**
 * `expandEdgeRange` for many ranges of the same inputs: the scratch rows and the inner functions
 * are made once. (Made per range, each range's new inner closure was a "wrong call target" for the
 * optimised code of the last one: V8 deoptimised and recompiled, which cost ToolBench's edge
 * expansion about half its time.)
 *
 * IMPORTANT: also run inside worker threads from its source text: no outside references.
 */
export function makeEdgeExpander(inp: EdgeInputs): (aStart: number, aEnd: number) => EdgeChunk {
  const { nTools, po, pt, ro, rt, ppOff, ppTgt, ppSim, parOff, parTgt, parSim, retOff, retTgt, retSim, tpOff, tpTxt, trOff, trTxt } = inp;
  /** Row number (unique over all ranges) that last touched each tool. */
  const stamp = new Int32Array(nTools).fill(-1);
  const best = new Float32Array(nTools);
  const kind = new Uint8Array(nTools);
  const textA = new Int32Array(nTools);
  const textB = new Int32Array(nTools);
  const touched = new Int32Array(nTools);
  let row = -1;
  let a = 0;
  let nTouched = 0;
  const scoreAll = (list: Int32Array, from: number, to: number, s: number, k: number, ta: number, tb: number) => {
    // Lists are sorted: binary-search the first tool after a (pairs with smaller tools were done).
    let lo = from;
    let hi = to;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]! > a) hi = mid;
      else lo = mid + 1;
    }
    for (let y = lo; y < to; y++) {
      const b = list[y]!;
      if (stamp[b] !== row) {
        stamp[b] = row;
        touched[nTouched++] = b;
      } else if (!(s > best[b]!)) continue;
      best[b] = s;
      kind[b] = k;
      textA[b] = ta;
      textB[b] = tb;
    }
  };
  /** Scores every tool b > a linked to tool a; returns how many were touched (in `touched`). */
  const scoreRow = (tool: number): number => {
    a = tool;
    row++;
    nTouched = 0;
    for (let x = tpOff[a]!; x < tpOff[a + 1]!; x++) {
      const t = tpTxt[x]!;
      scoreAll(pt, po[t]!, po[t + 1]!, 1, 0, t, t); // identical parameter text (P-P)
      for (let k = ppOff[t]!; k < ppOff[t + 1]!; k++) scoreAll(pt, po[ppTgt[k]!]!, po[ppTgt[k]! + 1]!, ppSim[k]!, 0, t, ppTgt[k]!);
      // Another tool's return field feeds this parameter (R-P, return on b).
      for (let k = parOff[t]!; k < parOff[t + 1]!; k++) scoreAll(rt, ro[parTgt[k]!]!, ro[parTgt[k]! + 1]!, parSim[k]!, 2, t, parTgt[k]!);
    }
    // This tool's return field feeds another tool's parameter (R-P, return on a).
    for (let x = trOff[a]!; x < trOff[a + 1]!; x++) {
      const r = trTxt[x]!;
      for (let k = retOff[r]!; k < retOff[r + 1]!; k++) scoreAll(pt, po[retTgt[k]!]!, po[retTgt[k]! + 1]!, retSim[k]!, 1, r, retTgt[k]!);
    }
    return nTouched;
  };
  // Output columns of the current range, grown by doubling, reused by the next range.
  let cap = 0;
  let count = 0;
  let oa = new Int32Array(0);
  let ob = new Int32Array(0);
  let os = new Float32Array(0);
  let ok = new Uint8Array(0);
  let ota = new Int32Array(0);
  let otb = new Int32Array(0);
  const reserve = (extra: number) => {
    if (count + extra <= cap) return;
    cap = Math.max(cap * 2, count + extra, 1024);
    const grow = <T extends Int32Array | Float32Array | Uint8Array>(old: T, next: T): T => {
      next.set(old.subarray(0, count));
      return next;
    };
    oa = grow(oa, new Int32Array(cap));
    ob = grow(ob, new Int32Array(cap));
    os = grow(os, new Float32Array(cap));
    ok = grow(ok, new Uint8Array(cap));
    ota = grow(ota, new Int32Array(cap));
    otb = grow(otb, new Int32Array(cap));
  };
  const emit = (tool: number, n: number) => {
    const sorted = touched.subarray(0, n).sort();
    reserve(n);
    for (let i = 0; i < n; i++) {
      const b = sorted[i]!;
      oa[count] = tool;
      ob[count] = b;
      os[count] = best[b]!;
      ok[count] = kind[b]!;
      ota[count] = textA[b]!;
      otb[count] = textB[b]!;
      count++;
    }
  };
  // The hot work is in small functions called once per tool (optimised as a whole, not on stack
  // replacement of a long loop, whose code lacked feedback for the rarer paths and kept deoptimising).
  // The output columns are kept from range to range (only the exact-size copies returned are new):
  // first writes to fresh memory are slow (~6 ms/MB on the build machine), and a worker's returned
  // buffers are freed on the main thread, so their memory never comes back to the worker.
  return (aStart, aEnd) => {
    count = 0;
    for (let tool = aStart; tool < aEnd; tool++) emit(tool, scoreRow(tool));
    return { a: oa.slice(0, count), b: ob.slice(0, count), sim: os.slice(0, count), kind: ok.slice(0, count), textA: ota.slice(0, count), textB: otb.slice(0, count) };
  };
}

const EDGE_TASK = `(inputs) => {
  const expand = (${makeEdgeExpander.toString()})(inputs);
  return (job) => expand(job.start, job.end);
}`;

export interface CollectEdgesOptions {
  /** Worker threads (default: available parallelism, at most 8); 1 = this thread. */
  threads?: number;
  /** Run on these threads (kept for later runs) instead of starting `threads` new ones. */
  pool?: WorkerPool;
  /** Below this many tools the expansion stays in this thread (default 5,000). */
  minParallelTools?: number;
  signal?: AbortSignal;
}

/**
 * Expands text pairs into tool edges. `pp` are param-param pairs (text numbers), `rp`
 * return-param pairs (return text, param text); identical texts count as similarity 1 (a text's
 * cosine with itself). Tool ranges run on worker threads; the result does not depend on them.
 */
export async function collectToolEdges(index: FieldIndex, pp: TextPairs, rp: TextPairs, opts: CollectEdgesOptions = {}): Promise<ToolEdgeTable> {
  const inputs = prepareEdgeInputs(index, pp, rp);
  const n = inputs.nTools;
  const threads = opts.pool?.threads ?? threadCount(opts.threads);
  let chunks: EdgeChunk[];
  if (threads === 1 || n < (opts.minParallelTools ?? 5000)) {
    chunks = [];
    const expand = makeEdgeExpander(inputs);
    for (let s = 0; s < n; s += 2048) {
      if (opts.signal?.aborted) throw opts.signal.reason instanceof Error ? opts.signal.reason : new Error('aborted');
      chunks.push(expand(s, Math.min(n, s + 2048)));
    }
  } else {
    const sharedInputs = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, typeof v === 'number' ? v : shared(v as Int32Array)]));
    // Small ranges at the start, where each tool has the most partners (b > a), keep both busy.
    const pool = opts.pool ?? new WorkerPool(threads);
    try {
      chunks = await pool.run<EdgeChunk>(EDGE_TASK, sharedInputs, rangeJobs(n, 512), opts.signal ? { signal: opts.signal } : {});
    } finally {
      if (!opts.pool) await pool.close();
    }
  }
  return ToolEdgeTable.fromChunks(chunks);
}

/**
 * Hub degree cap: walks edges from the most to the least similar and keeps an edge only while
 * both of its tools have fewer than `maxDegree` kept edges. Returns kept edge numbers.
 */
export function capDegree(table: ToolEdgeTable, toolCount: number, maxDegree: number): Int32Array {
  const degree = new Int32Array(toolCount);
  const kept = new Int32Array(Math.min(table.count, Math.ceil((toolCount * maxDegree) / 2)));
  let n = 0;
  // Read a and b from the chunks (edge e is in chunk c when starts[c] <= e < starts[c + 1]; a table
  // of the chunk at every 4,096th edge finds it in a step or two): no column is concatenated.
  const chunks = table.chunks;
  const starts = new Int32Array(chunks.length + 1);
  chunks.forEach((c, i) => (starts[i + 1] = starts[i]! + c.a.length));
  const chunkAt = new Int32Array((table.count >>> 12) + 1);
  for (let blk = 0, c = 0; blk < chunkAt.length; blk++) {
    while (c < chunks.length - 1 && blk * 4096 >= starts[c + 1]!) c++;
    chunkAt[blk] = c;
  }
  const order = table.bySimilarity();
  for (let k = 0; k < order.length; k++) {
    const e = order[k]!;
    let c = chunkAt[e >>> 12]!;
    while (e >= starts[c + 1]!) c++;
    const chunk = chunks[c]!;
    const a = chunk.a[e - starts[c]!]!;
    const b = chunk.b[e - starts[c]!]!;
    if (degree[a]! < maxDegree && degree[b]! < maxDegree) {
      degree[a]!++;
      degree[b]!++;
      kept[n++] = e;
    }
  }
  return kept.slice(0, n).sort();
}
