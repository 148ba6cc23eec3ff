/** Paths and small helpers shared by the importer tests. */
import path from 'node:path';
import type { Diagnostic } from '../../src/engine/model/diagnostic';
import type { Tool } from '../../src/engine/model/tool';

export const repoRoot = path.resolve(__dirname, '..', '..');
/** The real tool definitions, checked out beside the repository (CI clones `../shared` next to it). */
export const sharedTools = path.resolve(repoRoot, '..', 'shared', 'data', 'tools');
export const importFixtures = path.join(repoRoot, 'test', 'fixtures', 'import');

export function countBy<T>(items: T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const it of items) m.set(key(it), (m.get(key(it)) ?? 0) + 1);
  return m;
}

/** A diagnostic is located when it names a file and either a JSON pointer or a line. */
export function isLocated(d: Diagnostic): boolean {
  return typeof d.location.file === 'string' && d.location.file !== '' && (typeof d.location.pointer === 'string' || typeof d.location.line === 'number');
}

export function toolsByFormat(tools: Tool[]): Record<string, number> {
  return Object.fromEntries(countBy(tools, (t) => t.provenance.format));
}
