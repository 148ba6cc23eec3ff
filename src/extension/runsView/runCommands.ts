import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../common/errors';
import type { Log } from '../common/log';
import { GenerationRefused, type GenerationService } from '../generation/generationService';
import { LivePanel } from '../live/livePanel';
import type { TranscriptStore } from '../live/transcriptStore';
import { NO_FILTER, reasonCounts, type DialogueFilter, type StatusFilter } from './dialogueFilter';
import { readDialogueRecord, type RunSummary } from './runFolder';
import type { RunsNode, RunsTreeProvider } from './runsTreeProvider';
import type { ReviewEditorProvider } from '../review/reviewEditorProvider';

export interface RunCommandDeps {
  extensionUri: vscode.Uri;
  runs: RunsTreeProvider;
  service: GenerationService;
  store: TranscriptStore;
  log: Log;
  /** The review editor: "Open Dialogue" opens the run's file there, at that dialogue. */
  review?: ReviewEditorProvider;
}

async function pickRun(runs: RunsTreeProvider, placeholder: string, accept: (r: RunSummary) => boolean): Promise<RunSummary | undefined> {
  await runs.refresh();
  const candidates = runs.currentRuns.filter(accept);
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(`ToolFlow: no run to choose (${placeholder.toLowerCase()}).`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    candidates.map((r) => ({ label: r.name, description: `${r.dialogues.length}/${r.total} done · ${r.accepted} accepted · ${r.rejected} rejected`, run: r })),
    { title: 'ToolFlow', placeHolder: placeholder },
  );
  return picked?.run;
}

function runOf(node: unknown, runs: RunsTreeProvider): RunSummary | undefined {
  if (node && typeof node === 'object' && 'run' in node) {
    const r = (node as RunsNode).run;
    return runs.findRun(r.dir) ?? r;
  }
  if (node instanceof vscode.Uri) return runs.findRun(node.fsPath);
  return undefined;
}

export function registerRunCommands(d: RunCommandDeps): vscode.Disposable[] {
  const { runs, service, store, log } = d;
  return [
    vscode.commands.registerCommand('toolflow.refreshRuns', () => runs.refresh()),
    vscode.commands.registerCommand('toolflow.showLive', () => {
      LivePanel.show(d.extensionUri, store, log);
    }),
    vscode.commands.registerCommand('toolflow.cancelRun', () => {
      if (!service.cancel()) void vscode.window.showInformationMessage('ToolFlow: no generation is running.');
    }),
    vscode.commands.registerCommand('toolflow.resumeRun', async (node?: unknown) => {
      const run = runOf(node, runs) ?? (await pickRun(runs, 'Run to resume', (r) => runs.runState(r) === 'incomplete'));
      if (!run) return;
      if (runs.runState(run) === 'complete') {
        void vscode.window.showInformationMessage(`ToolFlow: ${run.name} is complete (${run.dialogues.length}/${run.total}); nothing to resume.`);
        return;
      }
      LivePanel.show(d.extensionUri, store, log);
      try {
        await service.resume(run.dir);
      } catch (e) {
        void vscode.window.showErrorMessage(e instanceof GenerationRefused ? `ToolFlow: ${e.message}` : `ToolFlow: ${errorMessage(e)}`);
      }
    }),
    vscode.commands.registerCommand('toolflow.openRunFolder', async (node?: unknown) => {
      const run = runOf(node, runs) ?? (await pickRun(runs, 'Run folder to open', () => true));
      if (!run) return;
      const uri = vscode.Uri.file(run.dir);
      if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand('revealInExplorer', uri);
      else await vscode.commands.executeCommand('vscode.openFolder', uri, { forceNewWindow: true });
    }),
    vscode.commands.registerCommand('toolflow.deleteRun', async (node?: unknown) => {
      const run = runOf(node, runs) ?? (await pickRun(runs, 'Run to delete', (r) => runs.runState(r) !== 'running'));
      if (!run) return;
      if (runs.runState(run) === 'running') {
        void vscode.window.showWarningMessage(`ToolFlow: ${run.name} is running; cancel it before deleting it.`);
        return;
      }
      const ok = await vscode.window.showWarningMessage(
        `Delete run “${run.name}” and its ${run.dialogues.length} dialogues?`,
        { modal: true, detail: `${run.dir} is moved to the trash when possible.` },
        'Delete',
      );
      if (ok !== 'Delete') return;
      try {
        await vscode.workspace.fs.delete(vscode.Uri.file(run.dir), { recursive: true, useTrash: true });
      } catch {
        await fs.rm(run.dir, { recursive: true, force: true });
      }
      log.info(`Deleted run ${run.dir}`);
      await runs.refresh();
    }),
    vscode.commands.registerCommand('toolflow.openDialogue', async (node?: unknown) => {
      let run: RunSummary | undefined;
      let dialogue;
      if (node && typeof node === 'object' && (node as RunsNode).kind === 'dialogue') {
        run = (node as Extract<RunsNode, { kind: 'dialogue' }>).run;
        dialogue = (node as Extract<RunsNode, { kind: 'dialogue' }>).dialogue;
      } else {
        run = await pickRun(runs, 'Run of the dialogue', (r) => r.dialogues.length > 0);
        if (!run) return;
        const picked = await vscode.window.showQuickPick(
          run.dialogues.map((x) => ({ label: x.id, description: `${x.status}${x.reasons.length ? ` · ${[...new Set(x.reasons)].join(', ')}` : ''} · ${x.turns} turns`, detail: x.tools.join(', '), x })),
          { title: `ToolFlow: ${run.name}`, placeHolder: 'Dialogue to open', matchOnDetail: true, matchOnDescription: true },
        );
        dialogue = picked?.x;
      }
      if (!run || !dialogue) return;
      if (d.review) {
        await d.review.revealDialogue(vscode.Uri.file(path.join(run.dir, 'dialogues.jsonl')), dialogue.id);
        return;
      }
      try {
        const record = await readDialogueRecord(run.dir, dialogue);
        const view = store.addRecord(run.name, record);
        LivePanel.show(d.extensionUri, store, log, view.key);
      } catch (e) {
        void vscode.window.showErrorMessage(`ToolFlow: cannot read ${dialogue.id} from ${path.join(run.dir, 'dialogues.jsonl')}: ${errorMessage(e)}`);
      }
    }),
    vscode.commands.registerCommand('toolflow.filterRuns', async () => {
      await runs.refresh();
      const all = runs.currentRuns.flatMap((r) => r.dialogues);
      const current = runs.currentFilter;
      type Item = vscode.QuickPickItem & { filter?: DialogueFilter; search?: true };
      const count = (s: StatusFilter) => (s === 'all' ? all.length : all.filter((x) => x.status === s).length);
      const items: Item[] = [
        { label: 'All dialogues', description: String(count('all')), filter: NO_FILTER },
        { label: 'Accepted', description: String(count('accepted')), filter: { status: 'accepted' } },
        { label: 'Rejected', description: String(count('rejected')), filter: { status: 'rejected' } },
        { label: 'Edited', description: String(count('edited')), filter: { status: 'edited' } },
        { label: 'Search…', description: 'id, tool name or reason text', search: true },
      ];
      const reasons = reasonCounts(all);
      if (reasons.length) {
        items.push({ label: 'Rejected for', kind: vscode.QuickPickItemKind.Separator });
        for (const r of reasons) items.push({ label: r.code, description: String(r.count), filter: { status: 'rejected', reason: r.code } });
      }
      const picked = await vscode.window.showQuickPick(items, { title: 'ToolFlow: Filter Dialogues', placeHolder: 'Show which dialogues?' });
      if (!picked) return;
      if (picked.search) {
        const text = await vscode.window.showInputBox({ title: 'ToolFlow: Search Dialogues', prompt: 'Text in the id, a tool name or a rejection reason', value: current.search ?? '' });
        if (text === undefined) return;
        runs.setFilter({ ...current, search: text });
      } else if (picked.filter) {
        runs.setFilter({ ...picked.filter, ...(current.search ? { search: current.search } : {}) });
      }
    }),
    vscode.commands.registerCommand('toolflow.clearRunsFilter', () => runs.setFilter(NO_FILTER)),
  ];
}
