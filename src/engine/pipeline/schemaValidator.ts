/**
 * JSON Schema validation of untrusted model output (tool-call arguments, simulated results) with
 * ajv. Tool schemas come from many sources and are not always strict, so ajv runs in lenient mode
 * (unknown keywords and formats ignored); compiled validators are cached per schema object.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { JsonSchema } from '../model/jsonSchema';

export interface SchemaProblem {
  /** JSON pointer into the validated value. */
  pointer: string;
  keyword: string;
  message: string;
  /** For `required`: the missing property. */
  missingProperty?: string;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, logger: false });
addFormats(ajv);

const cache = new WeakMap<object, ValidateFunction | Error>();

function compile(schema: JsonSchema): ValidateFunction | Error {
  let v = cache.get(schema);
  if (!v) {
    try {
      // ajv mutates nothing, but $id/$schema of foreign drafts can clash; drop them.
      const { $id: _id, $schema: _s, ...rest } = schema as Record<string, unknown>;
      v = ajv.compile(rest);
      // Ajv keeps every compiled schema in its own cache; model-written schemas would pile up in a
      // long-lived extension host. Our WeakMap is the cache; the compiled function stays usable.
      ajv.removeSchema(rest);
    } catch (e) {
      v = e instanceof Error ? e : new Error(String(e));
    }
    cache.set(schema, v);
  }
  return v;
}

function toProblem(e: ErrorObject): SchemaProblem {
  const missing = e.keyword === 'required' ? String((e.params as { missingProperty?: unknown }).missingProperty ?? '') : undefined;
  return {
    pointer: e.instancePath,
    keyword: e.keyword,
    message: `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`,
    ...(missing !== undefined ? { missingProperty: missing } : {}),
  };
}

/**
 * Validates `value` against `schema`. A schema that ajv cannot compile yields one problem with
 * keyword `schema` (the tool definition is at fault, not the value).
 */
export function validateAgainst(schema: JsonSchema, value: unknown): SchemaProblem[] {
  const v = compile(schema);
  if (v instanceof Error) return [{ pointer: '', keyword: 'schema', message: `the schema cannot be compiled: ${v.message.split('\n')[0]}` }];
  if (v(value)) return [];
  return (v.errors ?? []).map(toProblem);
}
