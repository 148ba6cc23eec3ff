import * as vscode from 'vscode';
import type { Diagnostic } from '../../engine/model/diagnostic';
import { markersByFile, type ProblemMarker } from './problemMarkers';

const severities: Record<ProblemMarker['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/**
 * The importer's findings in the Problems panel, at file and line where known. Each import replaces
 * what an earlier import of the same output reported, so re-importing after a fix clears the fixed
 * problems.
 */
export class ImportDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('toolflow-import');
  /** Output tool set -> files its last import reported on. */
  private readonly filesByOutput = new Map<string, vscode.Uri[]>();

  publish(output: string, diagnostics: readonly Diagnostic[], cwd: string): void {
    for (const uri of this.filesByOutput.get(output) ?? []) this.collection.delete(uri);
    const uris: vscode.Uri[] = [];
    for (const [file, markers] of markersByFile(diagnostics, cwd)) {
      const uri = vscode.Uri.file(file);
      uris.push(uri);
      this.collection.set(
        uri,
        markers.map((m) => {
          const pos = new vscode.Position(m.line, m.column);
          const d = new vscode.Diagnostic(new vscode.Range(pos, pos), m.message, severities[m.severity]);
          d.source = 'ToolFlow import';
          d.code = m.code;
          return d;
        }),
      );
    }
    this.filesByOutput.set(output, uris);
  }

  dispose(): void {
    this.collection.dispose();
  }
}
