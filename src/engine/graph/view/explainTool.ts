/**
 * Why a tool is linked: its description, parameters and returns as fields, and for each edge above
 * a threshold the field pair and similarity that created it (P-P, or R-P with its direction).
 */
import { toolFieldTexts } from '../../embedding/fieldTexts';
import type { EdgeExplanation, FieldView, ToolDetails } from '../../../shared/graphView';
import type { JsonSchema } from '../../model/jsonSchema';
import { schemaDescription, schemaTypeName } from '../../model/schemaLabels';
import type { Tool } from '../../model/tool';
import type { ToolGraphData } from '../graphData';
import type { ToolEdgeAttributes, ToolGraph, ToolNodeAttributes } from '../graphTypes';

/** The protocol's types (src/shared/graphView.ts) are the shapes this module returns: declared once there. */
export type ToolField = FieldView;
export type ToolEdgeExplanation = EdgeExplanation;
export type ToolExplanation = ToolDetails;

function describe(s: JsonSchema | undefined): string {
  return schemaDescription(s) ?? '';
}

/** Sub-schemas of `s` that may hold properties: itself and its allOf / anyOf / oneOf branches. */
function branches(s: JsonSchema, depth = 0): JsonSchema[] {
  if (depth > 8) return [s];
  const out = [s];
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = s[key];
    if (Array.isArray(list)) for (const b of list) if (b && typeof b === 'object') out.push(...branches(b, depth + 1));
  }
  return out;
}

/** The schema at a field path (`results[].id`) of the same shape `toolFieldTexts` walks. */
function schemaAt(root: JsonSchema, path: string): { schema: JsonSchema; required: boolean } | undefined {
  let cur: JsonSchema | undefined = root;
  let required = true;
  for (const seg of path.split('.')) {
    const m = /^(.*?)((?:\[\])*)$/.exec(seg)!;
    const name = m[1]!;
    const arrays = m[2]!.length / 2;
    if (!cur) return undefined;
    if (name) {
      let next: JsonSchema | undefined;
      let req = false;
      for (const b of branches(cur)) {
        const child = b.properties?.[name];
        if (child && typeof child === 'object') {
          next = child;
          req = Array.isArray(b.required) && b.required.includes(name);
          break;
        }
      }
      cur = next;
      required = req;
    }
    for (let i = 0; i < arrays && cur; i++) cur = cur.items && typeof cur.items === 'object' && !Array.isArray(cur.items) ? cur.items : undefined;
  }
  return cur ? { schema: cur, required } : undefined;
}

/** Top-level parameters; return fields as the graph names them (`results[].id`, same walk as the embedded texts). */
export function toolFields(tool: Tool): { parameters: ToolField[]; returns: ToolField[] } {
  const required = new Set(tool.parameters.required ?? []);
  const parameters = Object.entries(tool.parameters.properties ?? {}).map(([name, s]) => ({ path: name, type: schemaTypeName(s), required: required.has(name), description: describe(s) }));
  const returns: ToolField[] = [];
  if (tool.returns) {
    for (const f of toolFieldTexts(tool)) {
      if (f.role !== 'return') continue;
      const at = schemaAt(tool.returns, f.path);
      returns.push({ path: f.path, type: schemaTypeName(at?.schema), required: at?.required ?? false, description: at ? describe(at.schema) : '' });
    }
    if (returns.length === 0) returns.push({ path: '(result)', type: schemaTypeName(tool.returns), required: true, description: describe(tool.returns) });
  }
  return { parameters, returns };
}

/** The tool's node, its fields (when the tool set is known) and its edges with similarity > threshold. */
export function explainTool(graph: ToolGraph, name: string, threshold: number, tool?: Tool): ToolExplanation | null {
  if (!graph.hasNode(name)) return null;
  const edges: ToolEdgeExplanation[] = [];
  graph.forEachEdge(name, (_e, a, source, target) => {
    const x = explainEdge(name, a, source, target, threshold);
    if (x) edges.push(x);
  });
  return explanation(name, graph.getNodeAttributes(name), edges, tool);
}

/** `explainTool` on the graph file's columns (the graph view: no graphology graph needed). */
export function explainToolData(data: ToolGraphData, name: string, threshold: number, tool?: Tool): ToolExplanation | null {
  const i = data.indexOf(name);
  if (i < 0) return null;
  const edges: ToolEdgeExplanation[] = [];
  const { source, target, similarity } = data.edges;
  const keys = data.nodes.key;
  for (const k of data.incidentEdges(i)) {
    if (!(similarity[k]! > threshold)) continue;
    const x = explainEdge(name, data.edgeAttributes(k), keys[source[k]!]!, keys[target[k]!]!, threshold);
    if (x) edges.push(x);
  }
  return explanation(name, data.nodeAttributes(i), edges, tool);
}

function explainEdge(name: string, a: ToolEdgeAttributes, source: string, target: string, threshold: number): ToolEdgeExplanation | undefined {
  if (!(a.similarity > threshold)) return undefined;
  const neighbour = source === name ? target : source;
  // sourceField is on the edge's source tool, targetField on its target.
  const field = source === name ? a.sourceField : a.targetField;
  const neighbourField = source === name ? a.targetField : a.sourceField;
  const direction = a.kind === 'P-P' ? 'none' : a.from === name ? 'out' : 'in';
  return { neighbour, kind: a.kind, direction, field, neighbourField, similarity: a.similarity };
}

function explanation(name: string, node: ToolNodeAttributes, edges: ToolEdgeExplanation[], tool: Tool | undefined): ToolExplanation {
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
