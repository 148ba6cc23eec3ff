/**
 * Formats in which one object defines one function: OpenAI `tools` entries and legacy `functions`,
 * the ToolFlow paper's Figure 2 format (an OpenAI function plus `returns`), Anthropic
 * (`input_schema`), BFCL (`dict`/`float`/… types, `response`), MCP (`inputSchema` or
 * `input_schema`, `outputSchema`, `$defs`, extra keys such as `annotations` ignored) and API-Bank
 * (`input_parameters`/`output_parameters` as maps of `{type, description}`).
 */
import type { JsonSchema } from '../../model/jsonSchema';
import type { SourceFormat } from '../../model/tool';
import { isRecord, textOf, type DocumentContext } from '../importContext';
import { normalizeParameters, normalizeReturns } from '../schema/normalizeSchema';
import { resolveRefs } from '../schema/resolveRefs';

interface FunctionShape {
  params: string[];
  returns: string[];
}

const SHAPES: Record<Exclude<SourceFormat, 'toolflow' | 'toolbench' | 'openapi' | 'toolalpaca'>, FunctionShape> = {
  openai: { params: ['parameters'], returns: ['returns', 'response'] },
  'openai-functions': { params: ['parameters'], returns: ['returns', 'response'] },
  'toolflow-paper': { params: ['parameters'], returns: ['returns', 'response', 'responses', 'output'] },
  anthropic: { params: ['input_schema'], returns: ['output_schema', 'returns'] },
  bfcl: { params: ['parameters'], returns: ['response', 'returns'] },
  mcp: { params: ['inputSchema', 'input_schema'], returns: ['outputSchema', 'output_schema'] },
  'api-bank': { params: ['input_parameters', 'parameters'], returns: ['output_parameters'] },
};

export type FunctionFormat = keyof typeof SHAPES;

export function isFunctionFormat(f: SourceFormat): f is FunctionFormat {
  return f in SHAPES;
}

/** Resolves local `$ref`s against the schema itself (`$defs`, `definitions`), then normalises. */
function schemaAt(obj: Record<string, unknown>, key: string, ptr: string, ctx: DocumentContext): unknown {
  const raw = obj[key];
  if (!isRecord(raw)) return raw;
  return resolveRefs(raw, raw, `${ptr}/${key}`, ctx, `${ptr}/${key}`);
}

function apiBankMap(raw: unknown): unknown {
  // API-Bank writes parameters as {name: {type, description}} with no required list.
  if (!isRecord(raw) || 'type' in raw || 'properties' in raw) return raw;
  return { type: 'object', properties: raw };
}

/**
 * Imports one function-like object at `ptr`. `nameOverride` is used when the name is a map key
 * (e.g. API-Bank `{ "ToolSearcher": {…} }`).
 */
export function importFunctionObject(obj: Record<string, unknown>, ptr: string, format: FunctionFormat, ctx: DocumentContext, nameOverride?: string): void {
  let target = obj;
  let tp = ptr;
  if (format === 'openai' && isRecord(obj.function)) {
    target = obj.function;
    tp = `${ptr}/function`;
  }
  const name = nameOverride ?? (typeof target.name === 'string' ? target.name.trim() : typeof target.name === 'number' ? String(target.name) : '');
  if (!name) {
    ctx.drop(`${tp}/name`, `${format} tool without a "name"`, 'give every tool a non-empty "name"');
    return;
  }
  const shape = SHAPES[format];
  const paramsKey = shape.params.find((k) => target[k] !== undefined);
  let paramsRaw = paramsKey ? schemaAt(target, paramsKey, tp, ctx) : undefined;
  const returnsKey = shape.returns.find((k) => target[k] !== undefined);
  let returnsRaw = returnsKey ? schemaAt(target, returnsKey, tp, ctx) : undefined;
  if (format === 'api-bank') {
    paramsRaw = apiBankMap(paramsRaw);
    returnsRaw = apiBankMap(returnsRaw);
  }
  const paramsPtr = paramsKey ? `${tp}/${paramsKey}` : tp;
  if (paramsKey === undefined && format !== 'openai-functions' && format !== 'toolflow-paper' && format !== 'api-bank') {
    ctx.note('missing-parameters', 'info', tp, `no ${shape.params.map((k) => `"${k}"`).join(' or ')}: the tool takes no arguments`);
  }
  const parameters = normalizeParameters(paramsRaw, paramsPtr, ctx);
  if (format === 'api-bank' && parameters.required === undefined) {
    const names = Object.keys(parameters.properties);
    if (names.length > 0) {
      parameters.required = names;
      ctx.note('assumed-required', 'info', paramsPtr, 'API-Bank lists no required parameters; all input parameters were marked required');
    }
  }
  let returns: JsonSchema | undefined;
  if (returnsKey) returns = normalizeReturns(returnsRaw, `${tp}/${returnsKey}`, ctx);
  const context: Record<string, string> = {};
  const server = textOf(obj.server) || textOf(target.server);
  if (server) context.server = server;
  const title = textOf(target.title);
  if (title && format === 'mcp') context.title = title;
  ctx.addTool({
    originalName: name,
    description: textOf(target.description),
    parameters,
    ...(returns ? { returns } : {}),
    format,
    pointer: ptr,
    source: obj,
    ...(Object.keys(context).length ? { context } : {}),
  });
}

const BFCL_ONLY_TYPES = new Set(['dict', 'float', 'tuple', 'any', 'long', 'double', 'char', 'String', 'HashMap', 'ArrayList', 'Boolean', 'Array', 'Integer']);

function usesBfclTypes(schema: unknown, depth = 0): boolean {
  if (!isRecord(schema) || depth > 6) return false;
  if (typeof schema.type === 'string' && BFCL_ONLY_TYPES.has(schema.type)) return true;
  if (isRecord(schema.properties)) return Object.values(schema.properties).some((p) => usesBfclTypes(p, depth + 1));
  if (isRecord(schema.items)) return usesBfclTypes(schema.items, depth + 1);
  return false;
}

/** Which single-function format an object is in, if any. */
export function detectFunctionObject(o: Record<string, unknown>): FunctionFormat | 'toolbench' | undefined {
  if (o.type === 'function' && isRecord(o.function)) return 'openai';
  if ('inputSchema' in o) return 'mcp';
  if ('input_schema' in o) {
    const mcpHints = ['annotations', 'outputSchema', 'output_schema', '_meta', 'server', 'title', 'icons', 'execution'];
    return mcpHints.some((k) => k in o) ? 'mcp' : 'anthropic';
  }
  if ('input_parameters' in o || 'output_parameters' in o) return 'api-bank';
  if (Array.isArray(o.api_list)) return 'toolbench';
  if ('name' in o && isRecord(o.parameters)) {
    if (o.parameters.type === 'dict' || usesBfclTypes(o.parameters) || 'source_files' in o) return 'bfcl';
    if ('returns' in o || 'responses' in o || 'output' in o) return 'toolflow-paper';
    if ('response' in o) return 'bfcl';
    return 'openai-functions';
  }
  if (typeof o.name === 'string' && typeof o.description === 'string' && !('parameters' in o)) {
    if ('returns' in o) return 'toolflow-paper';
    return 'openai-functions';
  }
  return undefined;
}
