/**
 * Why a tool is linked: its description, parameters and returns as fields, and for each edge above
 * a threshold the field pair and similarity that created it (P-P, or R-P with its direction).
 */
import { returnFieldsOf } from '../../import/toolSetBuilder';
import type { JsonSchema } from '../../model/jsonSchema';
import type { Tool } from '../../model/tool';
import type { ToolGraph } from '../graphTypes';

export interface ToolField {
  path: string;
  type: string;
  required: boolean;
  description: string;
}

export interface ToolEdgeExplanation {
  neighbour: string;
  kind: 'P-P' | 'R-P';
  direction: 'out' | 'in' | 'none';
  field: string;
  neighbourField: string;
  similarity: number;
}

export interface ToolExplanation {
  name: string;
  description: string;
  source: string;
  format: string;
  parameters: ToolField[] | null;
  returns: ToolField[] | null;
  edges: ToolEdgeExplanation[];
}

export function schemaTypeName(s: JsonSchema | undefined): string {
  if (!s || typeof s !== 'object') return 'any';
  const t = s.type;
  const base = Array.isArray(t) ? t.join(' | ') : typeof t === 'string' ? t : s.enum ? 'enum' : s.properties ? 'object' : s.anyOf || s.oneOf ? 'union' : 'any';
  if (base === 'array' && s.items && typeof s.items === 'object' && !Array.isArray(s.items)) return `${schemaTypeName(s.items)}[]`;
  return base;
}

function describe(s: JsonSchema): string {
  return typeof s.description === 'string' ? s.description : typeof s.title === 'string' ? s.title : '';
}

/** Top-level parameters; return fields flattened to paths (`results[].id`), depth-limited. */
export function toolFields(tool: Tool): { parameters: ToolField[]; returns: ToolField[] } {
  const required = new Set(tool.parameters.required ?? []);
  const parameters = Object.entries(tool.parameters.properties ?? {}).map(([name, s]) => ({ path: name, type: schemaTypeName(s), required: required.has(name), description: describe(s) }));
  const returns: ToolField[] = [];
  const walk = (s: JsonSchema, prefix: string, depth: number) => {
    if (depth > 6 || returns.length > 500) return;
    if (s.items && typeof s.items === 'object' && !Array.isArray(s.items)) walk(s.items, `${prefix}[]`, depth + 1);
    const req = new Set(Array.isArray(s.required) ? s.required : []);
    for (const [name, child] of Object.entries(s.properties ?? {})) {
      if (!child || typeof child !== 'object') continue;
      const p = prefix ? `${prefix}.${name}` : name;
      returns.push({ path: p, type: schemaTypeName(child), required: req.has(name), description: describe(child) });
      walk(child, p, depth + 1);
    }
  };
  if (tool.returns) {
    if (returnFieldsOf(tool.returns) || tool.returns.items) walk(tool.returns, '', 0);
    else returns.push({ path: '(result)', type: schemaTypeName(tool.returns), required: true, description: describe(tool.returns) });
  }
  return { parameters, returns };
}

/** The tool's node, its fields (when the tool set is known) and its edges with similarity > threshold. */
export function explainTool(graph: ToolGraph, name: string, threshold: number, tool?: Tool): ToolExplanation | null {
  if (!graph.hasNode(name)) return null;
  const node = graph.getNodeAttributes(name);
  const edges: ToolEdgeExplanation[] = [];
  graph.forEachEdge(name, (_e, a, source, target) => {
    if (!(a.similarity > threshold)) return;
    const neighbour = source === name ? target : source;
    // sourceField is on the edge's source tool, targetField on its target.
    const field = source === name ? a.sourceField : a.targetField;
    const neighbourField = source === name ? a.targetField : a.sourceField;
    const direction = a.kind === 'P-P' ? 'none' : a.from === name ? 'out' : 'in';
    edges.push({ neighbour, kind: a.kind, direction, field, neighbourField, similarity: a.similarity });
  });
  edges.sort((x, y) => y.similarity - x.similarity || (x.neighbour < y.neighbour ? -1 : 1));
  const fields = tool ? toolFields(tool) : null;
  return {
    name,
    description: tool?.description ?? node.description ?? '',
    source: node.source ?? '',
    format: node.format ?? '',
    parameters: fields?.parameters ?? null,
    returns: fields?.returns ?? null,
    edges,
  };
}
