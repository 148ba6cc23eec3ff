import type { Diagnostic } from './diagnostic';
import type { JsonSchema, ObjectSchema } from './jsonSchema';

/** Formats the importers recognise. `toolflow` is our own canonical `*.tools.json` file. */
export type SourceFormat =
  | 'toolflow'
  | 'openai'
  | 'openai-functions'
  | 'toolflow-paper'
  | 'anthropic'
  | 'bfcl'
  | 'toolbench'
  | 'api-bank'
  | 'openapi'
  | 'mcp'
  /** ToolAlpaca dataset files: API records whose `Documentation` is an OpenAPI spec as a JSON string. */
  | 'toolalpaca';

/** Where a canonical tool came from, so every tool can be traced back to its original text. */
export interface Provenance {
  file: string;
  format: SourceFormat;
  /** JSON pointer of the original definition inside its (parsed) document. */
  pointer: string;
  /** 1-based line of the original definition, when known (JSON lines, YAML, JSON text). */
  line?: number;
  /** The name as the source wrote it, before it was made valid and unique. */
  originalName: string;
  /** Extra identifying context: ToolBench tool name and category, MCP server, OpenAPI method+path. */
  context?: Record<string, string>;
}

/**
 * The canonical tool: an OpenAI function definition plus the JSON Schema of its result
 * (the paper's Figure 2 format) plus provenance.
 */
export interface Tool {
  /** Valid for OpenAI (`^[a-zA-Z0-9_-]{1,64}$`) and unique within its ToolSet. */
  name: string;
  description: string;
  parameters: ObjectSchema;
  /** JSON Schema of the tool's result, with per-field descriptions. Absent when unknown. */
  returns?: JsonSchema;
  provenance: Provenance;
  /**
   * JSON pointers (relative to this tool object) of descriptions or schemas that are missing and
   * should be completed by the LLM completion step, e.g. `/description`,
   * `/parameters/properties/city/description`, `/returns`.
   */
  missing?: string[];
  /** JSON pointers (relative to this tool) of values written by the LLM completion step. */
  generated?: string[];
}

export const TOOLSET_FORMAT = 'toolflow.tools' as const;
export const TOOLSET_VERSION = 1 as const;
/** Name of the JSON Schema of the canonical file, shipped in `schemas/`. */
export const TOOLSET_SCHEMA_FILE = 'toolset.schema.json';

/** Per-source summary of an import. */
export interface SourceSummary {
  file: string;
  format: SourceFormat;
  tools: number;
  errors: number;
  warnings: number;
}

/** The on-disk canonical tool set (`*.tools.json`). */
export interface ToolSet {
  $schema?: string;
  format: typeof TOOLSET_FORMAT;
  version: typeof TOOLSET_VERSION;
  createdAt?: string;
  sources: SourceSummary[];
  tools: Tool[];
  diagnostics: Diagnostic[];
}

export const OPENAI_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/** The OpenAI `tools` entry offered to a model for this tool. */
export interface OpenAITool {
  type: 'function';
  function: { name: string; description: string; parameters: ObjectSchema };
}

export function toOpenAITool(tool: Tool): OpenAITool {
  return { type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters } };
}
