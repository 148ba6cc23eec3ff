/**
 * Layout and communities of a tool graph for the graph view, computed once by the engine and
 * cached beside the graph file (`x.graph.json` → `x.graph.layout.json`), so opening the view never
 * runs a force layout in the webview (measured in docs/graph.md: the live ForceAtlas2 worker on all
 * of ToolBench rewrites 46k positions per step; a precomputed layout draws at once).
 *
 * Communities: Louvain (graphology-communities-louvain, weight = similarity, seeded), numbered by
 * size (0 = largest). Layout: communities start on a phyllotaxis spiral (big ones in the middle),
 * each tool near its community's centre, then ForceAtlas2 (Barnes-Hut) refines for a bounded
 * number of iterations. Deterministic for a given graph.
 */
import { promises as fs } from 'node:fs';
import louvain from 'graphology-communities-louvain';
import forceAtlas2 from 'graphology-layout-forceatlas2';
import { createRandom } from '../../sampling/seededRandom';
import { ToolGraphData } from '../graphData';
import type { ToolGraph } from '../graphTypes';

export const LAYOUT_VERSION = 1;

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
  /** ForceAtlas2 iterations; default: 100 below 2,000 nodes, fewer on big graphs (20 at 46k). */
  iterations?: number;
  seed?: number;
}

function defaultIterations(order: number): number {
  if (order <= 2000) return 100;
  if (order <= 10000) return 50;
  return 20;
}

export function computeLayout(graph: ToolGraph, opts: LayoutOptions = {}): GraphLayout {
  const started = performance.now();
  const rng = createRandom(opts.seed ?? 1);
  const nodes = graph.nodes();
  const n = nodes.length;
  const mapping = graph.size > 0 ? louvain(graph, { getEdgeWeight: 'similarity', rng: () => rng.next() }) : {};
  // Renumber communities by size, largest first (stable colours for the biggest groups).
  const sizes = new Map<number, number>();
  for (const node of nodes) {
    const c = mapping[node] ?? -1;
    sizes.set(c, (sizes.get(c) ?? 0) + 1);
  }
  const order = [...sizes.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([c]) => c);
  const rank = new Map(order.map((c, i) => [c, i] as const));
  const community = new Int32Array(n);
  nodes.forEach((node, i) => (community[i] = rank.get(mapping[node] ?? -1)!));
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
  nodes.forEach((node, i) => {
    const c = community[i]!;
    const spread = Math.sqrt(sizes.get(order[c]!)!) * 4;
    const a = rng.next() * 2 * Math.PI;
    const d = Math.sqrt(rng.next()) * spread;
    graph.mergeNodeAttributes(node, { x: cx[c]! + d * Math.cos(a), y: cy[c]! + d * Math.sin(a) });
  });
  const iterations = opts.iterations ?? defaultIterations(n);
  if (graph.size > 0 && iterations > 0) {
    forceAtlas2.assign(graph, {
      iterations,
      getEdgeWeight: 'similarity',
      settings: { ...forceAtlas2.inferSettings(graph), barnesHutOptimize: n > 1000, slowDown: 1 + Math.log(Math.max(1, n)) },
    });
  }
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  nodes.forEach((node, i) => {
    const a = graph.getNodeAttributes(node) as { x?: number; y?: number };
    x[i] = Number.isFinite(a.x) ? a.x! : 0;
    y[i] = Number.isFinite(a.y) ? a.y! : 0;
  });
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
 * Given the file's columns, a graphology graph is built only when the layout must be computed.
 */
export async function loadOrComputeLayout(graphFile: string, graph: ToolGraph | ToolGraphData, opts: LayoutOptions = {}): Promise<{ layout: GraphLayout; cached: boolean }> {
  const stat = await fs.stat(graphFile);
  const key = `${stat.size}:${Math.round(stat.mtimeMs)}:${graph.order}:${graph.size}`;
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
  const layout = computeLayout(graph instanceof ToolGraphData ? graph.toGraphology() : graph, opts);
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
