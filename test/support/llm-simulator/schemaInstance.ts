/**
 * Builds a value that is valid against a JSON Schema: the LLM simulator's (a test double's) way of
 * answering arguments, tool results and unknown structured requests. Handles the keywords tool
 * definitions use: type (incl. unions), enum, const, default, format, min/max bounds, multipleOf,
 * items/minItems/maxItems/uniqueItems, properties/required/additionalProperties, anyOf/oneOf/allOf,
 * nullable and local $ref. Deterministic for a given SeededRandom.
 */
import type { JsonSchema } from '../../../src/engine/model/jsonSchema';
import type { SeededRandom } from './seededRandom';

export interface InstanceOptions {
  /** Probability of filling each optional property (default 0.5). */
  optionalRate?: number;
  /** Values to reuse for properties of these names when they fit (e.g. call arguments in results). */
  known?: Record<string, unknown>;
}

const WORDS: Record<string, string[]> = {
  city: ['Paris', 'Berlin', 'Tokyo', 'Lisbon', 'Toronto', 'Nairobi'],
  country: ['France', 'Germany', 'Japan', 'Portugal', 'Canada', 'Kenya'],
  name: ['Alice Martin', 'Bo Chen', 'Carla Diaz', 'Dev Patel'],
  language: ['en', 'fr', 'de', 'ja'],
  currency: ['USD', 'EUR', 'JPY', 'GBP'],
  query: ['best hiking trails', 'vegan restaurants', 'electric cars', 'jazz concerts'],
  location: ['Paris, France', 'Berlin, Germany', 'Tokyo, Japan'],
  symbol: ['AAPL', 'MSFT', 'GOOG', 'TSLA'],
  title: ['Quarterly report', 'Team offsite', 'Product launch'],
  status: ['active', 'pending', 'completed'],
  message: ['Hello there', 'See you tomorrow', 'Meeting moved to 3pm'],
  text: ['The quick brown fox', 'Lorem ipsum dolor sit amet'],
  description: ['A short description', 'Details about the item'],
};

function wordsFor(key: string | undefined): string[] | undefined {
  if (!key) return undefined;
  const k = key.toLowerCase();
  for (const [word, values] of Object.entries(WORDS)) if (k === word || k.endsWith(`_${word}`) || k.endsWith(word)) return values;
  return undefined;
}

function resolveRef(root: JsonSchema, ref: string): JsonSchema | undefined {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').filter((s) => s !== '')) {
    const seg = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[seg];
  }
  return typeof node === 'object' && node !== null ? (node as JsonSchema) : undefined;
}

function mergeAllOf(schema: JsonSchema, parts: JsonSchema[]): JsonSchema {
  const merged: JsonSchema = { ...schema };
  delete merged.allOf;
  for (const p of parts) {
    for (const [k, v] of Object.entries(p)) {
      if (k === 'properties') merged.properties = { ...merged.properties, ...(v as Record<string, JsonSchema>) };
      else if (k === 'required') merged.required = [...new Set([...(merged.required ?? []), ...(v as string[])])];
      else if (merged[k] === undefined) merged[k] = v;
    }
  }
  return merged;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function formatted(format: string, rng: SeededRandom): string | undefined {
  switch (format) {
    case 'date':
      return `2025-${pad2(rng.int(1, 12))}-${pad2(rng.int(1, 28))}`;
    case 'date-time':
      return `2025-${pad2(rng.int(1, 12))}-${pad2(rng.int(1, 28))}T${pad2(rng.int(0, 23))}:${pad2(rng.int(0, 59))}:00Z`;
    case 'time':
      return `${pad2(rng.int(0, 23))}:${pad2(rng.int(0, 59))}:00Z`;
    case 'email':
      return `${rng.pick(['alice', 'bo', 'carla', 'dev'])}@example.com`;
    case 'uri':
    case 'url':
      return `https://example.com/${rng.pick(['docs', 'items', 'report'])}/${rng.int(1, 999)}`;
    case 'uuid':
      return `${hex(rng, 8)}-${hex(rng, 4)}-4${hex(rng, 3)}-a${hex(rng, 3)}-${hex(rng, 12)}`;
    case 'ipv4':
      return `192.168.${rng.int(0, 255)}.${rng.int(1, 254)}`;
    case 'hostname':
      return `host${rng.int(1, 99)}.example.com`;
    default:
      return undefined;
  }
}

function hex(rng: SeededRandom, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[rng.int(0, 15)];
  return s;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function defaultFits(value: unknown, schema: JsonSchema): boolean {
  if (Array.isArray(schema.enum)) return schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value));
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length === 0) return false;
  const t = jsonType(value);
  if (!types.some((want) => want === t || (want === 'integer' && Number.isInteger(value)))) return false;
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) return false;
    if (typeof schema.maximum === 'number' && value > schema.maximum) return false;
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) return false;
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) return false;
    if (schema.format !== undefined) return false;
    if (typeof schema.pattern === 'string') {
      try {
        if (!new RegExp(schema.pattern, 'u').test(value)) return false;
      } catch {
        return false;
      }
    }
  }
  return t !== 'object' && t !== 'array';
}

function fitsType(value: unknown, schema: JsonSchema): boolean {
  if (schema.enum) return schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value));
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length === 0) return false;
  return types.some((t) => {
    switch (t) {
      case 'string':
        return typeof value === 'string' && schema.format === undefined && schema.pattern === undefined;
      case 'number':
        return typeof value === 'number' && schema.minimum === undefined && schema.maximum === undefined;
      case 'integer':
        return Number.isInteger(value) && schema.minimum === undefined && schema.maximum === undefined;
      case 'boolean':
        return typeof value === 'boolean';
      default:
        return false;
    }
  });
}

export function schemaInstance(schema: JsonSchema, rng: SeededRandom, options: InstanceOptions = {}, root: JsonSchema = schema, key?: string, depth = 0): unknown {
  if (depth > 12) return null;
  if (typeof schema !== 'object' || schema === null) return 'value';
  if (typeof schema.$ref === 'string') {
    const target = resolveRef(root, schema.$ref);
    return target ? schemaInstance(target, rng, options, root, key, depth + 1) : {};
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) return schemaInstance(mergeAllOf(schema, schema.allOf), rng, options, root, key, depth + 1);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    // Prefer members that also have the declared type (some real schemas mix them).
    const typed = schema.type ? schema.enum.filter((e) => defaultFits(e, { type: schema.type })) : schema.enum;
    return rng.pick(typed.length > 0 ? typed : schema.enum);
  }
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (Array.isArray(alternatives) && alternatives.length > 0) {
    const nonNull = alternatives.filter((a) => a.type !== 'null');
    const { oneOf: _o, anyOf: _a, ...rest } = schema;
    return schemaInstance({ ...rest, ...(nonNull[0] ?? alternatives[0]!) }, rng, options, root, key, depth + 1);
  }
  if (key && options.known && key in options.known && fitsType(options.known[key], schema)) return options.known[key];
  // Real tool sets have defaults that break their own schema ("false" for a boolean, null for a
  // string); only a default of the right type is used.
  if (schema.default !== undefined && defaultFits(schema.default, schema) && rng.chance(0.5)) return schema.default;

  let type = schema.type;
  if (Array.isArray(type)) type = type.find((t) => t !== 'null') ?? 'null';
  if (!type) type = schema.properties ? 'object' : schema.items ? 'array' : schema.minimum !== undefined || schema.maximum !== undefined ? 'number' : undefined;
  switch (type) {
    case 'null':
      return null;
    case 'boolean':
      return rng.chance(0.5);
    case 'integer':
    case 'number':
      return numberInstance(schema, type, rng, key);
    case 'string':
      return stringInstance(schema, rng, key);
    case 'array': {
      const min = typeof schema.minItems === 'number' ? schema.minItems : 1;
      const max = typeof schema.maxItems === 'number' ? schema.maxItems : min + 2;
      const n = Math.max(min, Math.min(max, rng.int(min, min + 2)));
      const items = (schema.items && !Array.isArray(schema.items) ? schema.items : {}) as JsonSchema;
      const out: unknown[] = [];
      const seen = new Set<string>();
      for (let i = 0; i < n * 4 && out.length < n; i++) {
        let v = schemaInstance(items, rng, options, root, key, depth + 1);
        if (schema.uniqueItems && typeof v === 'string' && seen.has(JSON.stringify(v))) v = randomLetters(items, rng);
        const k = JSON.stringify(v);
        if (schema.uniqueItems && seen.has(k)) continue;
        seen.add(k);
        out.push(v);
      }
      return out;
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      const required = new Set(Array.isArray(schema.required) ? schema.required : []);
      const rate = options.optionalRate ?? 0.5;
      for (const [name, sub] of Object.entries(schema.properties ?? {})) {
        if (required.has(name) || rng.chance(rate)) out[name] = schemaInstance(sub, rng, options, root, name, depth + 1);
      }
      for (const name of required) if (!(name in out)) out[name] = typeof schema.additionalProperties === 'object' ? schemaInstance(schema.additionalProperties, rng, options, root, name, depth + 1) : 'value';
      if (Object.keys(out).length === 0 && !schema.properties && schema.additionalProperties !== false) {
        if (typeof schema.additionalProperties === 'object') out.item = schemaInstance(schema.additionalProperties, rng, options, root, 'item', depth + 1);
        else out.status = 'ok';
      }
      return out;
    }
    default:
      return rng.pick(wordsFor(key) ?? ['ok', 'done', 'sample']);
  }
}

function numberInstance(schema: JsonSchema, type: 'integer' | 'number', rng: SeededRandom, key?: string): number {
  let lo = typeof schema.minimum === 'number' ? schema.minimum : undefined;
  let hi = typeof schema.maximum === 'number' ? schema.maximum : undefined;
  if (typeof schema.exclusiveMinimum === 'number') lo = Math.max(lo ?? -Infinity, schema.exclusiveMinimum + (type === 'integer' ? 1 : 1e-6));
  if (typeof schema.exclusiveMaximum === 'number') hi = Math.min(hi ?? Infinity, schema.exclusiveMaximum - (type === 'integer' ? 1 : 1e-6));
  const k = key?.toLowerCase() ?? '';
  if (lo === undefined && hi === undefined && /lat/.test(k)) [lo, hi] = [-90, 90];
  if (lo === undefined && hi === undefined && /(lon|lng)/.test(k)) [lo, hi] = [-180, 180];
  if (lo === undefined) lo = hi !== undefined ? Math.min(1, hi) - (hi < 1 ? 10 : 0) : 1;
  if (hi === undefined) hi = lo + 99;
  if (hi < lo) hi = lo;
  let v: number;
  if (type === 'integer') {
    v = rng.int(Math.ceil(lo), Math.max(Math.ceil(lo), Math.floor(hi)));
    const m = typeof schema.multipleOf === 'number' && schema.multipleOf > 0 ? schema.multipleOf : undefined;
    if (m) v = Math.max(Math.ceil(lo / m), Math.min(Math.floor(hi / m), Math.round(v / m))) * m;
  } else {
    v = Math.round((lo + rng.next() * (hi - lo)) * 100) / 100;
    if (v < lo) v = lo;
    if (v > hi) v = hi;
    const m = typeof schema.multipleOf === 'number' && schema.multipleOf > 0 ? schema.multipleOf : undefined;
    if (m) v = Math.ceil(lo / m) * m;
  }
  return v;
}

/** Random lower-case letters within the string's length bounds (to make unique array items). */
function randomLetters(schema: JsonSchema, rng: SeededRandom): string {
  const min = typeof schema.minLength === 'number' ? schema.minLength : 1;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : min + 8;
  const n = rng.int(min, Math.max(min, Math.min(max, min + 6)));
  let out = '';
  for (let i = 0; i < n; i++) out += 'abcdefghijklmnopqrstuvwxyz'[rng.int(0, 25)];
  return out;
}

const PATTERN_CANDIDATES = ['12345', 'abc', 'ABC', 'abc123', 'A1', '2025-01-01', 'sample', 'a', '1'];

function stringInstance(schema: JsonSchema, rng: SeededRandom, key?: string): string {
  let s = (typeof schema.format === 'string' ? formatted(schema.format, rng) : undefined) ?? rng.pick(wordsFor(key) ?? [`${key ?? 'value'} ${rng.int(1, 99)}`]);
  if (typeof schema.pattern === 'string') {
    try {
      const re = new RegExp(schema.pattern, 'u');
      if (!re.test(s)) s = PATTERN_CANDIDATES.find((c) => re.test(c)) ?? s;
    } catch {
      // An invalid pattern cannot be satisfied; keep the value.
    }
  }
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity;
  while (s.length < min) s += 'x';
  if (s.length > max) s = s.slice(0, max);
  return s;
}
