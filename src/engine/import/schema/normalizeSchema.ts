/**
 * Turns the schema-like objects of every source format into clean JSON Schema: type names
 * converted (see typeNames.ts), `properties`/`items`/`anyOf`… normalised recursively, per-property
 * `required: true` flags and BFCL's `optional` folded into the parent's `required` list,
 * `anyOf`/`oneOf` with a `null` branch collapsed to the non-null branch, unknown `required` names
 * removed. Every lossy step leaves a note on the document context.
 */
import type { JsonSchema, JsonSchemaType, ObjectSchema } from '../../model/jsonSchema';
import { isRecord, textOf, type DocumentContext } from '../importContext';
import { convertTypeName } from './typeNames';

const MAX_DEPTH = 48;
const STANDARD_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);

function esc(k: string): string {
  return k.replace(/~/g, '~0').replace(/\//g, '~1');
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

function applyType(out: JsonSchema, rawType: unknown, ptr: string, ctx: DocumentContext, depth: number): void {
  if (typeof rawType === 'string') {
    if (STANDARD_TYPES.has(rawType)) {
      out.type = rawType as JsonSchemaType;
      return;
    }
    const conv = convertTypeName(rawType, depth);
    if (conv.note) ctx.note('converted-type', conv.note.severity, `${ptr}/type`, conv.note.text);
    for (const [k, v] of Object.entries(conv.schema)) {
      if (k === 'description' && typeof v === 'string') out.description = out.description ? `${out.description} ${v}` : v;
      else if (out[k] === undefined) out[k] = v;
    }
    return;
  }
  if (Array.isArray(rawType)) {
    const types: JsonSchemaType[] = [];
    for (const t of rawType) {
      const conv = typeof t === 'string' ? (STANDARD_TYPES.has(t) ? { schema: { type: t as JsonSchemaType } } : convertTypeName(t, depth)) : undefined;
      if (!conv) {
        ctx.note('invalid-schema', 'warning', `${ptr}/type`, `type list entry ${JSON.stringify(t)} is not a type name; dropped`);
        continue;
      }
      if ('note' in conv && conv.note) ctx.note('converted-type', conv.note.severity, `${ptr}/type`, conv.note.text);
      const ty = conv.schema.type;
      if (typeof ty === 'string' && !types.includes(ty)) types.push(ty);
    }
    if (types.length === 1) out.type = types[0]!;
    else if (types.length > 1) out.type = types;
    return;
  }
  if (rawType !== undefined && rawType !== null) {
    ctx.note('invalid-schema', 'warning', `${ptr}/type`, `"type" is ${describe(rawType)}, not a type name; left without a type`);
  } else if (rawType === null) {
    ctx.note('converted-type', 'info', `${ptr}/type`, 'type null means unknown: left without a type');
  }
}

/** Normalises one schema node found at `ptr`. Strings are read as type names. */
/** A JSON Schema numeric keyword value: a finite number, or a string holding one. */
function numericKeyword(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

function isValidPattern(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

export function normalizeSchema(raw: unknown, ptr: string, ctx: DocumentContext, depth = 0, inAllOf = false): JsonSchema {
  if (typeof raw === 'string') {
    const out: JsonSchema = {};
    applyType(out, raw, ptr, ctx, depth);
    return out;
  }
  if (raw === true || (isRecord(raw) && Object.keys(raw).length === 0)) return {};
  if (!isRecord(raw)) {
    ctx.note('invalid-schema', 'warning', ptr, `expected a schema object, found ${describe(raw)}; left without a schema`);
    return {};
  }
  if (depth > MAX_DEPTH) {
    ctx.note('schema-truncated', 'warning', ptr, `schema nested deeper than ${MAX_DEPTH} levels; the rest was cut`);
    return {};
  }
  const out: JsonSchema = {};
  const description = textOf(raw.description);
  if (description) out.description = description;
  for (const [key, value] of Object.entries(raw)) {
    const kp = `${ptr}/${esc(key)}`;
    switch (key) {
      case 'type':
      case 'description':
      case 'required':
      case 'optional':
      case '$schema':
      case '$id':
      case '$defs':
      case 'definitions':
        break;
      case 'properties': {
        if (!isRecord(value)) {
          ctx.note('invalid-schema', 'warning', kp, `"properties" is ${describe(value)}, not an object; dropped`);
          break;
        }
        const props: Record<string, JsonSchema> = {};
        for (const [name, sub] of Object.entries(value)) {
          if (name === '__proto__') {
            ctx.note('dropped-parameter', 'warning', `${kp}/${esc(name)}`, 'a property named "__proto__" cannot be represented safely; dropped');
            continue;
          }
          props[name] = normalizeSchema(sub, `${kp}/${esc(name)}`, ctx, depth + 1);
        }
        out.properties = props;
        break;
      }
      case 'items':
        if (Array.isArray(value)) {
          const items = value.map((v, i) => normalizeSchema(v, `${kp}/${i}`, ctx, depth + 1));
          out.items = items.length === 1 ? items[0]! : { anyOf: items };
          ctx.note('converted-type', 'info', kp, 'tuple-style "items" list became one item schema (positions are not kept)');
        } else out.items = normalizeSchema(value, kp, ctx, depth + 1);
        break;
      case 'additionalProperties':
        if (value === 'true' || value === 'false') {
          out.additionalProperties = value === 'true';
          ctx.note('invalid-schema', 'info', kp, `"additionalProperties" is the string "${value}"; read as the boolean ${value}`);
        } else out.additionalProperties = typeof value === 'boolean' ? value : normalizeSchema(value, kp, ctx, depth + 1);
        break;
      case 'anyOf':
      case 'oneOf':
      case 'allOf':
        if (!Array.isArray(value)) {
          ctx.note('invalid-schema', 'warning', kp, `"${key}" is ${describe(value)}, not a list; dropped`);
          break;
        }
        out[key] = value.map((v, i) => normalizeSchema(v, `${kp}/${i}`, ctx, depth + 1, key === 'allOf'));
        break;
      case 'enum':
        if (Array.isArray(value)) out.enum = value;
        else ctx.note('invalid-schema', 'warning', kp, `"enum" is ${describe(value)}, not a list; dropped`);
        break;
      case 'minimum':
      case 'maximum':
      case 'multipleOf':
      case 'minLength':
      case 'maxLength':
      case 'minItems':
      case 'maxItems':
      case 'minProperties':
      case 'maxProperties': {
        // Validators refuse to compile a schema whose bounds are not numbers (Spotify's OpenAPI
        // writes `"maximum": "50"`), which would make every call of the tool fail validation.
        const n = numericKeyword(value);
        if (n !== undefined) {
          out[key] = n;
          if (typeof value === 'string') ctx.note('invalid-schema', 'info', kp, `"${key}" is the string ${JSON.stringify(value)}; read as the number ${n}`);
        } else ctx.note('invalid-schema', 'warning', kp, `"${key}" is ${describe(value)}, not a number; dropped`);
        break;
      }
      case 'exclusiveMinimum':
      case 'exclusiveMaximum': {
        // Draft-04 / OpenAPI 3.0 booleans are resolved after the loop, once minimum/maximum are known.
        if (typeof value === 'boolean') break;
        const bound = numericKeyword(value);
        if (bound !== undefined) out[key] = bound;
        else ctx.note('invalid-schema', 'warning', kp, `"${key}" is ${describe(value)}, not a number; dropped`);
        break;
      }
      case 'title':
      case 'format':
      case '$comment':
      case 'contentMediaType':
      case 'contentEncoding':
        if (typeof value === 'string') out[key] = value;
        else ctx.note('invalid-schema', 'info', kp, `"${key}" is ${describe(value)}, not a string; dropped`);
        break;
      case 'uniqueItems':
      case 'readOnly':
      case 'writeOnly':
      case 'deprecated':
        if (typeof value === 'boolean') out[key] = value;
        else if (value === 'true' || value === 'false') out[key] = value === 'true';
        else ctx.note('invalid-schema', 'info', kp, `"${key}" is ${describe(value)}, not a boolean; dropped`);
        break;
      case 'examples':
        out.examples = Array.isArray(value) ? value : [value];
        break;
      case 'nullable':
        // OpenAPI 3.0's `nullable` is not JSON Schema; it becomes a `null` type after the loop.
        if (value === 'true' || value === 'false') ctx.note('invalid-schema', 'info', kp, `"nullable" is the string "${value}"; read as the boolean ${value}`);
        else if (typeof value !== 'boolean') ctx.note('invalid-schema', 'warning', kp, `"nullable" is ${describe(value)}, not a boolean; dropped`);
        break;
      case 'pattern':
        if (typeof value === 'string' && isValidPattern(value)) out.pattern = value;
        else ctx.note('invalid-schema', 'warning', kp, `"pattern" ${JSON.stringify(value)} is not a valid regular expression; dropped`);
        break;
      case '$ref':
        ctx.note('unresolved-ref', 'warning', kp, `reference ${JSON.stringify(value)} could not be resolved; left without a schema`);
        break;
      default:
        out[key] = value;
    }
  }
  for (const [flag, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (raw[flag] === true && typeof out[bound] === 'number') {
      out[flag] = out[bound];
      delete out[bound];
      ctx.note('converted-type', 'info', `${ptr}/${flag}`, `draft-04 boolean "${flag}" became the number ${String(out[flag])}`);
    }
  }
  applyType(out, raw.type, ptr, ctx, depth);
  if (raw.type === undefined && out.properties && out.type === undefined) out.type = 'object';
  if ((raw.nullable === true || raw.nullable === 'true') && typeof out.type === 'string' && out.type !== 'null') {
    out.type = [out.type, 'null'];
    ctx.note('converted-type', 'info', `${ptr}/nullable`, `OpenAPI "nullable": true became the type list ["${out.type[0]}", "null"]`);
  }

  // anyOf/oneOf with a null branch (pydantic Optional[X]): keep the non-null branch.
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = out[key];
    if (!branches) continue;
    const nonNull = branches.filter((b) => !(b.type === 'null' && Object.keys(b).length === 1));
    if (nonNull.length === 1 && branches.length === 2) {
      delete out[key];
      for (const [k, v] of Object.entries(nonNull[0]!)) if (out[k] === undefined) out[k] = v;
      ctx.note('nullable-collapsed', 'info', `${ptr}/${key}`, `"${key}" with a null branch became its non-null branch (omit the argument instead of passing null)`);
    }
  }

  // allOf of object schemas (OpenAPI composition): merged into one object so its fields are visible.
  let mergedRequired: string[] = [];
  if (out.allOf && out.allOf.length > 0 && out.allOf.every((b) => (b.type === 'object' || b.type === undefined) && (b.properties !== undefined || Object.keys(b).every((k) => k === 'description' || k === 'type' || k === 'required')))) {
    const properties: Record<string, JsonSchema> = { ...(out.properties ?? {}) };
    const required = new Set<string>();
    for (const b of out.allOf) {
      for (const [k, v] of Object.entries(b.properties ?? {})) if (!Object.hasOwn(properties, k)) properties[k] = v;
      for (const r of b.required ?? []) required.add(r);
      if (!out.description && b.description) out.description = b.description;
    }
    delete out.allOf;
    out.type = 'object';
    out.properties = properties;
    mergedRequired = [...required].filter((r) => Object.hasOwn(properties, r));
  }

  // required: a list at object level; per-property `required: true` / BFCL `optional: true` folded in.
  if (out.properties) {
    const required: string[] = [];
    const rawRequired = raw.required;
    if (Array.isArray(rawRequired)) {
      for (const [i, r] of rawRequired.entries()) {
        if (typeof r !== 'string') ctx.note('invalid-schema', 'warning', `${ptr}/required/${i}`, `required entry ${JSON.stringify(r)} is not a name; dropped`);
        else if (!Object.hasOwn(out.properties, r) && inAllOf) required.push(r); // may name a sibling branch's property
        else if (!Object.hasOwn(out.properties, r)) ctx.note('unknown-required', 'warning', `${ptr}/required/${i}`, `"${r}" is listed as required but is not a property; dropped from required`);
        else if (!required.includes(r)) required.push(r);
      }
    } else if (rawRequired !== undefined && typeof rawRequired !== 'boolean') {
      ctx.note('invalid-schema', 'warning', `${ptr}/required`, `"required" is ${describe(rawRequired)}, not a list; ignored`);
    }
    const rawProps: Record<string, unknown> = isRecord(raw.properties) ? raw.properties : {};
    for (const name of Object.keys(out.properties)) {
      const p = rawProps[name];
      if (!isRecord(p)) continue;
      if (p.required === true && !required.includes(name)) required.push(name);
      if (p.optional === true && required.includes(name)) {
        required.splice(required.indexOf(name), 1);
        ctx.note('optional-flag', 'info', `${ptr}/properties/${esc(name)}/optional`, `"optional": true overrides the required list: "${name}" is optional`);
      }
    }
    for (const r of mergedRequired) if (!required.includes(r)) required.push(r);
    if (required.length > 0) out.required = required;
  }
  return out;
}

/**
 * Normalises the parameters of a tool into the object schema OpenAI expects. A bare map of
 * `{name: schema}` (no `type`/`properties`) is read as the properties themselves.
 */
export function normalizeParameters(raw: unknown, ptr: string, ctx: DocumentContext): ObjectSchema {
  if (raw === undefined || raw === null) return { type: 'object', properties: {} };
  let schema: JsonSchema;
  if (isRecord(raw) && raw.type === undefined && raw.properties === undefined && Object.keys(raw).length > 0 && Object.values(raw).every((v) => isRecord(v))) {
    const properties: Record<string, JsonSchema> = {};
    for (const [name, sub] of Object.entries(raw)) if (name !== '__proto__') properties[name] = normalizeSchema(sub, `${ptr}/${esc(name)}`, ctx, 1);
    const required = Object.entries(raw).filter(([, v]) => isRecord(v) && v.required === true).map(([k]) => k);
    schema = { type: 'object', properties, ...(required.length ? { required } : {}) };
  } else {
    schema = normalizeSchema(raw, ptr, ctx);
  }
  if (schema.type !== 'object' || !schema.properties) {
    if (schema.type !== undefined && schema.type !== 'object') {
      ctx.note('invalid-schema', 'warning', ptr, `parameters must be an object schema, found type ${JSON.stringify(schema.type)}; replaced by an empty object`);
      return { type: 'object', properties: {} };
    }
    schema = { ...schema, type: 'object', properties: schema.properties ?? {} };
  }
  const obj = schema as ObjectSchema;
  // A default on a required parameter is really an example value: keep it as one.
  for (const name of obj.required ?? []) {
    const p = obj.properties[name];
    if (p && p.default !== undefined) {
      const { default: def, ...rest } = p;
      obj.properties[name] = { ...rest, examples: [def] };
    }
  }
  return obj;
}

/** The `returns` schema of a tool: a schema, with `undefined` when there is nothing usable. */
export function normalizeReturns(raw: unknown, ptr: string, ctx: DocumentContext): JsonSchema | undefined {
  if (raw === undefined || raw === null || raw === '' || (isRecord(raw) && Object.keys(raw).length === 0)) return undefined;
  const s = normalizeSchema(raw, ptr, ctx);
  return Object.keys(s).length > 0 ? s : undefined;
}
