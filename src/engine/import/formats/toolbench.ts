/**
 * ToolBench / RapidAPI: one canonical tool per API.
 * Accepts the raw tool files (`tool_name`, `tool_description`, `api_list[]` with
 * `required_parameters`, `optional_parameters`, `schema`, `body`), the records of
 * `toolenv_all.jsonl.gz` (same, plus `category`/`file`), and the `api_list` entries of ToolBench /
 * StableToolBench query files (`tool_name`, `api_name`, `api_description`, `template_response`).
 * Names follow ToolBench's own convention `{api}_for_{tool}` (standardised: lower case, `_` for
 * anything else), so APIs of different tools with the same name stay apart; the API's own name is
 * kept in provenance. The result schema comes from `schema` (JSON Schema), else `template_response`
 * (type template), else `body` (an example response), each inference noted.
 */
import type { JsonSchema } from '../../model/jsonSchema';
import { isRecord, textOf, type DocumentContext } from '../importContext';
import { inferSchema } from '../schema/inferSchema';
import { normalizeReturns, normalizeSchema } from '../schema/normalizeSchema';
import { resolveRefs } from '../schema/resolveRefs';

/** ToolBench's `standardize`: lower case, non-alphanumerics to `_`, no leading digit. */
export function standardizeToolBenchName(s: string): string {
  let out = s.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/_{2,}/g, '_').replace(/^_+|_+$/g, '');
  if (/^[0-9]/.test(out)) out = `get_${out}`;
  return out;
}

const SCHEMA_KEYS = ['type', 'properties', 'items', 'anyOf', 'oneOf', 'allOf', '$ref', 'enum'];

function looksLikeSchema(v: Record<string, unknown>): boolean {
  return SCHEMA_KEYS.some((k) => k in v);
}

function returnsOf(api: Record<string, unknown>, ptr: string, ctx: DocumentContext): JsonSchema | undefined {
  const schema = api.schema;
  if (isRecord(schema) && Object.keys(schema).length > 0) {
    if (looksLikeSchema(schema)) return normalizeReturns(resolveRefs(schema, schema, `${ptr}/schema`, ctx, `${ptr}/schema`), `${ptr}/schema`, ctx);
    if (Object.values(schema).every((v) => isRecord(v) && ('type' in v || 'description' in v))) {
      return normalizeReturns({ type: 'object', properties: schema }, `${ptr}/schema`, ctx);
    }
    ctx.note('inferred-returns', 'info', `${ptr}/schema`, '"schema" is an example, not a JSON Schema; the result schema was inferred from it');
    return inferSchema(schema, 'example');
  }
  if (typeof schema === 'string' && schema.trim().startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(schema);
      if (isRecord(parsed) && Object.keys(parsed).length > 0) return normalizeReturns(parsed, `${ptr}/schema`, ctx);
    } catch {
      ctx.note('invalid-schema', 'warning', `${ptr}/schema`, '"schema" is a string that is not valid JSON; ignored');
    }
  }
  let template = api.template_response;
  if (typeof template === 'string' && template.trim() !== '') {
    try {
      template = JSON.parse(template) as unknown;
    } catch {
      // a bare type name such as "str"
    }
  }
  if ((isRecord(template) && Object.keys(template).length > 0) || (Array.isArray(template) && template.length > 0) || (typeof template === 'string' && template.trim() !== '')) {
    ctx.note('inferred-returns', 'info', `${ptr}/template_response`, 'result schema inferred from template_response (types only, no descriptions)');
    return inferSchema(template, 'template');
  }
  const body = api.body;
  if ((isRecord(body) && Object.keys(body).length > 0) || (Array.isArray(body) && body.length > 0)) {
    ctx.note('inferred-returns', 'info', `${ptr}/body`, 'result schema inferred from the example response "body" (types only, no descriptions)');
    return inferSchema(body, 'example');
  }
  return undefined;
}

function parametersOf(api: Record<string, unknown>, ptr: string, ctx: DocumentContext) {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const key of ['required_parameters', 'optional_parameters'] as const) {
    const list = api[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      ctx.note('invalid-schema', 'warning', `${ptr}/${key}`, `"${key}" is not a list; ignored`);
      continue;
    }
    list.forEach((p: unknown, i) => {
      const pp = `${ptr}/${key}/${i}`;
      if (!isRecord(p) || typeof p.name !== 'string' || p.name.trim() === '') {
        ctx.note('dropped-parameter', 'warning', pp, 'parameter without a name; dropped');
        return;
      }
      const name = p.name;
      if (name === '__proto__') {
        ctx.note('dropped-parameter', 'warning', pp, 'a parameter named "__proto__" cannot be represented safely; dropped');
        return;
      }
      if (Object.hasOwn(properties, name)) {
        ctx.note('dropped-parameter', 'warning', pp, `parameter "${name}" is defined twice; the later one was dropped`);
        return;
      }
      const { name: _n, description: _d, default: def, required: _r, ...rest } = p;
      const schema: JsonSchema = normalizeSchema({ ...rest, type: p.type }, pp, ctx, 1);
      const description = textOf(p.description);
      const prop: JsonSchema = { ...(description ? { description } : {}), ...schema };
      if (def !== undefined && def !== null && def !== '') {
        if (key === 'required_parameters') prop.examples = [def];
        else prop.default = def;
      }
      properties[name] = prop;
      if (key === 'required_parameters') required.push(name);
    });
  }
  return { type: 'object' as const, properties, ...(required.length ? { required } : {}) };
}

/** ToolBench keeps tool files as `tools/<Category>/<tool>.json`; the folder names the category. */
function categoryFromPath(file: string): string {
  const m = /(?:^|[\\/])tools[\\/]([^\\/]+)[\\/][^\\/]+\.json$/.exec(file);
  return m ? m[1]! : '';
}

/** Imports the APIs of one ToolBench tool object (or a query's api_list) found at `ptr`. */
export function importToolBenchTool(value: Record<string, unknown>, ptr: string, ctx: DocumentContext): void {
  const apiList = value.api_list;
  if (!Array.isArray(apiList)) {
    ctx.drop(`${ptr}/api_list`, '"api_list" is not a list', 'a ToolBench tool file has "api_list": [ {name, description, required_parameters, …} ]');
    return;
  }
  const toolName = textOf(value.tool_name) || textOf(value.name) || textOf(value.title);
  apiList.forEach((api: unknown, i) => {
    if (ctx.signal?.aborted) return;
    const ap = `${ptr}/api_list/${i}`;
    if (!isRecord(api)) {
      ctx.drop(ap, 'API entry is not an object');
      return;
    }
    const apiName = textOf(api.name) || textOf(api.api_name);
    if (!apiName) {
      ctx.drop(ap, 'API entry has no "name" (or "api_name")', 'give every API in api_list a name');
      return;
    }
    const tool = textOf(api.tool_name) || toolName;
    const category = textOf(value.category) || textOf(api.category_name) || categoryFromPath(ctx.file);
    const parameters = parametersOf(api, ap, ctx);
    const returns = returnsOf(api, ap, ctx);
    const std = standardizeToolBenchName(apiName);
    const stdTool = tool ? standardizeToolBenchName(tool) : '';
    const context: Record<string, string> = {};
    if (tool) context.tool = tool;
    if (category) context.category = category;
    const method = textOf(api.method);
    if (method) context.method = method;
    const url = textOf(api.url);
    if (url) context.url = url;
    const toolDescription = textOf(value.tool_description);
    if (toolDescription) context.toolDescription = toolDescription;
    ctx.addTool({
      originalName: apiName,
      baseName: stdTool ? `${std || 'api'}_for_${stdTool}` : std || apiName,
      description: textOf(api.description) || textOf(api.api_description),
      parameters,
      ...(returns ? { returns } : {}),
      format: 'toolbench',
      pointer: ap,
      context,
      source: api,
    });
  });
}

/** True for an `api_list` entry that defines an API (not just a response example `{name, schema}`). */
export function isToolBenchApi(v: unknown): boolean {
  return isRecord(v) && (('name' in v || 'api_name' in v) && ('required_parameters' in v || 'optional_parameters' in v || 'api_description' in v || 'description' in v || 'method' in v));
}
