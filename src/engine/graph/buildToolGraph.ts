/**
 * `buildToolGraph`: tool set -> texts -> embeddings (cached) -> exact pairs above tau -> tool
 * edges -> graphology graph with statistics. The one entry point the CLI, the pipeline and the
 * extension call.
 */
import os from 'node:os';
import path from 'node:path';
import Graph from 'graphology';
import { createEmbedder, type Embedder, type EmbedderEvent } from '../embedding/embedder';
import { EmbeddingCache, type CacheStats } from '../embedding/embeddingCache';
import { DEFAULT_MODEL, modelDefaults, modelFingerprint, resolveModel } from '../embedding/modelRegistry';
import type { Tool, ToolSet } from '../model/tool';
import { buildFieldIndex, type FieldIndex, type FieldIndexOptions } from './fieldIndex';
import { prepareRows, searchPairs } from './similarity/findSimilarPairs';
import { computeProjection } from './similarity/projection';
import { allocateWasmSides, WASM_TILE, wasmKernelModule, wasmRowsView, type WasmSide } from './similarity/wasmScan';
import { threadCount, WorkerPool } from './parallel/workerJobs';
import { capDegree, collectToolEdges, KIND_PP, KIND_RP_A_TO_B, KIND_RP_B_TO_A, type TextPairs, type ToolEdgeTable } from './toolEdges';
import { statsFromCounts, type GraphStats } from './graphStats';
import { EDGE_PP, EDGE_RP_BACKWARD, EDGE_RP_FORWARD, EdgeColumnsBuilder, NodeColumnsBuilder, ToolGraphData } from './graphData';
import { GRAPH_FORMAT, GRAPH_VERSION, type ToolGraph, type ToolGraphAttributes, type ToolEdgeAttributes, type ToolNodeAttributes } from './graphTypes';

export type GraphBuildEvent =
  | EmbedderEvent
  | { type: 'phase'; phase: 'texts' | 'embed' | 'similarity' | 'edges' | 'graph'; detail?: string }
  | { type: 'similarity'; done: number; total: number };

export interface BuildToolGraphOptions extends FieldIndexOptions {
  /** Embedding model (hub id, `toolflow-glove-100d`, or a folder). Default `Xenova/all-MiniLM-L6-v2`. */
  model?: string;
  /** Edge threshold tau; default per model (0.82 for Sentence-BERT models). */
  threshold?: number;
  offline?: boolean;
  /** Model downloads and the embedding cache live here. Default `~/.cache/toolflow`. */
  cacheDir?: string;
  cwd?: string;
  /**
   * Keep at most this many edges per tool (most similar first). Default `DEFAULT_MAX_DEGREE` (50);
   * 0 keeps every edge.
   */
  maxDegree?: number;
  /**
   * Refuse to build a graph with more edges than this (default 5,000,000): an in-memory graph of
   * that size needs gigabytes. Use `ignoreParams` or `maxDegree`.
   */
  maxEdges?: number;
  threads?: number;
  signal?: AbortSignal;
  onProgress?: (e: GraphBuildEvent) => void;
  /** Provide an embedder (tests, long-lived extension host); otherwise one is created on demand. */
  embedder?: Embedder;
}

export interface GraphBuildTimings {
  textsMs: number;
  embedMs: number;
  similarityMs: number;
  edgesMs: number;
  graphMs: number;
  totalMs: number;
}

export interface BuildToolGraphResult {
  /** The graphology graph, built on first access (see `BuiltGraph`); `saveBuiltGraph(result.built, file)` writes without it. */
  readonly graph: ToolGraph;
  built: BuiltGraph;
  stats: GraphStats;
  timings: GraphBuildTimings;
  cache: CacheStats;
  model: string;
  threshold: number;
  dimensions: number;
  distinctTexts: number;
  /** Text pairs above tau found by the similarity search (P-P, R-P). */
  textPairs: { pp: number; rp: number };
  /** Tool edges before the degree cap. */
  edgesBeforeCap: number;
}

/** Default hub cap: each tool keeps at most its 50 most similar links (see docs/graph.md). */
export const DEFAULT_MAX_DEGREE = 50;

export class GraphTooLargeError extends Error {
  constructor(
    readonly edges: number,
    readonly limit: number,
  ) {
    super(`the graph would have ${edges} edges (limit ${limit})`);
    this.name = 'GraphTooLargeError';
  }
}

/** `$TOOLFLOW_CACHE_DIR`, else `~/.cache/toolflow`: downloaded models and the embedding cache. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.TOOLFLOW_CACHE_DIR || path.join(os.homedir(), '.cache', 'toolflow');
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

/** Copies the rows `ids` of a row-major matrix into `out`, or into new shared memory (worker threads read it). */
function gatherRows(x: Float32Array, dims: number, ids: Int32Array, into?: Float32Array): Float32Array {
  const out = into ?? new Float32Array(new SharedArrayBuffer(ids.length * dims * 4));
  ids.forEach((id, r) => out.set(x.subarray(id * dims, (id + 1) * dims), r * dims));
  return out;
}

/** Maps local row numbers of a pair search back to text numbers. */
function toTextPairs(pairs: Int32Array, sims: Float32Array, rowsA: Int32Array, rowsB: Int32Array): TextPairs {
  const out = new Int32Array(pairs.length);
  for (let k = 0; k < sims.length; k++) {
    out[2 * k] = rowsA[pairs[2 * k]!]!;
    out[2 * k + 1] = rowsB[pairs[2 * k + 1]!]!;
  }
  return { pairs: out, sims };
}

/** Parameter texts from which the pair search runs on worker threads (its default `minParallelWork`, 4 M pairs). */
const PARALLEL_TEXTS = 2900;


/**
 * Text pairs above tau for a field index and its embeddings (P-P within, R-P across). The
 * parameter texts are projected once (the principal axes of P serve both searches) and copied into
 * the kernel's layout once; both searches run on one set of threads (`pool`, or one of its own).
 */
export async function findTextPairs(
  index: FieldIndex,
  vectors: Float32Array,
  dims: number,
  threshold: number,
  opts: { threads?: number; pool?: WorkerPool; signal?: AbortSignal; onProgress?: (e: GraphBuildEvent) => void } = {},
): Promise<{ pp: TextPairs; rp: TextPairs }> {
  const empty: TextPairs = { pairs: new Int32Array(0), sims: new Float32Array(0) };
  if (index.paramTexts.length === 0) return { pp: empty, rp: empty };
  const threads = opts.pool?.threads ?? threadCount(opts.threads);
  const pool = opts.pool ?? (threads > 1 ? new WorkerPool(threads) : undefined);
  try {
    const searchOpts = { threads, ...(pool ? { pool } : {}), ...(opts.signal ? { signal: opts.signal } : {}) };
    // With the SIMD kernel, the vectors are gathered straight into the kernel's layout, P and R in
    // one kernel memory shared by every thread: no copy of them in between, none per thread (each
    // thread copied P, then R: ~75 ms per copy per thread on ToolBench).
    const layouts: WasmSide[] =
      wasmKernelModule() !== null
        ? allocateWasmSides(
            [
              { rows: index.paramTexts.length, transposed: true },
              { rows: index.returnTexts.length, transposed: false },
            ],
            dims,
            threads,
            WASM_TILE,
          )
        : [];
    const rowsFor = (ids: Int32Array, layout: WasmSide | undefined) => {
      const view = layout ? wasmRowsView(layout) : undefined;
      return { layout: view ? layout : undefined, x: gatherRows(vectors, dims, ids, view) };
    };
    const p = rowsFor(index.paramTexts, layouts[0]);
    const proj = computeProjection(p.x, dims);
    const pRows = await prepareRows(p.x, proj, searchOpts);
    if (p.layout) pRows.adopt(p.layout, true);
    const ppRaw = await searchPairs(pRows, undefined, threshold, {
      ...searchOpts,
      onProgress: (done, total) => opts.onProgress?.({ type: 'similarity', done, total }),
    });
    const pp = toTextPairs(ppRaw.pairs, ppRaw.sims, index.paramTexts, index.paramTexts);
    let rp = empty;
    if (index.returnTexts.length > 0) {
      const r = rowsFor(index.returnTexts, layouts[1]);
      const rRows = await prepareRows(r.x, proj, searchOpts);
      if (r.layout) rRows.adopt(r.layout, false);
      const rpRaw = await searchPairs(rRows, pRows, threshold, searchOpts);
      rp = toTextPairs(rpRaw.pairs, rpRaw.sims, index.returnTexts, index.paramTexts);
    }
    return { pp, rp };
  } finally {
    if (pool && !opts.pool) await pool.close();
  }
}

function nodeAttributes(tool: Tool): ToolNodeAttributes {
  const attrs: ToolNodeAttributes = {
    label: tool.name,
    description: tool.description,
    source: tool.provenance.file,
    format: tool.provenance.format,
    parameters: Object.keys(tool.parameters.properties ?? {}).length,
    hasReturns: tool.returns !== undefined,
  };
  const ctx = tool.provenance.context;
  if (ctx?.tool) attrs.group = ctx.tool;
  return attrs;
}

/** The attributes of edge number `k` (edge key `e${k}`): kind, similarity, the linking fields. */
function edgeAttributesOf(index: FieldIndex, table: ToolEdgeTable): (e: number) => { a: number; b: number; attrs: ToolEdgeAttributes } {
  const path = (tool: number, text: number, role: 'param' | 'return') => index.fieldOf(tool, text, role)?.path ?? '';
  return (e) => {
    const a = table.a[e]!;
    const b = table.b[e]!;
    const kind = table.kind[e]!;
    const sourceField = path(a, table.textA[e]!, kind === KIND_RP_A_TO_B ? 'return' : 'param');
    const targetField = path(b, table.textB[e]!, kind === KIND_RP_B_TO_A ? 'return' : 'param');
    // float32 similarity, rounded for a compact file (the threshold test was done in float64)
    const similarity = Math.round(table.sim[e]! * 1e6) / 1e6;
    const nameA = index.tools[a]!.name;
    const nameB = index.tools[b]!.name;
    const attrs: ToolEdgeAttributes =
      kind === KIND_PP
        ? { kind: 'P-P', similarity, sourceField, targetField }
        : kind === KIND_RP_A_TO_B
          ? { kind: 'R-P', similarity, from: nameA, to: nameB, sourceField, targetField }
          : { kind: 'R-P', similarity, from: nameB, to: nameA, sourceField, targetField };
    return { a, b, attrs };
  };
}

/** Turns the edge table into a graphology graph (node key = tool name). */
export function toGraphology(index: FieldIndex, table: ToolEdgeTable, attrs: ToolGraphAttributes): ToolGraph {
  const graph: ToolGraph = new Graph({ type: 'undirected', multi: false, allowSelfLoops: false });
  graph.replaceAttributes(attrs);
  for (const tool of index.tools) graph.addNode(tool.name, nodeAttributes(tool));
  const edgeAt = edgeAttributesOf(index, table);
  const n = table.count;
  for (let k = 0; k < n; k++) {
    const { a, b, attrs: edge } = edgeAt(k);
    graph.addEdgeWithKey(`e${k}`, index.tools[a]!.name, index.tools[b]!.name, edge);
  }
  return graph;
}

/**
 * The built graph before it becomes a graphology object: writing the file and the statistics
 * read the typed arrays directly (ToolBench: ~0.5 M edges, a graphology graph of them costs
 * seconds and a lot of garbage). `BuildToolGraphResult.graph` builds the graphology graph on first use.
 */
export class BuiltGraph {
  private graph: ToolGraph | undefined;

  constructor(
    readonly index: FieldIndex,
    readonly table: ToolEdgeTable,
    readonly attributes: ToolGraphAttributes,
  ) {}

  get edgeCount(): number {
    return this.table.count;
  }

  toGraphology(): ToolGraph {
    return (this.graph ??= toGraphology(this.index, this.table, this.attributes));
  }

  get materialized(): boolean {
    return this.graph !== undefined;
  }

  /**
   * The graph's columns, straight from the edge table (what `saveBuiltGraph` writes; equal to
   * `ToolGraphData.fromGraphology(toGraphology())`, tested): field paths looked up once per
   * (tool, text), no attribute object per edge.
   */
  toData(): ToolGraphData {
    const tools = this.index.tools;
    const nodes = new NodeColumnsBuilder(tools.length);
    for (const tool of tools) nodes.add(tool.name, nodeAttributes(tool));
    const edges = new EdgeColumnsBuilder(this.edgeCount);
    // Field path numbers cached per field of a tool (a typed array, not a map of ~1 M lookups);
    // numbered in order of first use, as `addColumns` numbers them, so the file's bytes are the same.
    const idOfSlot = new Int32Array(this.index.fieldSlots).fill(-1);
    const fieldId = (tool: number, text: number, role: 'param' | 'return') => {
      const slot = this.index.fieldSlot(tool, text, role);
      if (slot < 0) return edges.fieldId('');
      let id = idOfSlot[slot]!;
      if (id < 0) idOfSlot[slot] = id = edges.fieldId(this.index.fieldOf(tool, text, role)?.path ?? '');
      return id;
    };
    const { a: ta, b: tb, kind: tk, sim: ts, textA, textB } = this.table;
    for (let e = 0; e < this.edgeCount; e++) {
      const a = ta[e]!;
      const b = tb[e]!;
      const kind = tk[e]!;
      const sourceField = fieldId(a, textA[e]!, kind === KIND_RP_A_TO_B ? 'return' : 'param');
      const targetField = fieldId(b, textB[e]!, kind === KIND_RP_B_TO_A ? 'return' : 'param');
      // float32 similarity, rounded for a compact file (the threshold test was done in float64)
      const similarity = Math.round(ts[e]! * 1e6) / 1e6;
      edges.addWithFieldIds(a, b, kind === KIND_PP ? EDGE_PP : kind === KIND_RP_A_TO_B ? EDGE_RP_FORWARD : EDGE_RP_BACKWARD, similarity, sourceField, targetField);
    }
    return new ToolGraphData({ type: 'undirected', multi: false, allowSelfLoops: false }, { ...this.attributes }, nodes.cols, edges.cols);
  }

  /** Statistics from the typed arrays (equal to `computeGraphStats(toGraphology())`, tested). */
  stats(): GraphStats {
    const nTools = this.index.tools.length;
    const degree = this.degrees();
    const parent = new Int32Array(nTools);
    for (let i = 0; i < nTools; i++) parent[i] = i;
    const find = (x: number): number => {
      while (parent[x] !== x) {
        parent[x] = parent[parent[x]!]!;
        x = parent[x]!;
      }
      return x;
    };
    let pp = 0;
    const n = this.edgeCount;
    for (let e = 0; e < n; e++) {
      if (this.table.kind[e] === KIND_PP) pp++;
      const ra = find(this.table.a[e]!);
      const rb = find(this.table.b[e]!);
      if (ra !== rb) parent[ra] = rb;
    }
    const size = new Int32Array(nTools);
    let components = 0;
    let largest = 0;
    for (let i = 0; i < nTools; i++) {
      const r = find(i);
      if (size[r] === 0) components++;
      largest = Math.max(largest, ++size[r]!);
    }
    return statsFromCounts({ names: this.index.tools.map((t) => t.name), degrees: degree, edges: n, ppEdges: pp, rpEdges: n - pp, components, largestComponent: largest, genericFields: this.attributes.genericFields ?? [] });
  }

  /** Degree of every tool (index order). */
  degrees(): Int32Array {
    const degree = new Int32Array(this.index.tools.length);
    const n = this.edgeCount;
    for (let e = 0; e < n; e++) {
      degree[this.table.a[e]!]!++;
      degree[this.table.b[e]!]!++;
    }
    return degree;
  }
}

export async function buildToolGraph(input: ToolSet | readonly Tool[], opts: BuildToolGraphOptions = {}): Promise<BuildToolGraphResult> {
  const started = performance.now();
  const signal = opts.signal;
  const progress = opts.onProgress;
  const modelSpec = opts.embedder?.model.spec ?? opts.model ?? DEFAULT_MODEL;
  const threshold = opts.threshold ?? modelDefaults(modelSpec).threshold;
  if (!(threshold > -1 && threshold < 1)) throw new RangeError(`threshold must be between -1 and 1, got ${threshold}`);
  if (opts.maxDegree !== undefined && !(Number.isInteger(opts.maxDegree) && opts.maxDegree >= 0)) {
    // (a fractional cap would let a tool keep one edge more than the kept-edge table holds: edges lost)
    throw new RangeError(`maxDegree must be a whole number, 0 or more (0 keeps every edge), got ${opts.maxDegree}`);
  }
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  const tools = Array.isArray(input) ? (input as readonly Tool[]) : (input as ToolSet).tools;

  progress?.({ type: 'phase', phase: 'texts' });
  const index = buildFieldIndex(tools, {
    ...(opts.ignoreParams ? { ignoreParams: opts.ignoreParams } : {}),
    ...(opts.sources ? { sources: opts.sources } : {}),
    ...(opts.genericShare !== undefined ? { genericShare: opts.genericShare } : {}),
    ...(opts.genericMinTools !== undefined ? { genericMinTools: opts.genericMinTools } : {}),
    ...(opts.keepFields ? { keepFields: opts.keepFields } : {}),
    ...(opts.generic ? { generic: opts.generic } : {}),
  });
  if (index.generic.fields.length > 0) {
    progress?.({ type: 'phase', phase: 'texts', detail: `${index.generic.fields.length} generic fields left out (${index.generic.fields.slice(0, 6).map((f) => f.field).join(', ')}${index.generic.fields.length > 6 ? ', …' : ''})` });
  }
  const t1 = performance.now();

  // One set of worker threads for the similarity searches and the edge expansion, started now when
  // the search will use them, so that they boot while the embeddings are read or computed.
  const threads = threadCount(opts.threads);
  const pool = threads > 1 ? new WorkerPool(threads) : undefined;
  if (pool && index.paramTexts.length >= PARALLEL_TEXTS) pool.start();
  let embedded: Awaited<ReturnType<EmbeddingCache['embedAll']>>;
  let pp: TextPairs;
  let rp: TextPairs;
  let table: ToolEdgeTable;
  let t2: number;
  let t3: number;
  try {
    progress?.({ type: 'phase', phase: 'embed', detail: `${index.texts.length} distinct texts` });
    const resolved = opts.embedder?.model ?? resolveModel(modelSpec, { cacheDir, ...(opts.cwd ? { cwd: opts.cwd } : {}) });
    const fingerprint = opts.embedder?.fingerprint ?? modelFingerprint(resolved);
    const cache = new EmbeddingCache(cacheDir, fingerprint);
    let created: Embedder | undefined;
    const getEmbedder = async () => {
      if (opts.embedder) return opts.embedder;
      created ??= await createEmbedder({
        model: modelSpec,
        cacheDir,
        ...(opts.offline ? { offline: true } : {}),
        ...(opts.cwd ? { cwd: opts.cwd } : {}),
        ...(signal ? { signal } : {}),
        ...(progress ? { onProgress: progress } : {}),
      });
      return created;
    };
    try {
      embedded = await cache.embedAll(getEmbedder, index.texts, { ...(signal ? { signal } : {}), ...(progress ? { onProgress: progress } : {}) });
    } finally {
      await created?.dispose();
    }
    t2 = performance.now();
    throwIfAborted(signal);

    progress?.({ type: 'phase', phase: 'similarity' });
    ({ pp, rp } = await findTextPairs(index, embedded.vectors, embedded.dimensions, threshold, {
      threads,
      ...(pool ? { pool } : {}),
      ...(signal ? { signal } : {}),
      ...(progress ? { onProgress: progress } : {}),
    }));
    t3 = performance.now();

    progress?.({ type: 'phase', phase: 'edges' });
    table = await collectToolEdges(index, pp, rp, { threads, ...(pool ? { pool } : {}), ...(signal ? { signal } : {}) });
  } finally {
    await pool?.close();
  }
  const dims = embedded.dimensions;
  const maxDegree = opts.maxDegree ?? DEFAULT_MAX_DEGREE;
  const edgesBeforeCap = table.count;
  const kept = maxDegree > 0 ? capDegree(table, index.tools.length, maxDegree) : undefined;
  const edgeCount = kept ? kept.length : table.count;
  const limit = opts.maxEdges ?? 5_000_000;
  if (edgeCount > limit) throw new GraphTooLargeError(edgeCount, limit);
  const t4 = performance.now();

  progress?.({ type: 'phase', phase: 'graph' });
  const attrs: ToolGraphAttributes = {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    model: modelSpec,
    threshold,
    dimensions: dims,
    distinctTexts: index.texts.length,
    createdAt: new Date().toISOString(),
    ...(opts.ignoreParams?.length ? { ignoreParams: [...opts.ignoreParams] } : {}),
    ...(maxDegree > 0 ? { maxDegree } : {}),
    edgesBeforeCap,
    genericFields: index.generic.fields.map((f) => ({ ...f })),
    ...(Number.isFinite(index.generic.cutoff) ? { genericCutoff: Math.floor(index.generic.cutoff) } : {}),
    ...(opts.sources?.length ? { sources: [...opts.sources] } : {}),
  };
  // The kept edges as a table of their own (in edge order, so edge `e${k}` is the same edge).
  const built = new BuiltGraph(index, kept ? table.select(kept) : table, attrs);
  const stats = built.stats();
  const t5 = performance.now();
  return {
    get graph() {
      return built.toGraphology();
    },
    built,
    stats,
    timings: {
      textsMs: Math.round(t1 - started),
      embedMs: Math.round(t2 - t1),
      similarityMs: Math.round(t3 - t2),
      edgesMs: Math.round(t4 - t3),
      graphMs: Math.round(t5 - t4),
      totalMs: Math.round(t5 - started),
    },
    cache: embedded.stats,
    model: modelSpec,
    threshold,
    dimensions: dims,
    distinctTexts: index.texts.length,
    textPairs: { pp: pp.sims.length, rp: rp.sims.length },
    edgesBeforeCap,
  };
}
