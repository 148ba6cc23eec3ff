/**
 * Collects tool drafts from every document of an import into one canonical ToolSet: names made
 * valid for OpenAI and unique (each change a diagnostic), identical re-definitions skipped (each a
 * diagnostic), missing descriptions listed per tool, and per-file counts kept for the summary.
 */
import { createHash } from 'node:crypto';
import { formatLocation, type Diagnostic } from '../model/diagnostic';
import type { JsonSchema } from '../model/jsonSchema';
import type { SourceFormat, SourceSummary, Tool } from '../model/tool';
import { UniqueNameAllocator, makeValidToolName } from '../model/toolNames';
import type { ImportSink, ToolDraft } from './importContext';
import type { SourceDocument } from './source/sourceDocuments';

function esc(k: string): string {
  return k.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Pointers (relative to the tool) of descriptions and schemas the source did not give. */
export function findMissing(tool: Pick<Tool, 'description' | 'parameters' | 'returns'>): string[] {
  const missing: string[] = [];
  if (!tool.description) missing.push('/description');
  for (const [name, p] of Object.entries(tool.parameters.properties)) {
    if (!p.description) missing.push(`/parameters/properties/${esc(name)}/description`);
  }
  if (!tool.returns) missing.push('/returns');
  else {
    const fields = returnFieldsOf(tool.returns);
    if (fields) {
      for (const [name, p] of Object.entries(fields.props)) if (!p.description) missing.push(`${fields.base}/${esc(name)}/description`);
    } else if (!tool.returns.description) missing.push('/returns/description');
  }
  return missing;
}

/** The top-level fields of a result: its properties, or those of its items for a list of objects. */
export function returnFieldsOf(returns: JsonSchema): { props: Record<string, JsonSchema>; base: string } | undefined {
  if (returns.properties && Object.keys(returns.properties).length > 0) return { props: returns.properties, base: '/returns/properties' };
  if (returns.items?.properties && Object.keys(returns.items.properties).length > 0) return { props: returns.items.properties, base: '/returns/items/properties' };
  return undefined;
}

interface FileStats {
  formats: Map<SourceFormat, number>;
  tools: number;
  errors: number;
  warnings: number;
  qualifiedNames: number;
}

export class ToolSetBuilder implements ImportSink {
  readonly tools: Tool[] = [];
  readonly diagnostics: Diagnostic[] = [];
  readonly files = new Map<string, FileStats>();
  renamed = 0;
  duplicatesSkipped = 0;
  /** Tools added in this import, by the format they were read as (canonical re-imports: toolflow). */
  readonly toolsByFormat = new Map<SourceFormat, number>();
  private readonly names = new UniqueNameAllocator();
  private readonly holders = new Map<string, string>();
  private readonly fingerprints = new Map<string, string>();

  /** Individual conversion notes by code (several may share one diagnostic). */
  readonly noteCounts = new Map<string, number>();

  constructor(private readonly keepDuplicates = false) {}

  counted(code: string, n: number): void {
    this.noteCounts.set(code, (this.noteCounts.get(code) ?? 0) + n);
  }

  stats(file: string): FileStats {
    let s = this.files.get(file);
    if (!s) this.files.set(file, (s = { formats: new Map(), tools: 0, errors: 0, warnings: 0, qualifiedNames: 0 }));
    return s;
  }

  countFormat(file: string, format: SourceFormat): void {
    const s = this.stats(file);
    s.formats.set(format, (s.formats.get(format) ?? 0) + 1);
  }

  diagnostic(d: Diagnostic): void {
    this.diagnostics.push(d);
    const s = this.stats(d.location.file);
    if (d.severity === 'error') s.errors++;
    else if (d.severity === 'warning') s.warnings++;
  }

  private report(severity: Diagnostic['severity'], code: string, message: string, doc: SourceDocument, pointer: string, hint?: string): void {
    const pos = doc.locate(pointer);
    const line = pos.line ?? doc.line;
    this.diagnostic({ severity, code, message, location: { file: doc.file, pointer, ...(line !== undefined ? { line } : {}), ...(pos.column !== undefined ? { column: pos.column } : {}) }, ...(hint ? { hint } : {}) });
  }

  tool(draft: ToolDraft, doc: SourceDocument): void {
    const fingerprint = createHash('sha1')
      .update(JSON.stringify([draft.format, draft.context ?? null, draft.source]))
      .digest('base64');
    const pos = doc.line !== undefined ? { line: doc.line } : doc.locate(draft.pointer);
    const here = formatLocation({ file: doc.file, pointer: draft.pointer, ...(pos.line !== undefined ? { line: pos.line } : {}) });
    const first = this.fingerprints.get(fingerprint);
    if (first !== undefined && !this.keepDuplicates) {
      this.duplicatesSkipped++;
      this.report('info', 'duplicate-tool', `"${draft.originalName}" is identical to tool "${first}" imported before; skipped`, doc, draft.pointer);
      return;
    }
    const base = draft.baseName ?? draft.originalName;
    if (draft.baseName && draft.baseName !== draft.originalName) this.stats(doc.file).qualifiedNames++;
    const valid = makeValidToolName(base);
    const name = this.names.allocate(valid);
    if (valid !== base) {
      this.renamed++;
      const why = base.length > 64 ? 'longer than 64 characters' : 'only letters, digits, _ and - are allowed';
      this.report('info', 'renamed-tool', `renamed "${base}" to "${valid}" (OpenAI function names: ${why})`, doc, draft.pointer);
    }
    if (name !== valid) {
      this.renamed++;
      this.report('warning', 'duplicate-name', `name "${valid}" is already used by a different tool (${this.holders.get(valid) ?? 'earlier'}); renamed to "${name}"`, doc, draft.pointer, 'give the tools distinct names if the suffix is not wanted');
    }
    this.holders.set(name, here);
    if (first === undefined) this.fingerprints.set(fingerprint, name);
    const tool: Tool = {
      name,
      description: draft.description,
      parameters: draft.parameters,
      ...(draft.returns ? { returns: draft.returns } : {}),
      provenance: {
        file: doc.file,
        format: draft.format,
        pointer: draft.pointer,
        ...(pos.line !== undefined ? { line: pos.line } : {}),
        originalName: draft.originalName,
        ...(draft.context && Object.keys(draft.context).length ? { context: draft.context } : {}),
      },
    };
    const missing = findMissing(tool);
    if (missing.length > 0) tool.missing = missing;
    const descriptions = missing.filter((m) => m.endsWith('/description'));
    if (descriptions.length > 0) {
      const list = descriptions.slice(0, 4).join(', ') + (descriptions.length > 4 ? `, … (${descriptions.length} in all)` : '');
      this.report('info', 'missing-description', `tool "${name}" lacks ${descriptions.length} description${descriptions.length > 1 ? 's' : ''}: ${list}`, doc, draft.pointer, 'listed in the tool\'s "missing" for the LLM completion step');
    }
    this.tools.push(tool);
    this.stats(doc.file).tools++;
    this.toolsByFormat.set(draft.format, (this.toolsByFormat.get(draft.format) ?? 0) + 1);
  }

  /** Adds an already-canonical tool (from a *.tools.json), keeping its name when it is still free. */
  addCanonical(tool: Tool, doc: SourceDocument, pointer: string): void {
    const valid = makeValidToolName(tool.name);
    const name = this.names.allocate(valid);
    if (name !== tool.name) {
      this.renamed++;
      this.report('warning', 'duplicate-name', `name "${tool.name}" is already used by a different tool; renamed to "${name}"`, doc, pointer);
    }
    this.holders.set(name, formatLocation({ file: doc.file, pointer }));
    this.tools.push({ ...tool, name });
    this.stats(doc.file).tools++;
    this.toolsByFormat.set('toolflow', (this.toolsByFormat.get('toolflow') ?? 0) + 1);
  }

  /** Per-file summaries: the most frequent format of each file that yielded anything. */
  sourceSummaries(): SourceSummary[] {
    const out: SourceSummary[] = [];
    for (const [file, s] of this.files) {
      const top = [...s.formats.entries()].sort((a, b) => b[1] - a[1])[0];
      if (!top) continue;
      out.push({ file, format: top[0], tools: s.tools, errors: s.errors, warnings: s.warnings });
    }
    return out;
  }
}
