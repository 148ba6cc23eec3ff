/**
 * "ToolFlow: Import Tools…": pick files or folders (or run it on a selection in the Explorer), run
 * the engine's importer under a cancellable progress notification, write the canonical
 * `.toolflow/tools/<name>.tools.json` into the workspace, and show every importer diagnostic in the
 * Problems panel at its file and line.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import type { Log } from '../common/log';
import { ImportDiagnostics } from './importDiagnostics';
import { importSummaryLog, importSummaryMessage, nothingImportedMessage, toolSetOutputPath } from './importPlan';
import { diagnosticCodeCounts, diagnosticLogLine } from './problemMarkers';

export const IMPORT_COMMAND = 'toolflow.importTools';
/** Errors and warnings written to the log one by one; the rest are counted. */
const LOGGED_DIAGNOSTICS = 300;

/** What the command returns (for other commands and tests): the written file and counts. */
export interface ImportCommandResult {
  output: string;
  tools: number;
  errors: number;
  warnings: number;
}

async function pickInputs(): Promise<vscode.Uri[] | undefined> {
  return vscode.window.showOpenDialog({
    title: 'ToolFlow: Import Tools',
    openLabel: 'Import',
    canSelectFiles: true,
    canSelectFolders: true,
    canSelectMany: true,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
}

/** Output folder: the workspace folder of the first input, else the first workspace folder. */
function workspaceFolderFor(inputs: readonly vscode.Uri[]): vscode.WorkspaceFolder | undefined {
  return vscode.workspace.getWorkspaceFolder(inputs[0]!) ?? vscode.workspace.workspaceFolders?.[0];
}

export class ImportCommand implements vscode.Disposable {
  private readonly diagnostics = new ImportDiagnostics();
  private readonly registration: vscode.Disposable;

  constructor(
    private readonly log: Log,
    /** Told of every tool set written, so views update without waiting for a file watcher. */
    private readonly onDidWriteToolSet: (file: string) => void,
  ) {
    this.registration = vscode.commands.registerCommand(IMPORT_COMMAND, (uri?: unknown, uris?: unknown) => this.run(uri, uris));
  }

  /**
   * Explorer context menus pass the clicked resource and the whole selection; the palette passes
   * nothing and a file dialog asks.
   */
  async run(uri?: unknown, uris?: unknown): Promise<ImportCommandResult | undefined> {
    let inputs = Array.isArray(uris) && uris.every((u) => u instanceof vscode.Uri) && uris.length > 0 ? (uris as vscode.Uri[]) : uri instanceof vscode.Uri ? [uri] : undefined;
    inputs ??= await pickInputs();
    if (!inputs || inputs.length === 0) return undefined;
    const notFile = inputs.find((u) => u.scheme !== 'file');
    if (notFile) {
      void vscode.window.showErrorMessage(`ToolFlow: ${notFile.toString()} is not on this machine's disk; copy it into the workspace and import it from there.`);
      return undefined;
    }
    const folder = workspaceFolderFor(inputs);
    if (!folder) {
      void vscode.window.showErrorMessage('ToolFlow: open a folder first; imported tool sets are written to .toolflow/tools/ in the workspace.');
      return undefined;
    }
    const paths = inputs.map((u) => u.fsPath);
    const output = toolSetOutputPath(folder.uri.fsPath, paths);
    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'ToolFlow: importing tools', cancellable: true },
        (progress, token) => this.importInto(paths, output, folder.uri.fsPath, progress, token),
      );
    } catch (e) {
      if (e instanceof Error && e.name === 'AbortError') {
        this.log.info(`Import of ${paths.join(', ')} cancelled; nothing written.`);
        void vscode.window.showInformationMessage('ToolFlow: import cancelled; nothing was written.');
        return undefined;
      }
      const message = e instanceof Error ? e.message : String(e);
      this.log.error(`Import of ${paths.join(', ')} failed: ${e instanceof Error && e.stack ? e.stack : message}`);
      void vscode.window.showErrorMessage(`ToolFlow: import failed: ${message}. Details in the ToolFlow output.`);
      return undefined;
    }
  }

  private async importInto(
    paths: string[],
    output: string,
    cwd: string,
    progress: vscode.Progress<{ message?: string; increment?: number }>,
    token: vscode.CancellationToken,
  ): Promise<ImportCommandResult | undefined> {
    const abort = new AbortController();
    const cancel = token.onCancellationRequested(() => abort.abort());
    try {
      // The engine loads on first use, not at activation.
      const { importPaths, writeToolSet } = await import('../../engine/import');
      let fileShare = 0;
      const result = await importPaths(paths, {
        signal: abort.signal,
        cwd,
        onProgress: (p) => {
          if (p.kind === 'files') fileShare = p.total > 0 ? 90 / p.total : 0;
          else if (p.kind === 'file') progress.report({ message: `${path.basename(p.file)} (${p.index + 1}/${p.total})`, increment: p.index === 0 ? 0 : fileShare });
          else if (p.kind === 'records') progress.report({ message: `${path.basename(p.file)}: ${p.records.toLocaleString('en-US')} records` });
        },
      });
      abort.signal.throwIfAborted();
      const { summary, diagnostics } = result;
      this.diagnostics.publish(output, diagnostics, cwd);
      // Errors and warnings one per line (up to a limit: all of ToolBench yields thousands); every
      // diagnostic is in the Problems panel and in the tool set file.
      const serious = diagnostics.filter((d) => d.severity !== 'info');
      for (const d of serious.slice(0, LOGGED_DIAGNOSTICS)) {
        if (d.severity === 'error') this.log.error(diagnosticLogLine(d));
        else this.log.warn(diagnosticLogLine(d));
      }
      if (serious.length > LOGGED_DIAGNOSTICS) this.log.warn(`… ${serious.length - LOGGED_DIAGNOSTICS} more errors and warnings in the Problems panel`);
      if (diagnostics.length > 0) this.log.info(`Diagnostics: ${diagnosticCodeCounts(diagnostics).join(', ')}`);
      if (summary.tools === 0) {
        this.log.warn(`No tools imported from ${paths.join(', ')}`);
        void this.notify(nothingImportedMessage(summary), undefined, summary.errors > 0, true);
        return { output: '', tools: 0, errors: summary.errors, warnings: summary.warnings };
      }
      progress.report({ message: `writing ${path.basename(output)}`, increment: 5 });
      await writeToolSet(output, result.toolSet);
      // File watchers can miss a file created in a folder that did not exist yet (.toolflow/tools on the first import).
      this.onDidWriteToolSet(output);
      for (const line of importSummaryLog(summary, paths, output)) this.log.info(line);
      void this.notify(importSummaryMessage(summary, vscode.workspace.asRelativePath(output)), output, false, summary.errors + summary.warnings > 0);
      return { output, tools: summary.tools, errors: summary.errors, warnings: summary.warnings };
    } finally {
      cancel.dispose();
    }
  }

  private async notify(message: string, output: string | undefined, isError: boolean, hasProblems: boolean): Promise<void> {
    const actions = [...(output ? ['Open Tool Set'] : []), ...(hasProblems ? ['Show Problems'] : [])];
    const choice = isError ? await vscode.window.showErrorMessage(message, ...actions) : await vscode.window.showInformationMessage(message, ...actions);
    if (choice === 'Open Tool Set' && output) await vscode.window.showTextDocument(vscode.Uri.file(output));
    else if (choice === 'Show Problems') await vscode.commands.executeCommand('workbench.actions.view.problems');
  }

  dispose(): void {
    this.registration.dispose();
    this.diagnostics.dispose();
  }
}
