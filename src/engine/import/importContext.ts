/**
 * What an importer sees while it reads one document: where it is, a way to report diagnostics
 * (located by JSON pointer, with line:column filled in from the source), and a way to hand over
 * tool drafts. Small conversion notes made while normalising one tool (a type converted, a keyword
 * dropped) are gathered per tool and code and reported as one diagnostic each, so a large import
 * stays readable without anything being dropped silently.
 */
import type { Diagnostic, Severity } from '../model/diagnostic';
import type { JsonSchema, ObjectSchema } from '../model/jsonSchema';
import type { SourceFormat } from '../model/tool';
import type { SourceDocument } from './source/sourceDocuments';

/** A tool as an importer produced it, before names are made valid and unique. */
export interface ToolDraft {
  /** The name as the source wrote it. */
  originalName: string;
  /** The name to start from (e.g. ToolBench `{api}_for_{tool}`); defaults to `originalName`. */
  baseName?: string;
  description: string;
  parameters: ObjectSchema;
  returns?: JsonSchema;
  format: SourceFormat;
  /** JSON pointer of the original definition in its document. */
  pointer: string;
  context?: Record<string, string>;
  /** The original definition object: two drafts with equal sources (and context) are duplicates. */
  source: unknown;
}

export interface ImportSink {
  diagnostic(d: Diagnostic): void;
  /** How many individual notes of a code were folded into one diagnostic. */
  counted?(code: string, n: number): void;
  tool(draft: ToolDraft, doc: SourceDocument): void;
}

interface Note {
  severity: Severity;
  pointer: string;
  text: string;
}

const MAX_LISTED_NOTES = 6;

export class DocumentContext {
  private notes = new Map<string, Note[]>();

  constructor(
    readonly doc: SourceDocument,
    private readonly sink: ImportSink,
    readonly signal?: AbortSignal,
  ) {}

  get file(): string {
    return this.doc.file;
  }

  report(severity: Severity, code: string, message: string, pointer: string, hint?: string): void {
    const pos = this.doc.locate(pointer);
    this.sink.diagnostic({
      severity,
      code,
      message,
      location: { file: this.doc.file, pointer, ...(pos.line !== undefined ? { line: pos.line } : this.doc.line !== undefined ? { line: this.doc.line } : {}), ...(pos.column !== undefined ? { column: pos.column } : {}) },
      ...(hint ? { hint } : {}),
    });
  }

  /** Records a small conversion note; flushed as one diagnostic per code by `flushNotes`. */
  note(code: string, severity: Severity, pointer: string, text: string): void {
    let list = this.notes.get(code);
    if (!list) this.notes.set(code, (list = []));
    if (list.some((n) => n.pointer === pointer && n.text === text)) return;
    list.push({ severity, pointer, text });
  }

  /** Reports the notes gathered since the last flush, naming the tool they belong to. */
  flushNotes(toolLabel: string): void {
    for (const [code, list] of this.notes) {
      const severity: Severity = list.some((n) => n.severity === 'error') ? 'error' : list.some((n) => n.severity === 'warning') ? 'warning' : 'info';
      const shown = list.slice(0, MAX_LISTED_NOTES).map((n) => `${n.pointer || '/'}: ${n.text}`);
      const more = list.length > MAX_LISTED_NOTES ? ` (and ${list.length - MAX_LISTED_NOTES} more)` : '';
      this.sink.counted?.(code, list.length);
      this.report(severity, code, `${toolLabel}: ${list.length === 1 ? shown[0] : `${list.length} conversions: ${shown.join('; ')}${more}`}`, list[0]!.pointer);
    }
    this.notes.clear();
  }

  addTool(draft: ToolDraft): void {
    this.flushNotes(`tool "${draft.originalName}"`);
    this.sink.tool(draft, this.doc);
  }

  /** Reports an item that could not become a tool, with the reason, and drops it. */
  drop(pointer: string, reason: string, hint?: string): void {
    this.flushNotes('dropped item');
    this.report('error', 'dropped-item', `dropped: ${reason}`, pointer, hint);
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A description as text: trimmed strings kept, anything else (null, numbers, objects) becomes ''. */
export function textOf(v: unknown): string {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return '';
}
