/**
 * Automatic format detection and dispatch for one parsed document (a file, or one JSON-lines
 * record). Containers are unwrapped first (`{tools: [...]}` as in an OpenAI request, an Anthropic
 * request or an MCP `tools/list` result, a JSON-RPC `{result: {tools}}`, `{functions: [...]}`,
 * ToolBench answer files' `answer_generation.function`, `{apis: [...]}`, plain arrays), then each
 * item's format is recognised from its keys (formats/functionFormats.ts, ToolBench `api_list`,
 * OpenAPI `openapi`/`swagger`, ToolFlow `format`). An explicit format skips recognition of items.
 */
import { parse as parseYaml } from 'yaml';
import type { SourceFormat } from '../../model/tool';
import { isRecord, type DocumentContext } from '../importContext';
import { detectFunctionObject, importFunctionObject, isFunctionFormat } from './functionFormats';
import { importOpenApi, isOpenApiDocument } from './openapi';
import { importToolBenchTool, isToolBenchApi } from './toolbench';
import { importToolAlpacaRecord, isToolAlpacaRecord } from './toolalpaca';
import { TOOLSET_FORMAT } from '../../model/tool';

export const SOURCE_FORMATS: readonly SourceFormat[] = ['toolflow', 'openai', 'openai-functions', 'toolflow-paper', 'anthropic', 'bfcl', 'toolbench', 'api-bank', 'openapi', 'mcp', 'toolalpaca'];

const MAX_EMBEDDED_SCAN_DEPTH = 3;

function esc(k: string): string {
  return k.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Formats seen while importing one document (for per-source summaries). */
export type FormatCounter = (format: SourceFormat) => void;

/** Where a canonical ToolFlow set (`format: "toolflow.tools"`) is handled: by the caller. */
export type ToolFlowHandler = (value: Record<string, unknown>, ptr: string) => void;

export interface DispatchOptions {
  format?: SourceFormat;
  onFormat: FormatCounter;
  onToolFlow: ToolFlowHandler;
}

/** Finds an OpenAPI document stored as a JSON or YAML string somewhere near the top of `value`. */
function findEmbeddedOpenApi(value: unknown, ptr: string, depth: number): Array<[Record<string, unknown>, string]> {
  const found: Array<[Record<string, unknown>, string]> = [];
  if (depth > MAX_EMBEDDED_SCAN_DEPTH) return found;
  const visit = (v: unknown, p: string) => {
    if (typeof v === 'string') {
      const t = v.trimStart();
      const jsonLike = t.startsWith('{') && /"(openapi|swagger)"\s*:/.test(t.slice(0, 4096));
      const yamlLike = !jsonLike && /^(openapi|swagger)\s*:/m.test(t.slice(0, 512));
      if (jsonLike || yamlLike) {
        try {
          const parsed: unknown = jsonLike ? JSON.parse(t) : parseYaml(t, { maxAliasCount: 1000 });
          if (isRecord(parsed) && isOpenApiDocument(parsed)) found.push([parsed, p]);
        } catch {
          // a string that only looks like OpenAPI: left to the unknown-format report
        }
      }
    } else if (isRecord(v) || Array.isArray(v)) {
      found.push(...findEmbeddedOpenApi(v, p, depth + 1));
    }
  };
  if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${ptr}/${i}`));
  else if (isRecord(value)) for (const [k, v] of Object.entries(value)) visit(v, `${ptr}/${esc(k)}`);
  return found;
}

function importItem(item: unknown, ptr: string, ctx: DocumentContext, opts: DispatchOptions, nameOverride?: string): boolean {
  if (!isRecord(item)) {
    ctx.drop(ptr, `expected a tool definition object, found ${Array.isArray(item) ? 'an array' : item === null ? 'null' : `a ${typeof item}`}`);
    return false;
  }
  if (opts.format === 'toolalpaca' || (!opts.format && isToolAlpacaRecord(item))) {
    opts.onFormat('toolalpaca');
    importToolAlpacaRecord(item, ptr, ctx);
    return true;
  }
  if (opts.format === 'openapi' || (!opts.format && isOpenApiDocument(item))) {
    opts.onFormat('openapi');
    importOpenApi(item, ptr, ctx);
    return true;
  }
  const detected = opts.format ?? detectFunctionObject(item);
  if (detected === 'toolbench') {
    const apis = Array.isArray(item.api_list) ? item.api_list : undefined;
    if (apis && apis.length > 0 && !apis.some(isToolBenchApi)) {
      ctx.report('info', 'not-tool-definitions', 'api_list entries have neither parameters nor descriptions (ToolBench response examples?): not tool definitions, skipped', `${ptr}/api_list`, 'import the ToolBench tool files (toolenv/tools) for the API definitions');
      return true;
    }
    if (apis && apis.length === 0) {
      ctx.report('info', 'empty-source', 'api_list is empty: no APIs to import', `${ptr}/api_list`);
      return true;
    }
    opts.onFormat('toolbench');
    importToolBenchTool(item, ptr, ctx);
    return true;
  }
  if (detected === 'toolflow') {
    opts.onFormat('toolflow');
    opts.onToolFlow(item, ptr);
    return true;
  }
  if (detected && isFunctionFormat(detected)) {
    opts.onFormat(detected);
    importFunctionObject(item, ptr, detected, ctx, nameOverride);
    return true;
  }
  return false;
}

/** Unwraps known containers; returns the list of items with their pointers, or undefined. */
function containerItems(v: Record<string, unknown>, ptr: string): Array<[unknown, string]> | undefined {
  const list = (arr: unknown[], p: string) => arr.map((x, i): [unknown, string] => [x, `${p}/${i}`]);
  if (Array.isArray(v.tools)) return list(v.tools, `${ptr}/tools`);
  if (isRecord(v.result) && Array.isArray(v.result.tools)) return list(v.result.tools, `${ptr}/result/tools`);
  if (Array.isArray(v.functions)) return list(v.functions, `${ptr}/functions`);
  if (isRecord(v.answer_generation) && Array.isArray(v.answer_generation.function)) return list(v.answer_generation.function, `${ptr}/answer_generation/function`);
  if (Array.isArray(v.apis)) return list(v.apis, `${ptr}/apis`);
  return undefined;
}

/** Imports one document. Never throws for bad input: problems become diagnostics. */
export function importDocument(value: unknown, ctx: DocumentContext, opts: DispatchOptions, ptr = ''): void {
  if (isRecord(value)) {
    if (value.format === TOOLSET_FORMAT && Array.isArray(value.tools) && (!opts.format || opts.format === 'toolflow')) {
      opts.onFormat('toolflow');
      opts.onToolFlow(value, ptr);
      return;
    }
    if (isOpenApiDocument(value) && (!opts.format || opts.format === 'openapi')) {
      importItem(value, ptr, ctx, { ...opts, format: 'openapi' });
      return;
    }
    const items = containerItems(value, ptr);
    if (items && !(opts.format === 'toolbench' && Array.isArray(value.api_list))) {
      importItems(items, ctx, opts, ptr);
      return;
    }
    if (importItem(value, ptr, ctx, opts)) return;
    // API-Bank style map of name -> definition.
    const entries = Object.entries(value);
    if (entries.length > 0 && entries.every(([, v]) => isRecord(v) && ('input_parameters' in v || 'output_parameters' in v))) {
      for (const [name, def] of entries) importItem(def, `${ptr}/${esc(name)}`, ctx, { ...opts, format: opts.format ?? 'api-bank' }, name);
      return;
    }
    const embedded = findEmbeddedOpenApi(value, ptr, 0);
    if (embedded.length > 0) {
      for (const [spec, p] of embedded) {
        ctx.report('info', 'embedded-openapi', 'OpenAPI document stored as a JSON string: parsed and imported', p);
        opts.onFormat('openapi');
        importOpenApi(spec, p, ctx);
      }
      return;
    }
    unknown(ctx, ptr, Object.keys(value));
    return;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) {
      ctx.report('info', 'empty-source', 'empty list: no tools to import', ptr);
      return;
    }
    importItems(value.map((x, i): [unknown, string] => [x, `${ptr}/${i}`]), ctx, opts, ptr);
    return;
  }
  if (typeof value === 'string') {
    const embedded = findEmbeddedOpenApi([value], ptr, 0);
    if (embedded.length > 0) {
      opts.onFormat('openapi');
      importOpenApi(embedded[0]![0], ptr, ctx);
      return;
    }
  }
  ctx.report('error', 'unknown-format', `expected tool definitions (an object or a list), found ${value === null ? 'null' : `a ${typeof value}`}`, ptr, 'see docs/tool-format.md for the formats ToolFlow reads');
}

function importItems(items: Array<[unknown, string]>, ctx: DocumentContext, opts: DispatchOptions, containerPtr: string, depth = 0): void {
  if (items.length === 0) {
    ctx.report('info', 'empty-source', 'empty list: no tools to import', containerPtr);
    return;
  }
  if (depth > 8) {
    ctx.report('error', 'unsupported-construct', 'tool lists nested more than 8 deep; not read', containerPtr);
    return;
  }
  let recognised = 0;
  const unrecognised: string[] = [];
  for (const [item, p] of items) {
    if (ctx.signal?.aborted) return;
    if (isRecord(item) && !opts.format) {
      // A list of lists or a nested container (e.g. an array of MCP results): recurse once.
      const inner = containerItems(item, p);
      if (inner) {
        importItems(inner, ctx, opts, p, depth + 1);
        recognised++;
        continue;
      }
    }
    if (isRecord(item) && !opts.format && !isOpenApiDocument(item) && !isToolAlpacaRecord(item) && detectFunctionObject(item) === undefined) {
      unrecognised.push(p);
      continue;
    }
    if (importItem(item, p, ctx, opts)) recognised++;
  }
  if (unrecognised.length > 0) {
    if (recognised === 0 && unrecognised.length === items.length) {
      const first = items.find(([, p]) => p === unrecognised[0])?.[0];
      unknown(ctx, containerPtr, isRecord(first) ? Object.keys(first) : []);
    } else {
      for (const p of unrecognised) ctx.drop(p, 'not recognised as a tool definition in any supported format', 'check the keys of this entry against docs/tool-format.md, or pass --format');
    }
  }
}

function unknown(ctx: DocumentContext, ptr: string, keys: string[]): void {
  ctx.report(
    'error',
    'unknown-format',
    `not recognised as tool definitions${keys.length ? ` (keys: ${keys.slice(0, 8).join(', ')}${keys.length > 8 ? ', …' : ''})` : ''}`,
    ptr,
    `pass --format (${SOURCE_FORMATS.join(', ')}) or see docs/tool-format.md for the formats ToolFlow reads`,
  );
}
