/** "ToolFlow: Show Quality Report": for a run of the Runs view, a run folder URI, or one picked from a list. */
import * as vscode from 'vscode';
import type { Log } from '../common/log';
import type { RunsTreeProvider } from '../runsView/runsTreeProvider';
import { readSettingsOrShowError } from '../settings/settings';
import { QualityReportPanel } from './qualityReportPanel';

export const SHOW_QUALITY_REPORT_COMMAND = 'toolflow.showQualityReport';

function runDirOf(node: unknown): string | undefined {
  if (node instanceof vscode.Uri) return node.fsPath;
  if (typeof node === 'string') return node;
  const run = (node as { kind?: unknown; run?: { dir?: unknown } } | undefined)?.run;
  return typeof run?.dir === 'string' ? run.dir : undefined;
}

export function registerQualityCommands(deps: { extensionUri: vscode.Uri; runs: RunsTreeProvider; cacheDir: string; log: Log }): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(SHOW_QUALITY_REPORT_COMMAND, async (node?: unknown) => {
      let dir = runDirOf(node);
      if (!dir) {
        await deps.runs.refresh();
        const items = deps.runs.currentRuns.filter((r) => r.dialogues.length > 0).map((r) => ({ label: r.name, description: `${r.accepted} accepted, ${r.rejected} rejected`, dir: r.dir }));
        if (items.length === 0) {
          void vscode.window.showInformationMessage('ToolFlow: no run with dialogues yet.');
          return;
        }
        dir = (await vscode.window.showQuickPick(items, { title: 'Quality report of run' }))?.dir;
      }
      if (!dir) return;
      const settings = readSettingsOrShowError();
      if (!settings) return;
      QualityReportPanel.show(deps.extensionUri, dir, { embeddingModel: settings.embeddingModel, cacheDir: deps.cacheDir }, deps.log);
    }),
  ];
}
