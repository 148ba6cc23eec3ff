/**
 * OpenAPI 3.0 / 3.1 (JSON or YAML, or a JSON string inside another document) and, best effort,
 * Swagger 2.0: one canonical tool per operation. Path-level and operation-level parameters are
 * merged (the operation wins), `requestBody` properties become parameters (a non-object body
 * becomes one `body` parameter), the first 2xx response (else `default`) becomes `returns`,
 * `$ref`s are inlined with cycles cut (resolveRefs.ts), and an operation without `operationId` is
 * named from its method and path.
 */
import type { JsonSchema } from '../../model/jsonSchema';
import { isRecord, textOf, type DocumentContext } from '../importContext';
import { normalizeReturns, normalizeSchema } from '../schema/normalizeSchema';
import { resolveRefs } from '../schema/resolveRefs';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function esc(k: string): string {
  return k.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Picks the JSON-like media type of a `content` map (application/json, +json, any type), else the first. */
function pickContent(content: unknown): [string, Record<string, unknown>] | undefined {
  if (!isRecord(content)) return undefined;
  const entries = Object.entries(content).filter((e): e is [string, Record<string, unknown>] => isRecord(e[1]));
  return entries.find(([k]) => /json/i.test(k)) ?? entries.find(([k]) => k === '*/*') ?? entries[0];
}

export function isOpenApiDocument(v: Record<string, unknown>): boolean {
  return (typeof v.openapi === 'string' || typeof v.swagger === 'string' || typeof v.openapi === 'number' || typeof v.swagger === 'number') && ('paths' in v || 'webhooks' in v || 'info' in v);
}

export function importOpenApi(spec: Record<string, unknown>, base: string, ctx: DocumentContext): void {
  const version = String(spec.openapi ?? spec.swagger ?? '');
  const swagger2 = spec.swagger !== undefined && !spec.openapi;
  if (swagger2) ctx.report('info', 'swagger-2', `Swagger ${version} document: imported with OpenAPI 3 rules where they agree (body parameters, response schemas)`, base || '', 'convert it to OpenAPI 3 for full fidelity');
  else if (!/^3\./.test(version)) ctx.report('warning', 'openapi-version', `OpenAPI version "${version}" is not 3.0 or 3.1; imported as if it were 3.x`, `${base}/openapi`);
  const paths = spec.paths;
  if (!isRecord(paths)) {
    ctx.report('warning', 'empty-source', 'the OpenAPI document has no "paths": no operations to import', `${base}/paths`);
    return;
  }
  const resolve = (v: unknown, ptr: string): unknown => resolveRefs(v, spec, ptr, ctx, base);
  const title = isRecord(spec.info) ? textOf(spec.info.title) : '';
  const firstServer = Array.isArray(spec.servers) && isRecord(spec.servers[0]) ? textOf(spec.servers[0].url) : typeof spec.host === 'string' ? `${textOf(spec.schemes && Array.isArray(spec.schemes) ? spec.schemes[0] : 'https')}://${spec.host}${textOf(spec.basePath)}` : '';
  for (const [path, rawItem] of Object.entries(paths)) {
    if (ctx.signal?.aborted) return;
    const pp = `${base}/paths/${esc(path)}`;
    // Only a $ref of the path item itself is followed here; operations are resolved one by one so
    // each tool's notes are its own.
    const item = isRecord(rawItem) && typeof rawItem.$ref === 'string' ? resolve(rawItem, pp) : rawItem;
    if (!isRecord(item)) {
      ctx.drop(pp, `path item "${path}" is not an object`);
      continue;
    }
    const pathParams = Array.isArray(item.parameters) ? (resolve(item.parameters, `${pp}/parameters`) as unknown[]) : [];
    for (const method of METHODS) {
      const rawOp = item[method];
      if (rawOp === undefined) continue;
      const op_ = `${pp}/${method}`;
      const op = resolve(rawOp, op_);
      if (!isRecord(op)) {
        ctx.drop(op_, `operation ${method.toUpperCase()} ${path} is not an object`);
        continue;
      }
      importOperation(op, op_, method, path, pathParams, `${pp}/parameters`, swagger2, { api: title, server: firstServer }, ctx);
    }
  }
}

/** A Swagger 2 non-body parameter carries its schema keywords (type, items, enum, …) itself. */
function swaggerParamSchema(p: Record<string, unknown>): Record<string, unknown> {
  const { name: _n, in: _i, required: _r, description: _d, ...schema } = p;
  return schema;
}

function importOperation(op: Record<string, unknown>, ptr: string, method: string, path: string, pathParams: unknown[], pathParamsPtr: string, swagger2: boolean, api: { api: string; server: string }, ctx: DocumentContext): void {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  const seen = new Map<string, string>(); // name -> "in"
  const opParams = Array.isArray(op.parameters) ? op.parameters : [];
  const all: Array<[unknown, string]> = [
    ...pathParams.map((p, i): [unknown, string] => [p, `${pathParamsPtr}/${i}`]),
    ...opParams.map((p, i): [unknown, string] => [p, `${ptr}/parameters/${i}`]),
  ];
  let bodySchema: unknown;
  let bodyRequired = false;
  let bodyPtr = '';
  for (const [p, pptr] of all) {
    if (!isRecord(p)) {
      ctx.note('dropped-parameter', 'warning', pptr, 'parameter is not an object; dropped');
      continue;
    }
    const name = textOf(p.name);
    if (!name) {
      ctx.note('dropped-parameter', 'warning', pptr, 'parameter without a name; dropped');
      continue;
    }
    if (name === '__proto__') {
      ctx.note('dropped-parameter', 'warning', pptr, 'a parameter named "__proto__" cannot be represented safely; dropped');
      continue;
    }
    const where = textOf(p.in);
    if (swagger2 && where === 'body') {
      bodySchema = p.schema;
      bodyRequired = p.required === true;
      bodyPtr = `${pptr}/schema`;
      continue;
    }
    let key = name;
    const prev = seen.get(name);
    if (prev !== undefined && prev !== where) key = `${name}_${where}`;
    else if (prev !== undefined) {
      // operation-level parameter overrides the path-level one of the same name and location
      delete properties[key];
      if (required.includes(key)) required.splice(required.indexOf(key), 1);
    }
    seen.set(name, where);
    if (key !== name) ctx.note('renamed-parameter', 'info', pptr, `"${name}" appears both in ${prev} and ${where}; the ${where} one is called "${key}"`);
    // OpenAPI 3 puts the type under `schema` (or under `content` for complex values); Swagger 2 on the parameter itself.
    const paramContent = p.schema === undefined ? pickContent(p.content) : undefined;
    const [rawSchema, schemaPtr] =
      p.schema !== undefined
        ? [p.schema, `${pptr}/schema`]
        : paramContent
          ? [paramContent[1].schema, `${pptr}/content/${esc(paramContent[0])}/schema`]
          : swagger2
            ? [swaggerParamSchema(p), pptr]
            : [undefined, pptr];
    const schema = rawSchema !== undefined ? normalizeSchema(rawSchema, schemaPtr, ctx, 1) : {};
    if (rawSchema === undefined) ctx.note('invalid-schema', 'warning', pptr, `parameter "${name}" has no schema; left without a type`);
    const description = textOf(p.description);
    properties[key] = { ...schema, ...(description ? { description } : {}) };
    if ((p.required === true || where === 'path') && !required.includes(key)) required.push(key);
  }
  const rb = op.requestBody;
  if (isRecord(rb)) {
    const content = pickContent(rb.content);
    if (content) {
      bodySchema = content[1].schema;
      bodyPtr = `${ptr}/requestBody/content/${esc(content[0])}/schema`;
    }
    bodyRequired = rb.required === true;
    if (bodySchema === undefined) ctx.note('unsupported-construct', 'warning', `${ptr}/requestBody`, 'request body without a schema; not offered as a parameter');
  }
  if (bodySchema !== undefined) {
    const body = normalizeSchema(bodySchema, bodyPtr, ctx, 1);
    if (body.properties && (body.type === 'object' || body.type === undefined)) {
      for (const [name, sub] of Object.entries(body.properties)) {
        if (name === '__proto__') continue;
        const key = Object.hasOwn(properties, name) ? `body_${name}` : name;
        if (key !== name) ctx.note('renamed-parameter', 'info', `${bodyPtr}/properties/${esc(name)}`, `body property "${name}" clashes with a parameter; called "${key}"`);
        properties[key] = sub;
        if (bodyRequired && body.required?.includes(name)) required.push(key);
      }
    } else {
      properties.body = body;
      if (bodyRequired) required.push('body');
    }
  }
  const responses = op.responses;
  let returns: JsonSchema | undefined;
  if (isRecord(responses)) {
    const code = Object.keys(responses).find((c) => /^2\d\d$|^2XX$/i.test(c)) ?? ('default' in responses ? 'default' : undefined);
    const resp = code ? responses[code] : undefined;
    if (isRecord(resp)) {
      const rp = `${ptr}/responses/${code}`;
      const content = swagger2 ? (resp.schema !== undefined ? (['schema', { schema: resp.schema }] as const) : undefined) : pickContent(resp.content);
      if (content && content[1].schema !== undefined) {
        returns = normalizeReturns(content[1].schema, swagger2 ? `${rp}/schema` : `${rp}/content/${esc(content[0])}/schema`, ctx);
        const rdesc = textOf(resp.description);
        if (returns && !returns.description && rdesc) returns.description = rdesc;
      }
    }
  }
  const operationId = textOf(op.operationId);
  const generated = `${method}${path}`;
  if (!operationId) ctx.note('generated-name', 'info', ptr, `no operationId: named "${generated}" from method and path`);
  const description = textOf(op.description) || textOf(op.summary);
  ctx.addTool({
    originalName: operationId || generated,
    description,
    parameters: { type: 'object', properties, ...(required.length ? { required } : {}) },
    ...(returns ? { returns } : {}),
    format: 'openapi',
    pointer: ptr,
    source: op,
    context: { method: method.toUpperCase(), path, ...(api.api ? { api: api.api } : {}), ...(api.server ? { server: api.server } : {}) },
  });
}
