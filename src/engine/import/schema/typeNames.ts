/**
 * Type names as tool formats write them -> JSON Schema. Covers JSON Schema itself, BFCL (`dict`,
 * `float`, `tuple`, `any`, `long`, `double`, `char`, `""`, Java types such as `String`, `HashMap`,
 * `ArrayList`), ToolBench/RapidAPI (`STRING`, `NUMBER`, `ENUM`, `SELECT`, `CREDENTIALS`, `BINARY`,
 * `DATE (YYYY-MM-DD)`, `GEOPOINT (latitude, longitude)`, `TIME (24-hour HH:MM)`, `null`) and
 * Python-style API-Bank types (`datetime`, `list(str)`, `List[str]`, `Union[List[dict], dict]`,
 * `Optional[int]`, `Dict[str, Any]`, `Literal['a', 'b']`).
 *
 * Exact synonyms (`dict` -> object, `float` -> number) convert without comment; every conversion
 * that loses or reinterprets information returns a `note` that the importer turns into a diagnostic.
 */
import type { JsonSchema, JsonSchemaType } from '../../model/jsonSchema';
import type { Severity } from '../../model/diagnostic';

export interface TypeConversion {
  schema: JsonSchema;
  note?: { severity: Severity; text: string };
}

const SYNONYMS: Record<string, JsonSchemaType> = {
  string: 'string', str: 'string', text: 'string', char: 'string', character: 'string', uuid: 'string', url: 'string', email: 'string',
  number: 'number', float: 'number', double: 'number', decimal: 'number', numeric: 'number', real: 'number', bigdecimal: 'number',
  integer: 'integer', int: 'integer', long: 'integer', short: 'integer', byte: 'integer', int32: 'integer', int64: 'integer', biginteger: 'integer',
  boolean: 'boolean', bool: 'boolean',
  object: 'object', dict: 'object', map: 'object', hashmap: 'object', treemap: 'object', linkedhashmap: 'object', mapping: 'object', json: 'object', jsonobject: 'object', record: 'object',
  array: 'array', list: 'array', arraylist: 'array', linkedlist: 'array', set: 'array', hashset: 'array', sequence: 'array', iterable: 'array', vector: 'array', jsonarray: 'array',
  null: 'null', none: 'null', nonetype: 'null', void: 'null',
};

const FORMATTED_STRINGS: Record<string, { format?: string; note: string }> = {
  datetime: { format: 'date-time', note: 'date-time string' },
  'date-time': { format: 'date-time', note: 'date-time string' },
  timestamp: { format: 'date-time', note: 'date-time string' },
  date: { format: 'date', note: 'date string' },
  datepicker: { format: 'date', note: 'date string (ToolBench date picker)' },
  time: { format: 'time', note: 'time string' },
};

/** Splits `a, b[c, d], e` at top-level commas. */
function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '[' || ch === '(' || ch === '<') depth++;
    if (ch === ']' || ch === ')' || ch === '>') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}

function combineNotes(parts: TypeConversion[], own?: string): TypeConversion['note'] {
  const texts = parts.map((p) => p.note?.text).filter((t): t is string => !!t);
  if (own) texts.unshift(own);
  if (texts.length === 0) return undefined;
  const severity: Severity = parts.some((p) => p.note?.severity === 'warning') ? 'warning' : 'info';
  return { severity, text: texts.join('; ') };
}

/**
 * Converts one type name or type expression. `depth` bounds recursion on nested generics.
 */
export function convertTypeName(raw: string, depth = 0): TypeConversion {
  const original = raw;
  const t = raw.trim();
  if (t === '' || /^(any|object\?|\*|mixed|unknown)$/i.test(t)) {
    return { schema: {}, note: { severity: 'info', text: `type "${original}" means any value: left without a type` } };
  }
  const lower = t.toLowerCase();
  const syn = SYNONYMS[lower];
  if (syn) return { schema: { type: syn } };
  const fmt = FORMATTED_STRINGS[lower];
  if (fmt) return { schema: { type: 'string', ...(fmt.format ? { format: fmt.format } : {}) } };

  // Generic expressions: Name[args], Name(args), Name<args>.
  const generic = /^([A-Za-z_][\w.]*)\s*[[(<](.*)[\])>]$/s.exec(t);
  if (generic && depth < 8) {
    const head = generic[1]!.toLowerCase().replace(/^(typing|java\.util)\./, '');
    const args = splitArgs(generic[2]!);
    const inner = args.map((a) => convertTypeName(a, depth + 1));
    // ToolBench compound types: "DATE (YYYY-MM-DD)", "GEOPOINT (latitude, longitude)", "TIME (24-hour HH:MM)".
    if (/\s[(]/.test(t) || head === 'geopoint') {
      const detail = generic[2]!.trim();
      if (head === 'date') return { schema: { type: 'string', format: 'date' }, note: { severity: 'info', text: `type "${original}" became a string with format "date"` } };
      if (head === 'time') return { schema: { type: 'string', description: `Format: ${detail}.` }, note: { severity: 'info', text: `type "${original}" became a string; the format "${detail}" is noted in its description` } };
      if (head === 'geopoint') return { schema: { type: 'string', description: `A geographic point written as "${detail}".` }, note: { severity: 'info', text: `type "${original}" became a string "${detail}"` } };
    }
    if (['list', 'array', 'arraylist', 'set', 'sequence', 'iterable', 'collection', 'linkedlist', 'hashset', 'frozenset'].includes(head)) {
      const item = inner[0];
      return { schema: { type: 'array', ...(item && Object.keys(item.schema).length > 0 ? { items: item.schema } : {}) }, note: combineNotes(inner) };
    }
    if (head === 'tuple') {
      const items = inner.map((i) => i.schema);
      const same = items.length > 0 && items.every((s) => JSON.stringify(s) === JSON.stringify(items[0]));
      return {
        schema: { type: 'array', ...(same ? { items: items[0] } : items.length ? { items: { anyOf: items } } : {}), ...(items.length && !t.includes('...') ? { minItems: items.length, maxItems: items.length } : {}) },
        note: combineNotes(inner, `type "${original}" became an array (positions of the tuple are not kept)`),
      };
    }
    if (['dict', 'map', 'hashmap', 'mapping', 'record', 'treemap'].includes(head)) {
      const value = inner[1];
      return { schema: { type: 'object', ...(value && Object.keys(value.schema).length > 0 ? { additionalProperties: value.schema } : {}) }, note: combineNotes(inner) };
    }
    if (head === 'optional') {
      const i = inner[0] ?? { schema: {} };
      return { schema: i.schema, note: combineNotes([i]) };
    }
    if (head === 'union') {
      const nonNull = inner.filter((i) => i.schema.type !== 'null');
      if (nonNull.length === 1) return { schema: nonNull[0]!.schema, note: combineNotes(nonNull) };
      return { schema: { anyOf: nonNull.map((i) => i.schema) }, note: combineNotes(nonNull) };
    }
    if (head === 'literal') {
      const values = args.map((a) => {
        try {
          return JSON.parse(a.replace(/^'(.*)'$/s, '"$1"')) as unknown;
        } catch {
          return a;
        }
      });
      return { schema: { enum: values } };
    }
  }
  // Python unions written with a bar: "str | None".
  if (t.includes('|') && depth < 8) {
    const parts = t.split('|').map((p) => convertTypeName(p, depth + 1));
    const nonNull = parts.filter((p) => p.schema.type !== 'null');
    if (nonNull.length === 1) return { schema: nonNull[0]!.schema, note: combineNotes(nonNull) };
    return { schema: { anyOf: nonNull.map((p) => p.schema) }, note: combineNotes(nonNull) };
  }
  switch (lower) {
    case 'tuple':
      return { schema: { type: 'array' }, note: { severity: 'info', text: `type "${original}" became an array (positions of the tuple are not kept)` } };
    case 'credentials':
    case 'password':
    case 'secret':
      return { schema: { type: 'string' }, note: { severity: 'info', text: `type "${original}" became a string (a credential: never put real secrets in datasets)` } };
    case 'enum':
    case 'select':
      return { schema: { type: 'string' }, note: { severity: 'info', text: `type "${original}" became a string (the source lists no choices)` } };
    case 'binary':
    case 'file':
    case 'bytes':
    case 'blob':
      return { schema: { type: 'string', contentEncoding: 'base64' }, note: { severity: 'warning', text: `type "${original}" (file content) became a base64 string` } };
  }
  return { schema: {}, note: { severity: 'warning', text: `unknown type "${original}": left without a type` } };
}
