/**
 * Turns files into parsed documents that remember where their values came from. JSON and JSON
 * lines are parsed with `JSON.parse` (fast) and positions are recovered lazily with a scanner, only
 * when a diagnostic needs one; YAML goes through the `yaml` package's `parseDocument`, whose nodes
 * carry source ranges. Gzip is undone with node's zlib. Parse failures become diagnostics, never
 * exceptions.
 */
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { LineCounter, isMap, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import type { Diagnostic } from '../../model/diagnostic';
import { LineIndex, indexJsonPointers, jsonErrorOffset, nearestOffset } from './jsonLocations';
import { jsonSyntaxErrorOffset } from './jsonSyntaxError';

const gunzipAsync = promisify(gunzip);
/** Largest decompressed input read (all of ToolBench is about 100 MB). */
export const MAX_GUNZIPPED_BYTES = 1024 * 1024 * 1024;

/** Documents larger than this get no line:column for pointers (the pointer still locates them). */
const MAX_INDEXED_TEXT = 8 * 1024 * 1024;

export interface TextPosition {
  line?: number;
  column?: number;
}

/** One parsed document: a whole JSON/YAML file, or one record of a JSON-lines file. */
export interface SourceDocument {
  /** The file as the user named it. */
  file: string;
  value: unknown;
  /** 1-based line of this record in a JSON-lines file. */
  line?: number;
  /** Line and column of the value at `pointer` (or of its nearest located ancestor). */
  locate(pointer: string): TextPosition;
}

export type TextKind = 'json' | 'jsonl' | 'yaml';

/** Which parser a file name asks for; `undefined` when the extension says nothing we know. */
export function textKindOf(file: string): TextKind | undefined {
  const f = file.toLowerCase().replace(/\.gz$/, '');
  if (f.endsWith('.jsonl') || f.endsWith('.ndjson')) return 'jsonl';
  if (f.endsWith('.json')) return 'json';
  if (f.endsWith('.yaml') || f.endsWith('.yml')) return 'yaml';
  return undefined;
}

export async function readSourceText(absPath: string, readFile: (p: string) => Promise<Buffer>, maxGunzippedBytes = MAX_GUNZIPPED_BYTES): Promise<string> {
  let buf = await readFile(absPath);
  if (absPath.toLowerCase().endsWith('.gz') || (buf.length > 2 && buf[0] === 0x1f && buf[1] === 0x8b)) {
    // Bounded: a small gzip bomb among untrusted inputs must not exhaust memory (it fails as unreadable).
    buf = await gunzipAsync(buf, { maxOutputLength: maxGunzippedBytes });
  }
  // Strip a UTF-8 byte-order mark, which JSON.parse rejects.
  const text = buf.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function jsonLocator(text: string, lineOffset = 0): (pointer: string) => TextPosition {
  let index: Map<string, number> | undefined;
  let lines: LineIndex | undefined;
  return (pointer) => {
    if (text.length > MAX_INDEXED_TEXT) return lineOffset ? { line: lineOffset } : {};
    index ??= indexJsonPointers(text);
    lines ??= new LineIndex(text);
    const offset = nearestOffset(index, pointer);
    if (offset === undefined) return lineOffset ? { line: lineOffset } : {};
    const p = lines.position(offset);
    return lineOffset ? { line: lineOffset + p.line - 1, column: p.column } : p;
  };
}

function parseError(file: string, message: string, pos: TextPosition, hint: string): Diagnostic {
  return { severity: 'error', code: 'parse-error', message, location: { file, ...(pos.line === undefined ? { pointer: '' } : {}), ...pos }, hint };
}

/** Parses a whole JSON text; on failure returns a diagnostic with the line and column of the error. */
export function parseJsonDocument(file: string, text: string): { doc?: SourceDocument; error?: Diagnostic } {
  try {
    const value: unknown = JSON.parse(text);
    return { doc: { file, value, locate: jsonLocator(text) } };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const off = jsonErrorOffset(msg, text.length) ?? jsonSyntaxErrorOffset(text);
    const pos = off !== undefined ? new LineIndex(text).position(off) : {};
    return { error: parseError(file, `not valid JSON: ${msg}`, pos, 'fix the JSON syntax at this position, or check that the file is not truncated') };
  }
}

/** Yields one document per non-blank line; a bad line yields a diagnostic and the rest go on. */
export function* parseJsonLines(file: string, text: string): Generator<{ doc?: SourceDocument; error?: Diagnostic }> {
  let start = 0;
  let lineNo = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNo++;
    const line = text.slice(start, end);
    start = end + 1;
    if (line.trim() === '') {
      if (end >= text.length) break;
      continue;
    }
    try {
      const value: unknown = JSON.parse(line);
      yield { doc: { file, value, line: lineNo, locate: jsonLocator(line, lineNo) } };
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      const off = jsonErrorOffset(msg, line.length) ?? jsonSyntaxErrorOffset(line);
      yield { error: parseError(file, `line ${lineNo} is not valid JSON: ${msg}`, { line: lineNo, ...(off !== undefined ? { column: off + 1 } : {}) }, 'each line of a JSON-lines file must be one complete JSON value') };
    }
    if (end >= text.length) break;
  }
}

/** Parses YAML (which includes JSON) with source ranges; alias expansion is bounded. */
export function parseYamlDocument(file: string, text: string): { doc?: SourceDocument; errors: Diagnostic[] } {
  const lineCounter = new LineCounter();
  try {
    const ydoc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
    const errors: Diagnostic[] = ydoc.errors.slice(0, 5).map((err) => {
      const p = lineCounter.linePos(err.pos[0]);
      return parseError(file, `not valid YAML: ${err.message.split('\n')[0]}`, { line: p.line, column: p.col }, 'fix the YAML syntax at this position');
    });
    if (ydoc.errors.length > 5) errors.push(parseError(file, `…and ${ydoc.errors.length - 5} more YAML errors`, errors[4]!.location, 'fix the first errors first; later ones often follow from them'));
    if (ydoc.errors.length > 0) return { errors };
    const value: unknown = ydoc.toJS({ maxAliasCount: 1000 });
    const locate = (pointer: string): TextPosition => {
      let node: unknown = ydoc.contents;
      let best: YamlNode | undefined = node as YamlNode | undefined;
      for (const raw of pointer.split('/').slice(1)) {
        const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
        let keyNode: YamlNode | undefined;
        if (isMap(node)) {
          const pair = node.items.find((it) => {
            const k = it.key as { value?: unknown } | null;
            return k !== null && typeof k === 'object' && String(k.value) === seg;
          });
          keyNode = pair?.key && typeof pair.key === 'object' && 'range' in pair.key ? (pair.key as YamlNode) : undefined;
          node = pair?.value ?? undefined;
        } else if (isSeq(node)) node = node.items[Number(seg)];
        else node = undefined;
        // A map entry is located at its key (`get:`), a list item at the item itself.
        if (keyNode?.range) best = keyNode;
        else if (node && typeof node === 'object' && 'range' in node) best = node as YamlNode;
        if (!node || typeof node !== 'object') break;
      }
      const range = best?.range;
      if (!range) return {};
      const p = lineCounter.linePos(range[0]);
      return { line: p.line, column: p.col };
    };
    return { doc: { file, value, locate }, errors: [] };
  } catch (e) {
    return { errors: [parseError(file, `not valid YAML: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, {}, 'fix the YAML syntax, or check the file is YAML at all')] };
  }
}
