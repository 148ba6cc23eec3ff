/**
 * The texts the tool graph embeds (paper 3.1): `"{name}: {description}"` for every parameter and
 * every return field of a tool, nested return fields included.
 */
import type { JsonSchema } from '../model/jsonSchema';
import { schemaDescription } from '../model/schemaLabels';
import type { Tool } from '../model/tool';

export type FieldRole = 'param' | 'return';

export interface FieldText {
  role: FieldRole;
  /** Field name as written in the schema (the last path segment). */
  name: string;
  /** Dotted path inside the parameters / return schema, `[]` for array items: `results[].title`. */
  path: string;
  text: string;
}

/** Whitespace other than a single space between words: what `fieldText` rewrites. */
const MESSY_SPACE = /[^\S ]| {2}/;

/** `"{name}: {description}"`, or just the name when the description is empty. */
export function fieldText(name: string, description: string | undefined): string {
  const raw = description ?? '';
  // Runs of whitespace become one space; most descriptions have none to collapse (same result, no copy).
  const d = (MESSY_SPACE.test(raw) ? raw.replace(/\s+/g, ' ') : raw).trim();
  return d ? `${name}: ${d}` : name;
}


/** Properties of an object schema, looking through `allOf`, `anyOf`, `oneOf`. */
function properties(schema: JsonSchema, depth: number): Array<[name: string, schema: JsonSchema]> {
  if (depth > 8) return [];
  const out: Array<[string, JsonSchema]> = [];
  if (schema.properties && typeof schema.properties === 'object') {
    for (const [name, child] of Object.entries(schema.properties)) if (child && typeof child === 'object') out.push([name, child]);
  }
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list)) for (const s of list) if (s && typeof s === 'object') out.push(...properties(s, depth + 1));
  }
  return out;
}

function walkReturns(schema: JsonSchema, prefix: string, depth: number, out: FieldText[], seen: Set<string>): void {
  if (depth > 12) return;
  if (schema.items && typeof schema.items === 'object' && !Array.isArray(schema.items)) {
    walkReturns(schema.items, `${prefix}[]`, depth + 1, out, seen);
  }
  for (const [name, child] of properties(schema, depth)) {
    const path = prefix ? `${prefix}.${name}` : name;
    if (seen.has(path)) continue;
    seen.add(path);
    out.push({ role: 'return', name, path, text: fieldText(name, schemaDescription(child)) });
    walkReturns(child, path, depth + 1, out, seen);
  }
}

/** Top-level parameters, then every (nested) return field. */
export function toolFieldTexts(tool: Tool): FieldText[] {
  const out: FieldText[] = [];
  for (const [name, schema] of Object.entries(tool.parameters.properties ?? {})) {
    out.push({ role: 'param', name, path: name, text: fieldText(name, schemaDescription(schema)) });
  }
  if (tool.returns && typeof tool.returns === 'object') {
    const before = out.length;
    walkReturns(tool.returns, '', 0, out, new Set());
    // A scalar result with a description is one return field of its own.
    if (out.length === before && schemaDescription(tool.returns)) {
      out.push({ role: 'return', name: 'result', path: '', text: fieldText('result', schemaDescription(tool.returns)) });
    }
  }
  return out;
}
