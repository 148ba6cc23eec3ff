/** Reads canonical tool set files (`*.tools.json`) for the Tools view (pure, unit-tested). */
import type { Diagnostic } from '../../engine/model/diagnostic';
import type { JsonSchema } from '../../engine/model/jsonSchema';
import type { Tool, ToolSet } from '../../engine/model/tool';

export interface LoadedToolSet {
  file: string;
  toolSet?: ToolSet;
  /** Why the file could not be read, with where and what to do. */
  problem?: string;
}

export function parseToolSetText(file: string, text: string): LoadedToolSet {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { file, problem: `${file}: not valid JSON (${e instanceof Error ? e.message : String(e)}); re-run ToolFlow: Import Tools… to rewrite it.` };
  }
  if (typeof value !== 'object' || value === null || (value as { format?: unknown }).format !== 'toolflow.tools') {
    return { file, problem: `${file}#/format: not a ToolFlow tool set (expected "format": "toolflow.tools"); import the file with ToolFlow: Import Tools….` };
  }
  const ts = value as Partial<ToolSet>;
  if (!Array.isArray(ts.tools)) return { file, problem: `${file}#/tools: missing the "tools" array.` };
  const bad = ts.tools.findIndex(
    (t) => typeof t !== 'object' || t === null || typeof (t as Tool).name !== 'string' || typeof (t as Tool).description !== 'string' || !isObject((t as Tool).parameters),
  );
  if (bad >= 0) return { file, problem: `${file}#/tools/${bad}: a tool needs a "name", a "description" and "parameters" (an object).` };
  return { file, toolSet: { ...(ts as ToolSet), diagnostics: Array.isArray(ts.diagnostics) ? ts.diagnostics : [], sources: Array.isArray(ts.sources) ? ts.sources : [] } };
}

export interface FieldNode {
  name: string;
  type: string;
  description: string;
  required: boolean;
  children: FieldNode[];
}

function typeOf(s: JsonSchema): string {
  if (Array.isArray(s.type)) return s.type.join(' | ');
  if (s.type) return s.type === 'array' && s.items ? `${typeOf(s.items)}[]` : s.type;
  if (s.anyOf || s.oneOf) return (s.anyOf ?? s.oneOf ?? []).map(typeOf).join(' | ');
  if (s.enum) return 'enum';
  return 'any';
}

/** Fields of an object schema (nested objects and arrays of objects expanded, to `depth`). */
export function schemaFields(schema: JsonSchema | undefined, depth = 3): FieldNode[] {
  if (!schema || depth <= 0) return [];
  const target = schema.type === 'array' && schema.items ? schema.items : schema;
  const props = target.properties ?? {};
  const required = new Set(target.required ?? []);
  return Object.entries(props).map(([name, s]) => ({
    name,
    type: typeOf(s),
    description: s.description ?? '',
    required: required.has(name),
    children: schemaFields(s, depth - 1),
  }));
}

export function matchesToolSearch(tool: Tool, search: string): boolean {
  const q = search.trim().toLowerCase();
  if (!q) return true;
  return tool.name.toLowerCase().includes(q) || tool.description.toLowerCase().includes(q) || tool.provenance?.originalName?.toLowerCase().includes(q) === true;
}

/** Diagnostics that concern one tool (their pointer starts with the tool's pointer in its source). */
export function diagnosticsOfTool(tool: Tool, diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const p = tool.provenance;
  if (!p) return [];
  return diagnostics.filter((d) => d.location.file === p.file && d.location.pointer !== undefined && p.pointer !== '' && (d.location.pointer === p.pointer || d.location.pointer.startsWith(p.pointer + '/')));
}

function isObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
