/**
 * Layout and communities of a tool graph for the graph view, computed once by the engine and
 * cached beside the graph file (`x.graph.json` → `x.graph.layout.json`), so opening the view never
 * runs a force layout in the webview (measured in docs/graph.md: the live ForceAtlas2 worker on all
 * of ToolBench rewrites 46k positions per step; a precomputed layout draws at once).
 *
 * Communities: Louvain (graphology-communities-louvain, weight = similarity, seeded), numbered by
 * size (0 = largest). Layout: see `computeLayout`. Deterministic for a given graph.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import louvain from 'graphology-communities-louvain';
import Graph from 'graphology';
import forceAtlas2 from 'graphology-layout-forceatlas2';
import DEFAULT_FA2_SETTINGS from 'graphology-layout-forceatlas2/defaults.js';
import iterate from 'graphology-layout-forceatlas2/iterate.js';
import { createRandom } from '../../sampling/seededRandom';
import { ToolGraphData } from '../graphData';
import { readGraphData } from '../graphFiles';
import type { ToolGraph } from '../graphTypes';

/** 2: tools without an edge on a ring, ForceAtlas2 on the others (a version-1 cache is laid out again). */
export const LAYOUT_VERSION = 2;

export interface GraphLayout {
  /** Node order of the arrays: `graph.nodes()`. */
  x: Float32Array;
  y: Float32Array;
  community: Int32Array;
  communities: number;
  /** Time to compute (ms). */
  ms: number;
  iterations: number;
}

export interface LayoutOptions {
  /** ForceAtlas2 iterations; default: 100 below 2,000 connected tools, fewer on big graphs (20 from 10,000). */
  iterations?: number;
  seed?: number;
}

export interface LoadLayoutOptions extends LayoutOptions {
  /** Called when no cached layout fits and one is computed (or another caller's computation is awaited). */
  onCompute?: () => void;
}

function defaultIterations(order: number): number {
  if (order <= 2000) return 100;
  if (order <= 10000) return 50;
  return 20;
}

/** ForceAtlas2's matrices (graphology-layout-forceatlas2's layout: 10 numbers per node, 3 per edge). */
const PPN = 10;
const PPE = 3;

/** Lets the event loop run (the extension host's other work, a cancelled view) during a long layout. */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Communities (Louvain on the tools that have an edge; each tool without one is a community of its
 * own), then positions: communities start on a sunflower spiral (big ones in the middle), each tool
 * near its community's centre, and ForceAtlas2 (Barnes-Hut above 1,000 tools) refines the tools that
 * have an edge for a bounded number of iterations, on matrices made from the edge columns (Louvain
 * needs a graphology graph of the connected tools, with a weight per edge and nothing else;
 * ForceAtlas2 none). Tools without an edge, which ForceAtlas2 would only push apart (19,529 of
 * ToolBench's 46,271, in every iteration's repulsion), go on a ring around the rest. Self-loops and
 * repeated edges of a hand-edited file are ignored. Deterministic for a given graph. Asynchronous: it
 * yields to the event loop while it builds that graph, between steps and between iterations; the
 * longest stretch without a yield is Louvain itself (0.3–0.6 s on all of ToolBench).
 */
export async function computeLayout(graph: ToolGraph | ToolGraphData, opts: LayoutOptions = {}): Promise<GraphLayout> {
  const started = performance.now();
  const rng = createRandom(opts.seed ?? 1);
  // The file's columns (a graphology graph is read into them; node numbers in `nodes()` order).
  const data = graph instanceof ToolGraphData ? graph : ToolGraphData.fromGraphology(graph);
  const n = data.order;
  const { source, target, similarity } = data.edges;
  const m = source.length;
  // Self-loops (a hand-edited file) take no part: they neither link two tools nor move one.
  const use = (k: number) => source[k] !== target[k];
  const degree = new Int32Array(n);
  for (let k = 0; k < m; k++) {
    if (!use(k)) continue;
    degree[source[k]!]!++;
    degree[target[k]!]!++;
  }
  // Louvain on a graph of the connected tools only (keys: their numbers; weight: similarity).
  const linked = new Graph({ type: 'undirected', multi: false, allowSelfLoops: false });
  for (let i = 0; i < n; i++) if (degree[i]! > 0) linked.addNode(i);
  for (let k = 0; k < m; k++) {
    if (use(k)) linked.mergeEdge(source[k]!, target[k]!, { similarity: similarity[k]! });
    if ((k & 0xffff) === 0xffff) await breathe();
  }
  await breathe();
  const mapping: Record<string, number> = linked.size > 0 ? louvain(linked, { getEdgeWeight: 'similarity', rng: () => rng.next() }) : {};
  await breathe();
  const raw = new Int32Array(n);
  let next = 0;
  for (const c of Object.values(mapping)) next = Math.max(next, c + 1);
  for (let i = 0; i < n; i++) raw[i] = degree[i]! > 0 ? mapping[i]! : next++;
  // Renumber communities by size, largest first (stable colours for the biggest groups).
  const sizes = new Map<number, number>();
  for (let i = 0; i < n; i++) sizes.set(raw[i]!, (sizes.get(raw[i]!) ?? 0) + 1);
  const order = [...sizes.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([c]) => c);
  const rank = new Map(order.map((c, i) => [c, i] as const));
  const community = new Int32Array(n);
  for (let i = 0; i < n; i++) community[i] = rank.get(raw[i]!)!;
  // Community centres on a sunflower spiral; radius grows with the community's size.
  const cx = new Float64Array(order.length);
  const cy = new Float64Array(order.length);
  const golden = Math.PI * (3 - Math.sqrt(5));
  let placed = 0;
  order.forEach((c, i) => {
    const r = Math.sqrt(placed + sizes.get(c)! / 2) * 10;
    cx[i] = r * Math.cos(i * golden);
    cy[i] = r * Math.sin(i * golden);
    placed += sizes.get(c)!;
  });
  // ForceAtlas2 on the connected tools: slot j of the node matrix is tool at[j].
  const at: number[] = [];
  const slot = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) if (degree[i]! > 0) slot[i] = at.push(i) - 1;
  const nodes = new Float32Array(at.length * PPN);
  at.forEach((i, j) => {
    const c = community[i]!;
    const spread = Math.sqrt(sizes.get(order[c]!)!) * 4;
    const a = rng.next() * 2 * Math.PI;
    const d = Math.sqrt(rng.next()) * spread;
    const o = j * PPN;
    nodes[o] = cx[c]! + d * Math.cos(a);
    nodes[o + 1] = cy[c]! + d * Math.sin(a);
    nodes[o + 6] = 1; // mass: 1 + weighted degree
    nodes[o + 7] = 1; // convergence
    nodes[o + 8] = 1; // size
  });
  const edges = new Float32Array(m * PPE);
  let e = 0;
  for (let k = 0; k < m; k++) {
    if (!use(k)) continue;
    const s = slot[source[k]!]! * PPN;
    const t = slot[target[k]!]! * PPN;
    const w = similarity[k]!;
    nodes[s + 6] += w;
    nodes[t + 6] += w;
    edges[e++] = s;
    edges[e++] = t;
    edges[e++] = w;
  }
  const iterations = e > 0 ? (opts.iterations ?? defaultIterations(at.length)) : 0;
  if (iterations > 0) {
    const settings = { ...DEFAULT_FA2_SETTINGS, ...forceAtlas2.inferSettings(at.length), barnesHutOptimize: at.length > 1000 };
    for (let it = 0; it < iterations; it++) {
      iterate(settings, nodes, edges.subarray(0, e));
      await breathe();
    }
  }
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  let sx = 0;
  let sy = 0;
  at.forEach((i, j) => {
    x[i] = Number.isFinite(nodes[j * PPN]!) ? nodes[j * PPN]! : 0;
    y[i] = Number.isFinite(nodes[j * PPN + 1]!) ? nodes[j * PPN + 1]! : 0;
    sx += x[i]!;
    sy += y[i]!;
  });
  // Tools without an edge: a sunflower ring just outside the connected tools (in their order).
  const [mx, my] = at.length ? [sx / at.length, sy / at.length] : [0, 0];
  let reach = 0;
  for (const i of at) reach = Math.max(reach, Math.hypot(x[i]! - mx, y[i]! - my));
  const alone = n - at.length;
  const inner = at.length ? reach * 1.08 : 0;
  const band = Math.max(reach * 0.35, Math.sqrt(alone) * 4);
  for (let i = 0, a = 0; i < n; i++) {
    if (degree[i]! > 0) continue;
    const r = inner + band * Math.sqrt((a + 0.5) / alone);
    x[i] = mx + r * Math.cos(a * golden);
    y[i] = my + r * Math.sin(a * golden);
    a++;
  }
  return { x, y, community, communities: order.length, ms: Math.round(performance.now() - started), iterations };
}

/** `a.graph.json` → `a.graph.layout.json`. */
export function layoutFileFor(graphFile: string): string {
  return graphFile.replace(/(\.json)?$/i, '.layout.json');
}

interface LayoutFile {
  version: number;
  /** The graph file this layout belongs to: size, mtime, nodes, edges. */
  key: string;
  communities: number;
  iterations: number;
  ms: number;
  x: string;
  y: string;
  community: string;
}

const b64 = (a: Float32Array | Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
function fromB64<T extends Float32Array | Int32Array>(s: string, make: (b: ArrayBuffer) => T): T {
  const buf = Buffer.from(s, 'base64');
  const copy = new ArrayBuffer(buf.byteLength);
  new Uint8Array(copy).set(buf);
  return make(copy);
}

/**
 * The cached layout when it matches this graph file, else computes and caches it (best effort).
 */
export async function loadOrComputeLayout(graphFile: string, graph: ToolGraph | ToolGraphData, { onCompute, ...opts }: LoadLayoutOptions = {}): Promise<{ layout: GraphLayout; cached: boolean }> {
  const stat = await fs.stat(graphFile);
  const key = `${stat.size}:${Math.round(stat.mtimeMs)}:${graph.order}:${graph.size}`;
  // One layout at a time per graph file and version: a view opened while the same layout is being
  // computed (after "Build Tool Graph", see `layOutGraphFile`) waits for it instead of starting another.
  const id = `${path.resolve(graphFile)}\0${key}\0${JSON.stringify(opts)}`;
  const running = inFlight.get(id);
  if (running) {
    // (told it is being computed only if it is, not while that caller reads the cache)
    if (onCompute) {
      if (running.computing) onCompute();
      else running.listeners.push(onCompute);
    }
    return await running.job;
  }
  // (the callback runs after the job's first await, when `entry` exists)
  const job = loadOrCompute(graphFile, key, graph, opts, () => {
    entry.computing = true;
    for (const l of entry.listeners) l();
  });
  const entry: InFlight = { job, computing: false, listeners: onCompute ? [onCompute] : [] };
  inFlight.set(id, entry);
  try {
    return await job;
  } finally {
    inFlight.delete(id);
  }
}

interface InFlight {
  job: Promise<{ layout: GraphLayout; cached: boolean }>;
  /** The job found no cached layout and is computing one. */
  computing: boolean;
  /** Whom to tell when it starts computing. */
  listeners: Array<() => void>;
}

/** Layouts being loaded or computed, by graph file, version and options. */
const inFlight = new Map<string, InFlight>();

async function loadOrCompute(graphFile: string, key: string, graph: ToolGraph | ToolGraphData, opts: LayoutOptions, onCompute?: () => void): Promise<{ layout: GraphLayout; cached: boolean }> {
  const file = layoutFileFor(graphFile);
  try {
    const doc = JSON.parse(await fs.readFile(file, 'utf8')) as LayoutFile;
    if (doc.version === LAYOUT_VERSION && doc.key === key) {
      const layout: GraphLayout = {
        x: fromB64(doc.x, (b) => new Float32Array(b)),
        y: fromB64(doc.y, (b) => new Float32Array(b)),
        community: fromB64(doc.community, (b) => new Int32Array(b)),
        communities: doc.communities,
        ms: doc.ms,
        iterations: doc.iterations,
      };
      if (layout.x.length === graph.order) return { layout, cached: true };
    }
  } catch {
    // missing or unreadable: compute
  }
  onCompute?.();
  const layout = await computeLayout(graph, opts);
  const doc: LayoutFile = { version: LAYOUT_VERSION, key, communities: layout.communities, iterations: layout.iterations, ms: layout.ms, x: b64(layout.x), y: b64(layout.y), community: b64(layout.community) };
  try {
    const tmp = `${file}.tmp-${process.pid}`;
    await fs.writeFile(tmp, JSON.stringify(doc));
    await fs.rename(tmp, file);
  } catch {
    // a read-only folder: the layout is recomputed next time
  }
  return { layout, cached: false };
}

/**
 * Lays out a graph file just written and caches the layout beside it, so the graph view opens at once
 * ("Build Tool Graph" starts it without waiting; a view opened meanwhile waits for this one).
 */
export async function layOutGraphFile(graphFile: string): Promise<GraphLayout> {
  return (await loadOrComputeLayout(graphFile, await readGraphData(graphFile))).layout;
}
