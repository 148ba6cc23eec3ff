/** The tool graph as stored: a graphology graph whose `export()` is the on-disk JSON. */
import type Graph from 'graphology';

export const GRAPH_FORMAT = 'toolflow.graph' as const;
export const GRAPH_VERSION = 1 as const;

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

export interface EdgeField {
  tool: string;
  role: 'param' | 'return';
  /** Path of the field in the parameters / return schema, e.g. `city` or `results[].id`. */
  field: string;
  /** The embedded text, `"{name}: {description}"`. */
  text: string;
}

/** Why two tools are linked: the most similar field pair. For R-P, `from`'s return feeds `to`. */
export type ToolEdgeAttributes =
  | { kind: 'P-P'; similarity: number; fields: [EdgeField, EdgeField]; [key: string]: unknown }
  | { kind: 'R-P'; similarity: number; from: string; to: string; fields: [EdgeField, EdgeField]; [key: string]: unknown };

export interface ToolGraphAttributes {
  format: typeof GRAPH_FORMAT;
  version: typeof GRAPH_VERSION;
  model: string;
  threshold: number;
  dimensions: number;
  distinctTexts: number;
  createdAt: string;
  ignoreParams?: string[];
  maxDegree?: number;
  sources?: string[];
  [key: string]: unknown;
}

export type ToolGraph = Graph<ToolNodeAttributes, ToolEdgeAttributes, ToolGraphAttributes>;
