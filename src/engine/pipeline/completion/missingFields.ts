/**
 * Which parts of a tool the completion step (paper 3.4) must fill: the tool's and parameters'
 * descriptions, the return schema, and the descriptions of its top-level return fields. Pointers are
 * relative to the tool object, as in `Tool.missing`.
 */
import { jsonPointer } from '../../model/diagnostic';
import type { Tool } from '../../model/tool';

const blank = (s: unknown) => typeof s !== 'string' || s.trim() === '';

export function findMissing(tool: Tool): string[] {
  const out = new Set<string>();
  for (const p of tool.missing ?? []) out.add(p);
  if (blank(tool.description)) out.add('/description');
  for (const [name, schema] of Object.entries(tool.parameters.properties ?? {})) {
    if (blank(schema.description)) out.add(jsonPointer('parameters', 'properties', name, 'description'));
  }
  if (!tool.returns) out.add('/returns');
  else {
    for (const [name, schema] of Object.entries(tool.returns.properties ?? {})) {
      if (blank(schema.description)) out.add(jsonPointer('returns', 'properties', name, 'description'));
    }
  }
  // Pointers already written by an earlier completion are not asked again.
  for (const g of tool.generated ?? []) if (!blank(getAt(tool, g)) || g === '/returns') out.delete(g);
  return [...out].sort();
}

function unescape(seg: string): string {
  return seg.replace(/~1/g, '/').replace(/~0/g, '~');
}

export function splitPointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`not a JSON pointer: ${pointer}`);
  return pointer.slice(1).split('/').map(unescape);
}

export function getAt(root: unknown, pointer: string): unknown {
  let cur: unknown = root;
  for (const seg of splitPointer(pointer)) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/** Sets a value at a pointer, creating objects on the way (never through arrays). */
export function setAt(root: Record<string, unknown>, pointer: string, value: unknown): void {
  const segs = splitPointer(pointer);
  if (segs.length === 0) throw new Error('cannot replace the whole tool');
  if (segs.some((seg) => seg === '__proto__' || seg === 'constructor' || seg === 'prototype')) throw new Error(`refusing to write through "${pointer}"`);
  let cur: Record<string, unknown> = root;
  for (const seg of segs.slice(0, -1)) {
    const next = cur[seg];
    if (!next || typeof next !== 'object' || Array.isArray(next)) cur[seg] = {};
    cur = cur[seg] as Record<string, unknown>;
  }
  cur[segs[segs.length - 1]!] = value;
}

/** Whether a pointer asks for a description (a string) rather than a schema. */
export function isDescriptionPointer(pointer: string): boolean {
  return pointer.endsWith('/description');
}
