/**
 * The graph behind one graph view (no `vscode` import; unit-tested): the engine reads the graph
 * file's columns (no graphology graph: on all of ToolBench that would cost seconds) and its cached
 * layout, and answers the webview's questions with the engine's own functions on those columns
 * (counts at a threshold, why a tool is linked, Algorithm 1 from a tool).
 * The tool set beside the graph (descriptions, parameters and returns for a clicked tool) is read
 * only when first asked for: it is not needed to draw the graph, and on all of ToolBench (75 MB)
 * reading it took 1.7 s, more than half of the time from opening the panel to the first frame
 * (bench/graph-view-render.ts). The panel asks for it once the first frame is drawn (`readTools`).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readGraphData, type ToolGraphData } from '../../engine/graph';
import { countsAtThresholdData } from '../../engine/graph/view/thresholdCounts';
import { orderBySimilarity } from '../../engine/graph/toolEdges';
import { explainToolData } from '../../engine/graph/view/explainTool';
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
    /** The graph file's columns: no graphology graph is built unless the layout must be computed. */
    readonly graph: ToolGraphData,
    /** The tool set file beside the graph (it may not exist). */
    readonly toolsFile: string,
    readonly payload: GraphPayload,
    /** Where the host's load went (ms): reading + checking the file, layout, payload. */
    readonly timings: { readMs: number; layoutMs: number; payloadMs: number },
  ) {}

  private tools: Promise<Map<string, Tool>> | undefined;
  /** Why the tool set beside the graph could not be read (details then show what the graph file holds). */
  toolsProblem: string | undefined;

  /**
   * The tool set beside the graph, read once (the first call starts the read); an empty map if there
   * is none or it cannot be read: details then show what the graph file holds (description, counts).
   */
  readTools(): Promise<Map<string, Tool>> {
    this.tools ??= (async () => {
      const tools = new Map<string, Tool>();
      if (!existsSync(this.toolsFile)) return tools;
      try {
        for (const t of (await readToolSet(this.toolsFile)).tools) tools.set(t.name, t);
      } catch (e) {
        this.toolsProblem = e instanceof Error ? e.message : String(e);
      }
      return tools;
    })();
    return this.tools;
  }

  /**
   * Reads the graph file and its layout. `onProgress` hears what takes long before the graph can be
   * sent: the first layout of a graph (all ToolBench: ~7 s; cached beside the graph after).
   */
  static async open(file: string, toolsFile?: string, opts: { maxDrawnEdges?: number; onProgress?: (message: string) => void } = {}): Promise<GraphSession> {
    const started = performance.now();
    const graph = await readGraphData(file);
    const t1 = performance.now();
    const onCompute = () => opts.onProgress?.(`Laying out ${graph.order.toLocaleString('en-US')} tools and ${graph.size.toLocaleString('en-US')} edges (Louvain communities, ForceAtlas2): the first time this graph is shown; the layout is kept beside it.`);
    const { layout, cached } = await loadOrComputeLayout(file, graph, { onCompute });
    const t2 = performance.now();
    const names = graph.nodes.key;
    const { source, target, similarity } = graph.edges;
    const m = graph.size;
    const degree = new Int32Array(names.length);
    for (let k = 0; k < m; k++) {
      degree[source[k]!]!++;
      degree[target[k]!]!++;
    }
    // Level of detail: a big graph draws each tool's `perTool` most similar edges (the union over
    // tools); the counts, a selected tool's edges and walks come from the whole graph.
    const budget = opts.maxDrawnEdges ?? LOD_MAX_DRAWN_EDGES;
    const perTool = m <= budget ? Infinity : Math.max(1, Math.floor(budget / Math.max(1, names.length)));
    const order = orderBySimilarity(Float32Array.from(similarity)); // most similar first, ties in file order
    const seen = new Int32Array(names.length);
    const drawn = new Int32Array(m);
    let d = 0;
    for (const k of order) {
      const s = source[k]!;
      const t = target[k]!;
      if (seen[s]! < perTool || seen[t]! < perTool) drawn[d++] = k;
      seen[s]!++;
      seen[t]!++;
    }
    // least similar first: the strongest are drawn last, on top
    const edgeSource = new Int32Array(d);
    const edgeTarget = new Int32Array(d);
    const edgeSimilarity = new Float32Array(d);
    for (let j = 0; j < d; j++) {
      const k = drawn[d - 1 - j]!;
      edgeSource[j] = source[k]!;
      edgeTarget[j] = target[k]!;
      edgeSimilarity[j] = similarity[k]!;
    }
    const attrs = graph.attributes;
    const built = Number(attrs.threshold);
    const counts = countsAtThresholdData(graph, -Infinity);
    const payload: GraphPayload = {
      file,
      model: String(attrs.model ?? ''),
      builtThreshold: Number.isFinite(built) ? built : 0,
      maxDegree: typeof attrs.maxDegree === 'number' ? attrs.maxDegree : null,
      nodes: graph.order,
      edges: m,
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
    const timings = { readMs: Math.round(t1 - started), layoutMs: Math.round(t2 - t1), payloadMs: Math.round(performance.now() - t2) };
    return new GraphSession(file, graph, toolsFile ?? toolsFileForGraph(file), payload, timings);
  }

  counts(threshold: number): ThresholdCounts {
    return countsAtThresholdData(this.graph, threshold);
  }

  async details(name: string, threshold: number): Promise<ToolDetails | null> {
    const tools = await this.readTools();
    return explainToolData(this.graph, name, threshold, tools.get(name));
  }

  walk(start: string, size: number, seed: number): WalkView {
    const r = walkFromTool(this.graph, start, size, seed);
    const g = this.graph;
    const sim = (a: string, b: string) => {
      const i = g.indexOf(a);
      const j = g.indexOf(b);
      for (const k of g.incidentEdges(i)) if (g.opposite(k, i) === j) return g.edges.similarity[k]!;
      return NaN;
    };
    return { start, size, seed, steps: r.steps.map(({ from, to, added }) => ({ from, to, added, similarity: sim(from, to) })), tools: r.tools, short: r.short };
  }

  highlight(title: string, tools: readonly string[]): HighlightView {
    const present = tools.filter((t) => this.graph.hasNode(t));
    return { title, tools: present, missing: tools.filter((t) => !this.graph.hasNode(t)) };
  }
}
