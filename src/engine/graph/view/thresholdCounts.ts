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

/** Edges with similarity > `threshold` (strictly, as the build's test), and the components they make. */
export function countsAtThreshold(graph: ToolGraph, threshold: number): ThresholdCountsResult {
  const index = new Map<string, number>();
  graph.forEachNode((n) => index.set(n, index.size));
  const parent = new Int32Array(index.size);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  const degree = new Int32Array(index.size);
  let edges = 0;
  let components = index.size;
  graph.forEachEdge((_e, attrs, source, target) => {
    if (!(attrs.similarity > threshold)) return;
    edges++;
    const a = index.get(source)!;
    const b = index.get(target)!;
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

/** `countsAtThreshold` on the graph file's columns (the graph view: no graphology graph needed). */
export function countsAtThresholdData(data: ToolGraphData, threshold: number): ThresholdCountsResult {
  const n = data.order;
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
  const { source, target, similarity } = data.edges;
  let edges = 0;
  let components = n;
  for (let k = 0; k < source.length; k++) {
    if (!(similarity[k]! > threshold)) continue;
    edges++;
    const a = source[k]!;
    const b = target[k]!;
    degree[a]!++;
    degree[b]!++;
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) {
      parent[ra] = rb;
      components--;
    }
  }
  let isolated = 0;
  for (const d of degree) if (d === 0) isolated++;
  return { threshold, edges, components, isolated };
}
