/**
 * Reading and writing the canonical `*.tools.json`. Reading validates against the published JSON
 * Schema (schemas/toolset.schema.json, with ajv) and checks what a schema cannot (unique names);
 * every problem is a Diagnostic with the JSON pointer and line:column of the offending value.
 * Writing is atomic (temporary file + rename) and puts one tool or diagnostic per line, so large
 * sets stay diffable and greppable.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import toolsetSchema from '../../../schemas/toolset.schema.json';
import { formatDiagnostic, type Diagnostic } from '../model/diagnostic';
import { TOOLSET_FORMAT, TOOLSET_VERSION, type ToolSet } from '../model/tool';
import { parseJsonDocument, type SourceDocument } from './source/sourceDocuments';

let validators: { set: ValidateFunction; tool: ValidateFunction } | undefined;

function getValidators() {
  if (!validators) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    ajv.addSchema(toolsetSchema, 'toolset');
    validators = {
      set: ajv.getSchema('toolset')!,
      tool: ajv.compile({ $ref: 'toolset#/definitions/tool' }),
    };
  }
  return validators;
}

function ajvMessage(e: ErrorObject): string {
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'required') return `missing required property "${String(params.missingProperty)}"`;
  if (e.keyword === 'additionalProperties') return `unexpected property "${String(params.additionalProperty)}"`;
  if (e.keyword === 'const') return `must be ${JSON.stringify(params.allowedValue)}`;
  if (e.keyword === 'enum') return `must be one of ${JSON.stringify(params.allowedValues)}`;
  return e.message ?? e.keyword;
}

function toDiagnostics(errors: ErrorObject[] | null | undefined, doc: SourceDocument, basePointer = ''): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    // oneOf/anyOf/allOf produce one error per branch plus a summary; keep the first per location.
    const pointer = basePointer + e.instancePath;
    const key = `${pointer}|${e.keyword}`;
    if (seen.has(key) || (e.keyword === 'oneOf' && seen.has(`${pointer}|type`))) continue;
    seen.add(key);
    const pos = doc.locate(pointer);
    out.push({
      severity: 'error',
      code: 'invalid-toolset',
      message: `${pointer || '/'}: ${ajvMessage(e)}`,
      location: { file: doc.file, pointer, ...(pos.line !== undefined ? { line: pos.line } : {}), ...(pos.column !== undefined ? { column: pos.column } : {}) },
      hint: 'see docs/tool-format.md or schemas/toolset.schema.json',
    });
  }
  return out;
}

/** Validates one canonical tool object; returns diagnostics (empty when valid). */
export function validateCanonicalTool(value: unknown, doc: SourceDocument, pointer: string): Diagnostic[] {
  const { tool } = getValidators();
  return tool(value) ? [] : toDiagnostics(tool.errors, doc, pointer);
}

/** Validates a parsed tool set document: schema plus unique names. */
export function validateToolSetDocument(doc: SourceDocument): Diagnostic[] {
  const { set } = getValidators();
  if (!set(doc.value)) return toDiagnostics(set.errors, doc);
  const names = new Map<string, number>();
  const out: Diagnostic[] = [];
  (doc.value as ToolSet).tools.forEach((t, i) => {
    const prev = names.get(t.name);
    if (prev !== undefined) {
      const pointer = `/tools/${i}/name`;
      const pos = doc.locate(pointer);
      out.push({ severity: 'error', code: 'duplicate-name', message: `tool name "${t.name}" is also used by /tools/${prev}`, location: { file: doc.file, pointer, ...pos }, hint: 'tool names must be unique within a set' });
    } else names.set(t.name, i);
  });
  return out;
}

/** Thrown by `readToolSet` when the file cannot be used; `diagnostics` says where and why. */
export class ToolSetError extends Error {
  constructor(
    readonly file: string,
    readonly diagnostics: Diagnostic[],
  ) {
    super(diagnostics.length > 0 ? `${formatDiagnostic(diagnostics[0]!)}${diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more problems)` : ''}` : `${file}: not a valid tool set`);
    this.name = 'ToolSetError';
  }
}

/** Reads and validates a canonical `*.tools.json`. Throws ToolSetError with located diagnostics. */
export async function readToolSet(file: string): Promise<ToolSet> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new ToolSetError(file, [{ severity: 'error', code: 'unreadable-file', message: `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, location: { file, pointer: '' }, hint: 'check the path and its permissions' }]);
  }
  const { doc, error } = parseJsonDocument(file, text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  if (!doc) throw new ToolSetError(file, [error!]);
  const problems = validateToolSetDocument(doc);
  if (problems.length > 0) throw new ToolSetError(file, problems);
  return doc.value as ToolSet;
}

/** A new, empty tool set. */
export function emptyToolSet(): ToolSet {
  return { format: TOOLSET_FORMAT, version: TOOLSET_VERSION, sources: [], tools: [], diagnostics: [] };
}

function jsonLines(items: unknown[], indent: string): string {
  if (items.length === 0) return '[]';
  return `[\n${items.map((x) => indent + JSON.stringify(x)).join(',\n')}\n${indent.slice(2)}]`;
}

/** Serialises a set: header fields pretty, one tool / diagnostic per line. */
export function serializeToolSet(set: ToolSet): string {
  return [...serializedChunks(set)].join('');
}

/** The serialised set in pieces (same text as serializeToolSet), so large sets never exist as one string. */
function* serializedChunks(set: ToolSet): Generator<string> {
  const { tools, diagnostics, sources, ...head } = set;
  const headLines = Object.entries(head).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  yield `{\n${headLines.join(',\n')},\n  "sources": ${jsonLines(sources, '    ')},\n  "tools": `;
  for (const [i, list] of [tools as unknown[], diagnostics as unknown[]].entries()) {
    if (list.length === 0) yield '[]';
    else {
      yield '[\n';
      for (let start = 0; start < list.length; start += 500) {
        yield list
          .slice(start, start + 500)
          .map((x) => `    ${JSON.stringify(x)}`)
          .join(',\n') + (start + 500 < list.length ? ',\n' : '\n');
      }
      yield '  ]';
    }
    yield i === 0 ? ',\n  "diagnostics": ' : '\n}\n';
  }
}

/** Writes a set atomically (temporary file in the same folder, then rename), streaming it in chunks. */
export async function writeToolSet(file: string, set: ToolSet): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  await fs.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    const handle = await fs.open(tmp, 'w');
    try {
      for (const chunk of serializedChunks(set)) await handle.write(chunk);
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
}
