/**
 * Infers a JSON Schema from an example value. Two readings:
 * - `template`: ToolBench/StableToolBench `template_response`, where leaves are type names
 *   (`"str"`, `"int"`, `"empty list"`, `"list of str with length 8"`) and list items carry
 *   `_list_length`;
 * - `example`: a real response body (`body`, response examples), where leaves are values.
 * The result has types and structure but no descriptions; callers mark them missing.
 */
import type { JsonSchema } from '../../model/jsonSchema';
import { isRecord } from '../importContext';
import { convertTypeName } from './typeNames';

export type ExampleKind = 'template' | 'example';

const MAX_DEPTH = 24;
const MAX_NODES = 5000;

export function inferSchema(value: unknown, kind: ExampleKind): JsonSchema {
  let nodes = 0;
  const walk = (v: unknown, depth: number): JsonSchema => {
    if (++nodes > MAX_NODES || depth > MAX_DEPTH) return {};
    if (v === null || v === undefined) return {};
    if (typeof v === 'boolean') return { type: 'boolean' };
    if (typeof v === 'number') return { type: Number.isInteger(v) && kind === 'example' ? 'integer' : kind === 'template' && Number.isInteger(v) ? 'integer' : 'number' };
    if (typeof v === 'string') {
      if (kind === 'template') {
        const t = v.trim();
        if (t === 'empty list') return { type: 'array' };
        if (t === 'NoneType' || t === 'None') return {};
        const listOf = /^list of (\w+)/i.exec(t);
        if (listOf) {
          const item = convertTypeName(listOf[1]!);
          return { type: 'array', ...(Object.keys(item.schema).length && !item.note ? { items: item.schema } : {}) };
        }
        const conv = convertTypeName(t);
        if (!conv.note || conv.note.severity === 'info') return conv.schema.type ? conv.schema : { type: 'string' };
      }
      return { type: 'string' };
    }
    if (Array.isArray(v)) {
      const first = v.find((x) => x !== null && x !== undefined);
      if (first === undefined) return { type: 'array' };
      const items = walk(first, depth + 1);
      return { type: 'array', ...(Object.keys(items).length ? { items } : {}) };
    }
    if (isRecord(v)) {
      const properties: Record<string, JsonSchema> = {};
      for (const [k, child] of Object.entries(v)) {
        if (k === '_list_length') continue;
        properties[k] = walk(child, depth + 1);
      }
      return { type: 'object', properties };
    }
    return {};
  };
  return walk(value, 0);
}
