/**
 * The import entry point shared by the CLI and the VS Code extension: files and folders (recursive)
 * in any supported format -> one canonical ToolSet, its diagnostics and a summary. Bad input never
 * throws and never stops the rest of a batch; only cancellation (the AbortSignal) rejects.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../model/diagnostic';
import { TOOLSET_FORMAT, TOOLSET_VERSION, type SourceFormat, type Tool, type ToolSet } from '../model/tool';
import { importDocument } from './formats/dispatch';
import { DocumentContext, isRecord } from './importContext';
import { parseJsonDocument, parseJsonLines, parseYamlDocument, readSourceText, textKindOf, type SourceDocument, type TextKind } from './source/sourceDocuments';
import { ToolSetBuilder, returnFieldsOf } from './toolSetBuilder';
import { validateCanonicalTool } from './toolSetFile';

export interface ImportOptions {
  /** Read every document as this format instead of detecting it. */
  format?: SourceFormat;
  signal?: AbortSignal;
  onProgress?: (p: ImportProgress) => void;
  /** Base for relative paths (default: process.cwd()). Paths are reported as given. */
  cwd?: string;
  /**
   * Keep definitions identical to one already imported (renamed `_2`, …) instead of skipping them.
   * Default false: an identical repeat (e.g. the same ToolBench API listed by many queries) is
   * skipped with a `duplicate-tool` diagnostic.
   */
  keepDuplicates?: boolean;
}

export type ImportProgress =
  | { kind: 'files'; total: number }
  | { kind: 'file'; file: string; index: number; total: number }
  | { kind: 'records'; file: string; records: number }
  | { kind: 'done'; tools: number; diagnostics: number };

export interface FormatCount {
  files: number;
  tools: number;
}

export interface ImportSummary {
  files: number;
  /** Files that yielded no tool because they could not be read, parsed or recognised. */
  filesFailed: number;
  tools: number;
  /** Top-level parameters over all tools. */
  parameters: number;
  /** Top-level result fields over all tools (`returns.properties`, or `returns.items.properties`). */
  returnFields: number;
  toolsWithReturns: number;
  /** Tools with at least one entry in `missing`, and the number of missing descriptions. */
  toolsWithMissing: number;
  missingDescriptions: number;
  renamed: number;
  duplicatesSkipped: number;
  /** Items that could not become tools (`dropped-item` diagnostics). */
  dropped: number;
  /**
   * Parameters left out of their tool (nameless, or a name defined twice): `dropped-parameter`
   * notes. Always set by importPaths (optional only so older summary literals stay valid).
   */
  droppedParameters?: number;
  errors: number;
  warnings: number;
  infos: number;
  byFormat: Partial<Record<SourceFormat, FormatCount>>;
  durationMs: number;
}

export interface ImportResult {
  toolSet: ToolSet;
  diagnostics: Diagnostic[];
  summary: ImportSummary;
}

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn']);

interface FileEntry {
  /** As reported in diagnostics and provenance. */
  display: string;
  abs: string;
}

async function listInputs(paths: string[], cwd: string, sink: ToolSetBuilder, signal?: AbortSignal): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  const seen = new Set<string>();
  const add = (display: string, abs: string) => {
    if (!seen.has(abs)) {
      seen.add(abs);
      out.push({ display, abs });
    }
  };
  for (const given of paths) {
    const abs = path.resolve(cwd, given);
    let stat;
    try {
      stat = await fs.stat(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      sink.diagnostic({ severity: 'error', code: 'unreadable-file', message: code === 'ENOENT' ? 'no such file or folder' : `cannot read: ${code ?? String(e)}`, location: { file: given, pointer: '' }, hint: 'check the path' });
      continue;
    }
    if (!stat.isDirectory()) {
      add(given, abs);
      continue;
    }
    const skipped: string[] = [];
    const walk = async (dirAbs: string, dirDisplay: string): Promise<void> => {
      signal?.throwIfAborted();
      let entries;
      try {
        entries = await fs.readdir(dirAbs, { withFileTypes: true });
      } catch (e) {
        sink.diagnostic({ severity: 'error', code: 'unreadable-file', message: `cannot read the folder: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, location: { file: dirDisplay, pointer: '' } });
        return;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of entries) {
        const childAbs = path.join(dirAbs, e.name);
        const childDisplay = path.join(dirDisplay, e.name);
        if (e.isDirectory()) {
          if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) await walk(childAbs, childDisplay);
        } else if (textKindOf(e.name)) add(childDisplay, childAbs);
        else if (!e.name.startsWith('.')) skipped.push(childDisplay);
      }
    };
    await walk(abs, given);
    if (skipped.length > 0) {
      sink.diagnostic({
        severity: 'info',
        code: 'skipped-file',
        message: `${skipped.length} file${skipped.length > 1 ? 's' : ''} without a .json, .jsonl, .yaml or .yml extension (optionally .gz) skipped: ${skipped.slice(0, 5).join(', ')}${skipped.length > 5 ? ', …' : ''}`,
        location: { file: given, pointer: '' },
        hint: 'name the files explicitly to import them anyway',
      });
    }
  }
  return out;
}

/** Guesses the parser for a file whose name says nothing (explicitly named files only). */
function sniffKind(text: string): TextKind {
  const t = text.trimStart();
  if (t.startsWith('[')) return 'json';
  if (t.startsWith('{')) {
    const lines = t.split('\n', 3).filter((l) => l.trim() !== '');
    if (lines.length > 1 && lines.every((l) => l.trimStart().startsWith('{') && l.trimEnd().endsWith('}'))) return 'jsonl';
    return 'json';
  }
  return 'yaml';
}

function importCanonical(value: Record<string, unknown>, ptr: string, doc: SourceDocument, builder: ToolSetBuilder): void {
  const tools = Array.isArray(value.tools) ? value.tools : [];
  tools.forEach((t: unknown, i) => {
    const p = `${ptr}/tools/${i}`;
    const problems = validateCanonicalTool(t, doc, p);
    if (problems.length > 0) {
      for (const d of problems) builder.diagnostic(d);
      const pos = doc.locate(p);
      builder.diagnostic({ severity: 'error', code: 'dropped-item', message: 'dropped: canonical tool does not match the tool set schema', location: { file: doc.file, pointer: p, ...pos } });
      return;
    }
    builder.addCanonical(t as Tool, doc, p);
  });
  // Earlier diagnostics of that set travel with it.
  if (Array.isArray(value.diagnostics)) for (const d of value.diagnostics) if (isRecord(d) && isRecord(d.location)) builder.diagnostic(d as unknown as Diagnostic);
}

async function importFile(entry: FileEntry, builder: ToolSetBuilder, opts: ImportOptions): Promise<void> {
  const { display: file } = entry;
  let text: string;
  try {
    text = await readSourceText(entry.abs, (p) => fs.readFile(p));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    builder.diagnostic({ severity: 'error', code: 'unreadable-file', message: `cannot read the file: ${code ?? (e instanceof Error ? e.message : String(e))}`, location: { file, pointer: '' }, hint: code === 'Z_DATA_ERROR' ? 'the .gz file is damaged' : 'check the path and its permissions' });
    return;
  }
  await importFileText(file, text, builder, opts);
}

/** Parses one file's text (JSON, JSON lines or YAML, by name or content) into the builder. */
async function importFileText(file: string, text: string, builder: ToolSetBuilder, opts: ImportOptions): Promise<void> {
  if (text.trim() === '') {
    builder.diagnostic({ severity: 'warning', code: 'empty-source', message: 'the file is empty', location: { file, pointer: '' } });
    return;
  }
  const kind = textKindOf(file) ?? sniffKind(text);
  const run = (doc: SourceDocument) => {
    const ctx = new DocumentContext(doc, builder, opts.signal);
    importDocument(doc.value, ctx, {
      ...(opts.format ? { format: opts.format } : {}),
      onFormat: (f) => builder.countFormat(file, f),
      onToolFlow: (value, ptr) => importCanonical(value, ptr, doc, builder),
    });
    ctx.flushNotes('document');
  };
  if (kind === 'jsonl') {
    let n = 0;
    for (const { doc, error } of parseJsonLines(file, text)) {
      if (error) builder.diagnostic(error);
      if (doc) run(doc);
      if (++n % 1000 === 0) {
        opts.signal?.throwIfAborted();
        opts.onProgress?.({ kind: 'records', file, records: n });
        // Let other work (progress UI, cancellation) in on long files.
        await new Promise<void>((r) => setImmediate(r));
      }
    }
    return;
  }
  if (kind === 'json') {
    const { doc, error } = parseJsonDocument(file, text);
    if (doc) return run(doc);
    // A `.json` file that is really JSON lines.
    const lines = [...parseJsonLines(file, text)];
    if (lines.length > 1 && lines.filter((l) => l.doc).length >= lines.length / 2) {
      builder.diagnostic({ severity: 'info', code: 'json-lines', message: 'the file holds one JSON value per line: read as JSON lines', location: { file, line: 1 } });
      for (const l of lines) {
        if (l.error) builder.diagnostic(l.error);
        if (l.doc) run(l.doc);
      }
      return;
    }
    builder.diagnostic(error!);
    return;
  }
  const { doc, errors } = parseYamlDocument(file, text);
  for (const e of errors) builder.diagnostic(e);
  if (doc) run(doc);
}

/**
 * Imports tool definitions from files and folders. Resolves with the set, every diagnostic and a
 * summary; rejects only when `signal` is aborted.
 */
export async function importPaths(paths: string[], opts: ImportOptions = {}): Promise<ImportResult> {
  const started = Date.now();
  const cwd = opts.cwd ?? process.cwd();
  const builder = new ToolSetBuilder(opts.keepDuplicates ?? false);
  opts.signal?.throwIfAborted();
  const files = await listInputs(paths, cwd, builder, opts.signal);
  opts.onProgress?.({ kind: 'files', total: files.length });
  for (const [index, entry] of files.entries()) {
    opts.signal?.throwIfAborted();
    opts.onProgress?.({ kind: 'file', file: entry.display, index, total: files.length });
    try {
      await importFile(entry, builder, opts);
    } catch (e) {
      if (opts.signal?.aborted) throw e;
      // A bug in an importer must not lose the rest of the batch; it is reported where it happened.
      builder.diagnostic({ severity: 'error', code: 'internal-error', message: `import failed: ${e instanceof Error ? e.message : String(e)}`, location: { file: entry.display, pointer: '' }, hint: 'please report this file as a bug' });
    }
    const s = builder.files.get(entry.display);
    if (s && s.qualifiedNames > 0) {
      builder.diagnostic({ severity: 'info', code: 'qualified-names', message: `${s.qualifiedNames} ToolBench API${s.qualifiedNames > 1 ? 's were' : ' was'} named "{api}_for_{tool}" (ToolBench's convention); the original API names are in provenance.originalName`, location: { file: entry.display, pointer: '' } });
    }
  }
  opts.signal?.throwIfAborted();
  const tools = builder.tools;
  const diagnostics = builder.diagnostics;
  const byFormat: Partial<Record<SourceFormat, FormatCount>> = {};
  const sources = builder.sourceSummaries();
  for (const s of sources) {
    const c = (byFormat[s.format] ??= { files: 0, tools: 0 });
    c.files++;
  }
  let parameters = 0;
  let returnFields = 0;
  let toolsWithReturns = 0;
  let toolsWithMissing = 0;
  let missingDescriptions = 0;
  for (const t of tools) {
    parameters += Object.keys(t.parameters.properties).length;
    if (t.returns) {
      toolsWithReturns++;
      returnFields += Object.keys(returnFieldsOf(t.returns)?.props ?? {}).length;
    }
    if (t.missing && t.missing.length > 0) {
      toolsWithMissing++;
      missingDescriptions += t.missing.filter((m) => m.endsWith('/description')).length;
    }
  }
  for (const [format, n] of builder.toolsByFormat) (byFormat[format] ??= { files: 0, tools: 0 }).tools = n;
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  let dropped = 0;
  for (const d of diagnostics) {
    if (d.severity === 'error') errors++;
    else if (d.severity === 'warning') warnings++;
    else infos++;
    if (d.code === 'dropped-item') dropped++;
  }
  const filesFailed = files.filter((f) => (builder.files.get(f.display)?.tools ?? 0) === 0 && (builder.files.get(f.display)?.errors ?? 0) > 0).length + diagnostics.filter((d) => d.code === 'unreadable-file' && !files.some((f) => f.display === d.location.file)).length;
  const toolSet: ToolSet = { format: TOOLSET_FORMAT, version: TOOLSET_VERSION, createdAt: new Date().toISOString(), sources, tools, diagnostics };
  opts.onProgress?.({ kind: 'done', tools: tools.length, diagnostics: diagnostics.length });
  return {
    toolSet,
    diagnostics,
    summary: { files: files.length, filesFailed, tools: tools.length, parameters, returnFields, toolsWithReturns, toolsWithMissing, missingDescriptions, renamed: builder.renamed, duplicatesSkipped: builder.duplicatesSkipped, dropped, droppedParameters: builder.noteCounts.get('dropped-parameter') ?? 0, errors, warnings, infos, byFormat, durationMs: Date.now() - started },
  };
}

/**
 * Imports the text of one document (e.g. an editor's unsaved buffer) as if it were the file `file`:
 * the tools and every diagnostic, with lines of this text. Never throws on bad input.
 */
export async function importText(file: string, text: string, opts: ImportOptions = {}): Promise<{ tools: Tool[]; diagnostics: Diagnostic[] }> {
  const builder = new ToolSetBuilder(opts.keepDuplicates ?? false);
  try {
    await importFileText(file, text, builder, opts);
  } catch (e) {
    if (opts.signal?.aborted) throw e;
    builder.diagnostic({ severity: 'error', code: 'internal-error', message: `import failed: ${e instanceof Error ? e.message : String(e)}`, location: { file, pointer: '' }, hint: 'please report this file as a bug' });
  }
  return { tools: builder.tools, diagnostics: builder.diagnostics };
}
