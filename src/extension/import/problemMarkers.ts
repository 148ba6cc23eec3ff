/**
 * Importer diagnostics as Problems-panel markers: grouped by file, 0-based ranges from the
 * 1-based line:column the engine reports, the hint appended to the message. Pure (no `vscode`).
 */
import path from 'node:path';
import { formatLocation, type Diagnostic, type Severity } from '../../engine/model/diagnostic';

export interface ProblemMarker {
  severity: Severity;
  /** 0-based, as VS Code ranges are. */
  line: number;
  column: number;
  message: string;
  code: string;
}

/** The marker text: the message, the JSON pointer when no line is known, and the hint. */
export function markerMessage(d: Diagnostic): string {
  const where = d.location.pointer && d.location.line === undefined ? ` (at ${d.location.pointer})` : '';
  return `${d.message}${where}${d.hint ? ` — ${d.hint}` : ''}`;
}

/**
 * Groups diagnostics by the absolute path of their file (`cwd` resolves relative ones). Diagnostics
 * without a line are placed on the first line of their file, with the JSON pointer in the message.
 */
export function markersByFile(diagnostics: readonly Diagnostic[], cwd: string): Map<string, ProblemMarker[]> {
  const out = new Map<string, ProblemMarker[]>();
  for (const d of diagnostics) {
    const file = d.location.file;
    if (!file || file.startsWith('<')) continue; // `<stdin>`, `<llm:…>`: no file to show
    const abs = path.resolve(cwd, file);
    const list = out.get(abs) ?? [];
    list.push({
      severity: d.severity,
      line: Math.max(0, (d.location.line ?? 1) - 1),
      column: Math.max(0, (d.location.column ?? 1) - 1),
      message: markerMessage(d),
      code: d.code,
    });
    out.set(abs, list);
  }
  return out;
}

/** `file:line:col#pointer: severity [code] message` lines for the log channel. */
export function diagnosticLogLine(d: Diagnostic): string {
  return `${formatLocation(d.location)}: ${d.severity} [${d.code}] ${d.message}`;
}

/** Diagnostics counted per severity and code, most frequent first: `warning duplicate-name ×2143`. */
export function diagnosticCodeCounts(diagnostics: readonly Diagnostic[]): string[] {
  const counts = new Map<string, number>();
  for (const d of diagnostics) counts.set(`${d.severity} ${d.code}`, (counts.get(`${d.severity} ${d.code}`) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k, n]) => `${k} ×${n}`);
}
