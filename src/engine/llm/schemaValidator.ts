/**
 * A `validate` function for StructuredRequest from a JSON Schema, on Ajv (compiled once per
 * validator). Problems are phrased for the model: JSON pointer plus what is wrong.
 */
import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { JsonSchema } from '../model/jsonSchema';

let shared: Ajv | undefined;

function ajv(): Ajv {
  if (!shared) {
    shared = new Ajv({ allErrors: true, strict: false, validateFormats: true });
    addFormats(shared);
  }
  return shared;
}

export function describeAjvError(e: ErrorObject): string {
  const at = e.instancePath === '' ? '(root)' : e.instancePath;
  if (e.keyword === 'enum') return `${at} must be one of ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}`;
  if (e.keyword === 'additionalProperties') return `${at} has an unknown property "${String((e.params as { additionalProperty: string }).additionalProperty)}"`;
  return `${at} ${e.message ?? 'is invalid'}`;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** Compiles `schema` and returns a validator usable as `StructuredRequest.validate`. */
export function schemaValidator<T>(schema: JsonSchema): (value: unknown) => Validation<T> {
  const check = ajv().compile(schema);
  return (value: unknown) => {
    if (check(value)) return { ok: true, value: value as T };
    return { ok: false, errors: (check.errors ?? []).map(describeAjvError) };
  };
}
