/**
 * "ToolFlow: Export Dataset…" (palette, and the context menu of a run in the Runs view): quick picks
 * for the run, format, what to include, the split and where to write; the export runs with a
 * cancellable progress notification and ends with a summary that opens the file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../common/errors';
import type { Log } from '../common/log';
import type { RunsNode, RunsTreeProvider } from '../runsView/runsTreeProvider';
import type { RunSummary } from '../runsView/runFolder';
import { FORMAT_CHOICES, INCLUDE_CHOICES, SPLIT_CHOICES, defaultExportPath, exportSummary, type Choice } from './exportChoices';

async function pick<T>(choices: Choice<T>[], title: string, placeHolder: string): Promise<T | undefined> {
  const picked = await vscode.window.showQuickPick(
    choices.map((c) => ({ label: c.label, description: c.description, detail: c.detail, choice: c })),
    { title, placeHolder, ignoreFocusOut: true },
  );
  return picked?.choice.value;
}

async function chooseRun(runs: RunsTreeProvider, node: unknown): Promise<RunSummary | undefined> {
  if (node && typeof node === 'object' && 'run' in node) {
    const r = (node as RunsNode).run;
    return runs.findRun(r.dir) ?? r;
  }
  if (node instanceof vscode.Uri) return runs.findRun(node.fsPath);
  await runs.refresh();
  const candidates = runs.currentRuns.filter((r) => r.dialogues.length > 0);
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage('ToolFlow: no run with dialogues to export yet. Generate a dataset first.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    candidates.map((r) => ({ label: r.name, description: `${r.dialogues.length} dialogues · ${r.accepted} accepted · ${r.rejected} rejected`, run: r })),
    { title: 'ToolFlow: Export Dataset', placeHolder: 'Run to export', ignoreFocusOut: true },
  );
  return picked?.run;
}

export async function runExportFlow(runs: RunsTreeProvider, log: Log, node?: unknown): Promise<void> {
  const run = await chooseRun(runs, node);
  if (!run) return;
  const title = `ToolFlow: Export ${run.name}`;
  const format = await pick(FORMAT_CHOICES, title, 'Format');
  if (!format) return;
  const include = await pick(INCLUDE_CHOICES, title, 'Dialogues to include');
  if (!include) return;
  const split = await pick(SPLIT_CHOICES, title, 'Train / validation split');
  if (!split) return;
  let dedupe = false;
  if (fs.existsSync(path.join(run.dir, 'duplicates.json'))) {
    const d = await pick(
      [
        { label: 'Remove near-duplicates', description: 'keep one dialogue per cluster of duplicates.json', value: true },
        { label: 'Keep near-duplicates', value: false },
      ],
      title,
      'Near-duplicates',
    );
    if (d === undefined) return;
    dedupe = d;
  }
  const nextToRun = defaultExportPath(run.dir, format);
  const where = await pick(
    [
      { label: 'Next to the run', description: path.relative(path.dirname(run.dir), nextToRun), value: 'run' as const },
      { label: 'Choose where…', value: 'choose' as const },
    ],
    title,
    'Where to write',
  );
  if (!where) return;
  let output = nextToRun;
  if (where === 'choose') {
    const uri = await vscode.window.showSaveDialog({ title, defaultUri: vscode.Uri.file(nextToRun), filters: { 'JSON lines': ['jsonl'] } });
    if (!uri) return;
    output = uri.fsPath;
  }

  const controller = new AbortController();
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `ToolFlow: exporting ${run.name} (${format})`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => controller.abort(new Error('cancelled by the user')));
        const { exportRun } = await import('../../engine/export/exportRun');
        let reported = 0;
        return exportRun(run.dir, {
          format,
          output,
          include,
          ...(split.ratio !== undefined ? { split: split.ratio, splitBy: split.by } : {}),
          seed: 0,
          dedupe,
          signal: controller.signal,
          onProgress: (p) => {
            if (p.phase === 'convert' && p.total) {
              const pct = (p.done! / p.total) * 80;
              progress.report({ message: p.message, increment: pct - reported });
              reported = pct;
            } else progress.report({ message: p.message.split(path.dirname(run.dir) + path.sep).join('') });
          },
        });
      },
    );
    log.info(`export of ${run.dir} as ${format}:`);
    for (const n of result.notes) log.info(`  note: ${n}`);
    for (const f of result.files) log.info(`  wrote ${f.path}${f.rows !== undefined ? ` (${f.rows})` : ''}`);
    for (const v of result.validation) {
      log.info(`  ${v.file}: ${v.samples} samples, ${v.errors} errors, tokens mean ${v.tokens.mean} max ${v.tokens.max}`);
      for (const x of v.violations.slice(0, 100)) log.warn(`  ${v.file}:${x.line} ${x.rule}: ${x.message}${x.pointer ? ` (${x.pointer})` : ''}`);
    }
    const first = result.files.find((f) => f.kind === 'data')!;
    const shown = vscode.workspace.asRelativePath(first.path);
    const message = exportSummary(result, shown);
    const action = await (result.valid ? vscode.window.showInformationMessage(message, 'Open File') : vscode.window.showWarningMessage(message, 'Open File', 'Show Output'));
    if (action === 'Open File') await vscode.window.showTextDocument(vscode.Uri.file(first.path));
    if (action === 'Show Output') log.channel.show();
  } catch (e) {
    if (controller.signal.aborted) {
      void vscode.window.showInformationMessage('ToolFlow: export cancelled; files written before stay as they were.');
      return;
    }
    log.error(`export of ${run.dir} failed: ${errorMessage(e)}`);
    void vscode.window.showErrorMessage(`ToolFlow: export failed: ${errorMessage(e)}`);
  }
}

export function registerExportCommand(runs: RunsTreeProvider, log: Log): vscode.Disposable {
  return vscode.commands.registerCommand('toolflow.exportDataset', (node?: unknown) => runExportFlow(runs, log, node));
}
