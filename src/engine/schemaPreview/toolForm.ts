/**
 * A tool as a readable form (the schema preview): parameters and returns as a tree of fields with
 * type, required, enum, default, description and nested object / array children; an example call
 * generated from the parameter schema and validated against it with ajv (the same validator that
 * checks model-written arguments). Plain data, no `vscode`.
 */
import type { FormFieldView, ToolFormView } from '../../shared/schemaPreview';
import type { JsonSchema } from '../model/jsonSchema';
import { schemaDescription, schemaTypeName } from '../model/schemaLabels';
import type { Tool } from '../model/tool';
import { validateAgainst } from '../pipeline/schemaValidator';

/** The protocol's types (src/shared/schemaPreview.ts) are the shapes this module returns: declared once there. */
export type FormField = FormFieldView;
export type ToolForm = ToolFormView;

const MAX_DEPTH = 6;

function fields(s: JsonSchema, depth: number): FormField[] {
  if (depth > MAX_DEPTH) return [];
  const required = new Set(Array.isArray(s.required) ? s.required : []);
  return Object.entries(s.properties ?? {})
    .filter(([, child]) => child && typeof child === 'object')
    .map(([name, child]) => field(name, child, required.has(name), depth));
}

function field(name: string, s: JsonSchema, required: boolean, depth: number): FormField {
  const f: FormField = { name, type: schemaTypeName(s), required, description: schemaDescription(s) ?? '' };
  if (Array.isArray(s.enum)) f.enum = s.enum.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  if (s.default !== undefined) f.default = JSON.stringify(s.default);
  if (typeof s.format === 'string') f.format = s.format;
  const children: FormField[] = [];
  if (s.properties) children.push(...fields(s, depth + 1));
  if (s.items && typeof s.items === 'object' && !Array.isArray(s.items) && depth < MAX_DEPTH) {
    const item = s.items;
    if (item.properties || item.items) children.push(field('[]', item, true, depth + 1));
  }
  if (children.length) f.children = children;
  return f;
}

const FORMAT_EXAMPLES: Record<string, string> = {
  date: '2025-01-31',
  'date-time': '2025-01-31T09:30:00Z',
  time: '09:30:00',
  email: 'ada@example.com',
  uri: 'https://example.com/',
  url: 'https://example.com/',
  uuid: '123e4567-e89b-12d3-a456-426614174000',
  ipv4: '192.0.2.1',
  hostname: 'example.com',
};

/** A value that satisfies `s` when the schema says enough: enum, const, default, examples, type, bounds. */
export function exampleValue(s: JsonSchema, name: string, depth = 0): unknown {
  if (depth > MAX_DEPTH) return null;
  // A value the schema itself gives, when it satisfies the schema (real files have defaults such as
  // "20" for an integer, or null for a string: those are skipped, and the form shows them as written).
  const given = [s.const, s.default, ...(Array.isArray(s.enum) ? s.enum.slice(0, 1) : []), ...(Array.isArray(s.examples) ? s.examples.slice(0, 1) : [])];
  for (const v of given) if (v !== undefined && validateAgainst(s, v).length === 0) return v;
  for (const k of ['anyOf', 'oneOf'] as const) if (Array.isArray(s[k]) && s[k]!.length) return exampleValue(s[k]![0]!, name, depth + 1);
  if (Array.isArray(s.allOf) && s.allOf.length) return exampleValue(Object.assign({}, ...s.allOf) as JsonSchema, name, depth + 1);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') ?? 'null' : s.type ?? (s.properties ? 'object' : s.items ? 'array' : 'string');
  switch (type) {
    case 'integer':
    case 'number': {
      const min = typeof s.minimum === 'number' ? s.minimum : typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + 1 : undefined;
      const max = typeof s.maximum === 'number' ? s.maximum : undefined;
      let v = min ?? (max !== undefined ? Math.min(1, max) : 1);
      if (type === 'integer') v = Math.ceil(v);
      if (typeof s.multipleOf === 'number' && s.multipleOf > 0) v = Math.ceil(v / s.multipleOf) * s.multipleOf;
      return v;
    }
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array': {
      const item = s.items && typeof s.items === 'object' && !Array.isArray(s.items) ? s.items : {};
      const n = Math.max(1, typeof s.minItems === 'number' ? s.minItems : 1);
      return Array.from({ length: Math.min(n, 3) }, () => exampleValue(item, name, depth + 1));
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      const required = new Set(Array.isArray(s.required) ? s.required : []);
      for (const [k, child] of Object.entries(s.properties ?? {})) {
        if (child && typeof child === 'object' && (required.has(k) || depth === 0)) out[k] = exampleValue(child, k, depth + 1);
      }
      return out;
    }
    default: {
      if (typeof s.format === 'string' && FORMAT_EXAMPLES[s.format]) return FORMAT_EXAMPLES[s.format];
      let v = `example ${name.replace(/[_-]+/g, ' ')}`.trim();
      if (typeof s.minLength === 'number' && v.length < s.minLength) v = v.padEnd(s.minLength, 'x');
      if (typeof s.maxLength === 'number' && v.length > s.maxLength) v = v.slice(0, Math.max(0, s.maxLength));
      if (typeof s.pattern === 'string') return v; // a pattern is reported by the validation when not met
      return v;
    }
  }
}

export function toolForm(tool: Tool): ToolForm {
  // The arguments are an object whatever the source wrote as the top-level type (BFCL writes "dict").
  const args = exampleValue({ ...(tool.parameters as JsonSchema), type: 'object' }, tool.name) as Record<string, unknown>;
  const problems = validateAgainst(tool.parameters as JsonSchema, args).map((p) => p.message);
  const ret = tool.returns;
  return {
    name: tool.name,
    description: tool.description,
    format: tool.provenance.format,
    line: tool.provenance.line ?? null,
    originalName: tool.provenance.originalName,
    parameters: fields(tool.parameters as JsonSchema, 0),
    returns: ret ? (ret.properties ? fields(ret, 0) : [field('(result)', ret, true, 0)]) : null,
    exampleCall: JSON.stringify({ name: tool.name, arguments: args }, null, 2),
    exampleProblems: problems,
    missing: tool.missing ?? [],
  };
}
