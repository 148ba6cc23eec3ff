/** The tool graph in memory (graphology) and the graph file's format name and version (docs/graph.md). */
import type Graph from 'graphology';

export const GRAPH_FORMAT = 'toolflow.graph' as const;
/** Version 2: columns (graphData.ts). Version 1 was graphology's `export()`; readers refuse it with a rebuild hint. */
export const GRAPH_VERSION = 2 as const;

export interface ToolNodeAttributes {
  label: string;
  description: string;
  /** Provenance file of the tool. */
  source: string;
  format: string;
  /** ToolBench tool / MCP server etc. when the importer recorded one. */
  group?: string;
  parameters: number;
  hasReturns: boolean;
  [key: string]: unknown;
}

/**
 * Why two tools are linked: their most similar field pair. `sourceField` / `targetField` are the
 * paths (e.g. `city`, `results[].id`) of that pair's field on the edge's source / target tool. For
 * P-P both are parameters; for R-P the field on `from` is a return field that feeds the parameter
 * of `to`. The fields' texts ("{name}: {description}") are in the tool set.
 */
export type ToolEdgeAttributes =
  | { kind: 'P-P'; similarity: number; sourceField: string; targetField: string; [key: string]: unknown }
  | { kind: 'R-P'; similarity: number; from: string; to: string; sourceField: string; targetField: string; [key: string]: unknown };

export interface ToolGraphAttributes {
  format: typeof GRAPH_FORMAT;
  version: number;
  model: string;
  threshold: number;
  dimensions: number;
  distinctTexts: number;
  createdAt: string;
  ignoreParams?: string[];
  maxDegree?: number;
  sources?: string[];
  /** Tool edges found above tau before the degree cap. */
  edgesBeforeCap?: number;
  /** Generic fields detected from the data and left out of the pair search. */
  /** A field in more than this many tools was generic. */
  genericCutoff?: number;
  genericFields?: Array<{ role: 'param' | 'return'; by: 'name' | 'text'; field: string; tools: number }>;
  [key: string]: unknown;
}

export type ToolGraph = Graph<ToolNodeAttributes, ToolEdgeAttributes, ToolGraphAttributes>;
