/**
 * Protocol of the "ToolFlow: Show Tool Graph" webview (types only; imported by the extension and by
 * `webview-ui/graph`). The extension host owns the graph (engine: load, layout, counts at a
 * threshold, the sampler); the webview draws it with sigma.js and asks for details on demand.
 * Big arrays travel as typed arrays (VS Code transfers them without JSON).
 */
import type { Notification, Request, Response } from './ipc';

export const GRAPH_VIEW_TYPE = 'toolflow.graphView';

/** The whole graph as the webview needs it: node i is `names[i]`; edge k joins `edgeSource[k]`, `edgeTarget[k]`. */
export interface GraphPayload {
  /** The graph file (shown in the title bar of the view). */
  file: string;
  model: string;
  /** The threshold the graph was built with; the slider filters above it. */
  builtThreshold: number;
  maxDegree: number | null;
  /** Engine statistics of the graph as built. */
  nodes: number;
  edges: number;
  components: number;
  names: string[];
  /** Layout precomputed by the engine (ForceAtlas2), cached beside the graph file. */
  x: Float32Array;
  y: Float32Array;
  /** Louvain community of each node (0 = largest), and the number of communities. */
  community: Int32Array;
  communities: number;
  degree: Int32Array;
  /**
   * The edges drawn (all of them, or on a big graph each tool's `drawnPerTool` most similar ones,
   * level of detail). `edges` and the counts are always the whole graph's.
   */
  edgeSource: Int32Array;
  edgeTarget: Int32Array;
  edgeSimilarity: Float32Array;
  drawnPerTool: number | null;
  /** How long the host took to load the graph and its layout (ms), for the status line. */
  loadMs: number;
  layoutCached: boolean;
}

export interface FieldView {
  /** `city`, `results[].id`. */
  path: string;
  type: string;
  required: boolean;
  description: string;
}

/** One edge of the selected tool: why it is linked to `neighbour`. */
export interface EdgeExplanation {
  neighbour: string;
  kind: 'P-P' | 'R-P';
  /** R-P: `out` = this tool's result feeds the neighbour's parameter; `in` = the reverse. P-P: `none`. */
  direction: 'out' | 'in' | 'none';
  /** This tool's field and the neighbour's field of the best pair. */
  field: string;
  neighbourField: string;
  similarity: number;
}

export interface ToolDetails {
  name: string;
  description: string;
  source: string;
  format: string;
  /** Null when the tool set file of the graph is not available (then only counts are known). */
  parameters: FieldView[] | null;
  returns: FieldView[] | null;
  /** Edges above the current threshold, most similar first. */
  edges: EdgeExplanation[];
}

export interface ThresholdCounts {
  threshold: number;
  edges: number;
  components: number;
  isolated: number;
}

export interface WalkView {
  start: string;
  size: number;
  seed: number;
  steps: Array<{ from: string; to: string; added: boolean; similarity: number }>;
  tools: string[];
  short: boolean;
}

export interface HighlightView {
  /** What the highlighted tools are, e.g. "dialogue 000003 of runs/demo". */
  title: string;
  tools: string[];
  /** Tools of the dialogue that are not nodes of this graph. */
  missing: string[];
}

export type ToGraphWebview =
  | Notification<'graph/load', GraphPayload>
  | Notification<'graph/highlight', HighlightView>
  | Notification<'graph/walk', WalkView>
  | Notification<'graph/error', { message: string }>
  /** What the host is doing before the graph can be sent (the first layout of a big graph takes seconds). */
  | Notification<'graph/progress', { message: string }>
  | Response<ToolDetails | ThresholdCounts | null>;

export type GraphRequest = Request<'graph/tool', { name: string; threshold: number }> | Request<'graph/counts', { threshold: number }>;

export type FromGraphWebview =
  | Notification<'graph/ready', Record<string, never>>
  | GraphRequest
  | Notification<'graph/sample', { start: string; size: number; seed: number }>
  | Notification<'graph/rebuild', { threshold: number }>
  | Notification<'graph/rendered', { ms: number; nodes: number; edges: number }>;

/**
 * The webview's test hook, `window.__toolflowGraph`: where sigma draws a tool (CSS pixels from the
 * top-left of `#graph-canvas`, so a test clicks it with the mouse) and the walk as sigma draws it
 * (display data after the reducers). Read-only.
 */
export interface GraphTestHook {
  /** Where `name` is drawn and its radius; null when it is not drawn. */
  nodeViewport(name: string): { x: number; y: number; radius: number } | null;
  /** The walk drawn: its nodes and its edges with their display data. */
  drawnWalk(): { nodes: Array<{ name: string; color: string }>; edges: Array<{ source: string; target: string; hidden: boolean; color: string; type: string; size: number }> };
  /** The opaque colours the view draws with, mixed with the theme's editor background. */
  colours(): { background: string; dim: string; edge: string; selectedEdge: string; label: string };
}

/** What the webview keeps with `setState`: the graph file is reopened from it after a reload. */
export interface GraphWebviewState {
  file: string;
  threshold: number;
  selected: string | null;
}
