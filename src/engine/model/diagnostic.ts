/**
 * Every problem the engine finds in user input or model output is a Diagnostic: what went wrong,
 * where (file plus JSON pointer and/or line:column), and what to do about it. Nothing is dropped
 * silently: a renamed, skipped or repaired item always leaves a diagnostic behind.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface SourceLocation {
  /** Path of the file as the user gave it (or a label such as `<stdin>` or `<llm:planner>`). */
  file: string;
  /** RFC 6901 JSON pointer into the parsed document, e.g. `/api_list/3/required_parameters/0`. */
  pointer?: string;
  /** 1-based line and column in the file text, when known. */
  line?: number;
  column?: number;
}

export interface Diagnostic {
  severity: Severity;
  /** Stable machine-readable code, e.g. `unknown-format`, `renamed-tool`, `missing-description`. */
  code: string;
  message: string;
  location: SourceLocation;
  /** What the user can do about it. */
  hint?: string;
}

/** `file:line:column` or `file#/pointer` for messages and logs. */
export function formatLocation(loc: SourceLocation): string {
  let s = loc.file;
  if (loc.line !== undefined) s += `:${loc.line}${loc.column !== undefined ? `:${loc.column}` : ''}`;
  if (loc.pointer !== undefined && loc.pointer !== '') s += `#${loc.pointer}`;
  return s;
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${formatLocation(d.location)}: ${d.severity} [${d.code}] ${d.message}${d.hint ? ` (${d.hint})` : ''}`;
}

/** Builds an RFC 6901 pointer from path segments, escaping `~` and `/`. */
export function jsonPointer(...segments: Array<string | number>): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** Appends segments to an existing pointer. */
export function childPointer(base: string, ...segments: Array<string | number>): string {
  return base + jsonPointer(...segments);
}
