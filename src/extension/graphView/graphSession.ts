/**
 * The graph behind one graph view (no `vscode` import; unit-tested): the engine loads the graph
 * file, its cached layout and the tool set beside it, and answers the webview's questions with the
 * engine's own functions (counts at a threshold, why a tool is linked, Algorithm 1 from a tool).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadGraph, type ToolGraph } from '../../engine/graph';
import { countsAtThreshold } from '../../engine/graph/view/thresholdCounts';
import { explainTool } from '../../engine/graph/view/explainTool';
import { loadOrComputeLayout } from '../../engine/graph/view/graphLayout';
import { readToolSet } from '../../engine/import';
import type { Tool } from '../../engine/model/tool';
import { walkFromTool } from '../../engine/sampling';
import type { GraphPayload, HighlightView, ThresholdCounts, ToolDetails, WalkView } from '../../shared/graphView';

/** `x.graph.json` → `x.tools.json` beside it (where "Build Tool Graph" put the graph). */
export function toolsFileForGraph(graphFile: string): string {
  const base = path.basename(graphFile).replace(/(\.graph)?\.json$/i, '');
  return path.join(path.dirname(graphFile), `${base}.tools.json`);
}

/** Above this many edges the view draws only each tool's most similar ones (see `open`). */
export const LOD_MAX_DRAWN_EDGES = 100_000;

export class GraphSession {
  private constructor(
    readonly file: string,
    readonly graph: ToolGraph,
    private readonly tools: Map<string, Tool>,
    readonly payload: GraphPayload,
  ) {}

  static async open(file: string, toolsFile?: string, opts: { maxDrawnEdges?: number } = {}): Promise<GraphSession> {
    const started = performance.now();
    const graph = await loadGraph(file);
    const { layout, cached } = await loadOrComputeLayout(file, graph);
    const tools = new Map<string, Tool>();
    const tf = toolsFile ?? toolsFileForGraph(file);
    if (existsSync(tf)) {
      try {
        for (const t of (await readToolSet(tf)).tools) tools.set(t.name, t);
      } catch {
        // details then show what the graph file holds (description, counts)
      }
    }
    const names = graph.nodes();
    const index = new Map(names.map((n, i) => [n, i] as const));
    const degree = new Int32Array(names.length);
    const all: Array<[number, number, number]> = [];
    graph.forEachEdge((_e, a, s, t) => all.push([index.get(s)!, index.get(t)!, a.similarity]));
    all.sort((p, q) => q[2] - p[2]);
    // Level of detail: a big graph draws each tool's `perTool` most similar edges (the union over
    // tools); the counts, a selected tool's edges and walks come from the whole graph.
    const budget = opts.maxDrawnEdges ?? LOD_MAX_DRAWN_EDGES;
    const perTool = all.length <= budget ? Infinity : Math.max(1, Math.floor(budget / Math.max(1, names.length)));
    const seen = new Int32Array(names.length);
    const edges: Array<[number, number, number]> = [];
    for (const e of all) {
      if (seen[e[0]]! < perTool || seen[e[1]]! < perTool) edges.push(e);
      seen[e[0]]!++;
      seen[e[1]]!++;
    }
    edges.reverse(); // least similar first: the strongest are drawn last, on top
    const edgeSource = new Int32Array(edges.length);
    const edgeTarget = new Int32Array(edges.length);
    const edgeSimilarity = new Float32Array(edges.length);
    edges.forEach(([s, t, w], k) => {
      edgeSource[k] = s;
      edgeTarget[k] = t;
      edgeSimilarity[k] = w;
    });
    for (const [s, t] of all) {
      degree[s]!++;
      degree[t]!++;
    }
    const built = Number(graph.getAttribute('threshold'));
    const counts = countsAtThreshold(graph, -Infinity);
    const maxDegree = graph.getAttribute('maxDegree');
    const payload: GraphPayload = {
      file,
      model: String(graph.getAttribute('model') ?? ''),
      builtThreshold: Number.isFinite(built) ? built : 0,
      maxDegree: typeof maxDegree === 'number' ? maxDegree : null,
      nodes: graph.order,
      edges: graph.size,
      components: counts.components,
      names,
      x: layout.x,
      y: layout.y,
      community: layout.community,
      communities: layout.communities,
      degree,
      edgeSource,
      edgeTarget,
      edgeSimilarity,
      drawnPerTool: Number.isFinite(perTool) ? perTool : null,
      loadMs: Math.round(performance.now() - started),
      layoutCached: cached,
    };
    return new GraphSession(file, graph, tools, payload);
  }

  counts(threshold: number): ThresholdCounts {
    return countsAtThreshold(this.graph, threshold);
  }

  details(name: string, threshold: number): ToolDetails | null {
    return explainTool(this.graph, name, threshold, this.tools.get(name));
  }

  walk(start: string, size: number, seed: number): WalkView {
    const r = walkFromTool(this.graph, start, size, seed);
    const sim = (a: string, b: string) => this.graph.getEdgeAttribute(this.graph.edge(a, b)!, 'similarity');
    return { start, size, seed, steps: r.steps.map(({ from, to, added }) => ({ from, to, added, similarity: sim(from, to) })), tools: r.tools, short: r.short };
  }

  highlight(title: string, tools: readonly string[]): HighlightView {
    const present = tools.filter((t) => this.graph.hasNode(t));
    return { title, tools: present, missing: tools.filter((t) => !this.graph.hasNode(t)) };
  }
}
