/** Statistics users look at before sampling: size, components, isolated tools, degrees, hubs. */
import { forEachConnectedComponentOrder } from 'graphology-components';
import type Graph from 'graphology';

export interface GraphStats {
  nodes: number;
  edges: number;
  /** Edges by kind. */
  ppEdges: number;
  rpEdges: number;
  components: number;
  largestComponent: number;
  /** Tools with no edge: a walk starting there yields a one-tool sample. */
  isolated: number;
  degree: { min: number; max: number; mean: number; median: number; p90: number };
  /** `[upToDegree, tools]` buckets: 0, 1, 2-3, 4-7, 8-15, ... */
  degreeHistogram: Array<[number, number]>;
  /** The most connected tools. */
  topHubs: Array<{ tool: string; degree: number }>;
  /** Generic fields left out of the pair search (from the graph's attributes), most common first. */
  genericFields: Array<{ role: 'param' | 'return'; by: 'name' | 'text'; field: string; tools: number }>;
}

export function computeGraphStats(graph: Graph, topHubs = 10): GraphStats {
  const names: string[] = [];
  const degrees: number[] = [];
  graph.forEachNode((node) => {
    names.push(node);
    degrees.push(graph.degree(node));
  });
  let ppEdges = 0;
  let rpEdges = 0;
  graph.forEachEdge((_e, attrs) => {
    if (attrs.kind === 'R-P') rpEdges++;
    else ppEdges++;
  });
  let components = 0;
  let largest = 0;
  forEachConnectedComponentOrder(graph, (order) => {
    components++;
    largest = Math.max(largest, order);
  });
  const generic = graph.getAttribute('genericFields');
  return statsFromCounts({ names, degrees, edges: graph.size, ppEdges, rpEdges, components, largestComponent: largest, genericFields: Array.isArray(generic) ? (generic as GraphStats['genericFields']) : [] }, topHubs);
}

/** The statistics from per-tool degrees and component counts (shared by the graphology and the typed-array routes). */
export function statsFromCounts(
  c: { names: readonly string[]; degrees: ArrayLike<number>; edges: number; ppEdges: number; rpEdges: number; components: number; largestComponent: number; genericFields: GraphStats['genericFields'] },
  topHubs = 10,
): GraphStats {
  const degrees = Array.from(c.degrees);
  const hubs = c.names.map((tool, i) => ({ tool, degree: degrees[i]! }));
  const sorted = Float64Array.from(degrees).sort();
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : 0);
  const histogram = new Map<number, number>();
  for (const d of degrees) {
    const bucket = d === 0 ? 0 : 2 ** Math.ceil(Math.log2(d + 1)) - 1;
    histogram.set(bucket, (histogram.get(bucket) ?? 0) + 1);
  }
  hubs.sort((a, b) => b.degree - a.degree || (a.tool < b.tool ? -1 : 1));
  return {
    nodes: c.names.length,
    edges: c.edges,
    ppEdges: c.ppEdges,
    rpEdges: c.rpEdges,
    components: c.components,
    largestComponent: c.largestComponent,
    isolated: degrees.filter((d) => d === 0).length,
    degree: {
      min: sorted[0] ?? 0,
      max: sorted[sorted.length - 1] ?? 0,
      mean: degrees.length ? (2 * c.edges) / degrees.length : 0,
      median: at(0.5),
      p90: at(0.9),
    },
    degreeHistogram: [...histogram.entries()].sort((a, b) => a[0] - b[0]),
    topHubs: hubs.slice(0, topHubs).filter((h) => h.degree > 0),
    genericFields: c.genericFields,
  };
}
