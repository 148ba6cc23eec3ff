/**
 * The graph at a higher threshold than it was built with: edges whose similarity is above τ, and
 * the connected components they leave. The graph view's τ slider shows these counts; they are the
 * engine's, computed on the graph file itself (union-find over the kept edges).
 */
import type { ThresholdCounts } from '../../../shared/graphView';
import type { ToolGraphData } from '../graphData';
import type { ToolGraph } from '../graphTypes';

/** The protocol's type (src/shared/graphView.ts), declared once there. */
export type ThresholdCountsResult = ThresholdCounts;

/** Visits every edge as (node number, node number, similarity). */
type EdgeVisitor = (visit: (a: number, b: number, similarity: number) => void) => void;

/** Edges with similarity > `threshold` (strictly, as the build's test) among `n` nodes, and the components they make (union-find). */
function countKept(n: number, forEachEdge: EdgeVisitor, threshold: number): ThresholdCountsResult {
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  const degree = new Int32Array(n);
  let edges = 0;
  let components = n;
  forEachEdge((a, b, similarity) => {
    if (!(similarity > threshold)) return;
    edges++;
    degree[a]!++;
    degree[b]!++;
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) {
      parent[ra] = rb;
      components--;
    }
  });
  let isolated = 0;
  for (const d of degree) if (d === 0) isolated++;
  return { threshold, edges, components, isolated };
}

/** Edges with similarity > `threshold` (strictly, as the build's test), and the components they make. */
export function countsAtThreshold(graph: ToolGraph, threshold: number): ThresholdCountsResult {
  const index = new Map<string, number>();
  graph.forEachNode((n) => index.set(n, index.size));
  return countKept(index.size, (visit) => graph.forEachEdge((_e, attrs, source, target) => visit(index.get(source)!, index.get(target)!, attrs.similarity)), threshold);
}

/** `countsAtThreshold` on the graph file's columns (the graph view: no graphology graph needed). */
export function countsAtThresholdData(data: ToolGraphData, threshold: number): ThresholdCountsResult {
  const { source, target, similarity } = data.edges;
  return countKept(
    data.order,
    (visit) => {
      for (let k = 0; k < source.length; k++) visit(source[k]!, target[k]!, similarity[k]!);
    },
    threshold,
  );
}
