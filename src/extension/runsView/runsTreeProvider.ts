import * as path from 'node:path';
import * as vscode from 'vscode';
import { CoalescingReload } from '../common/coalescingReload';
import { Disposable } from '../common/disposable';
import type { Log } from '../common/log';
import { describeFilter, filterDialogues, isFiltering, NO_FILTER, type DialogueFilter } from './dialogueFilter';
import { DialogueIndexCache, listRuns, type DialogueSummary, type RunSummary } from './runFolder';

export type RunsNode = { kind: 'run'; run: RunSummary } | { kind: 'dialogue'; run: RunSummary; dialogue: DialogueSummary } | { kind: 'problem'; run: RunSummary; text: string };

export type RunState = 'running' | 'incomplete' | 'complete';

/** The Runs view: runs → dialogues, with status, reasons, tools, turns, scores, filter and search. */
export class RunsTreeProvider extends Disposable implements vscode.TreeDataProvider<RunsNode> {
  private readonly changed = this._register(new vscode.EventEmitter<RunsNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private runs: RunSummary[] = [];
  private filter: DialogueFilter = NO_FILTER;
  private readonly reload = new CoalescingReload(
    async () => {
      const root = this.runsRoot();
      this.runs = root ? await listRuns(root, this.index) : [];
    },
    (e) => this.log.error(`Reading runs failed: ${e instanceof Error ? e.message : String(e)}`),
    () => {
      this.updateViewMessage();
      this.changed.fire(undefined);
    },
  );
  private view: vscode.TreeView<RunsNode> | undefined;
  /** Runs' dialogues.jsonl read so far: a refresh during a run reads only the new lines. */
  private readonly index = new DialogueIndexCache();

  constructor(
    private readonly runsRoot: () => string | undefined,
    private readonly runningDir: () => string | undefined,
    private readonly log: Log,
  ) {
    super();
  }

  attach(view: vscode.TreeView<RunsNode>): void {
    this.view = view;
    this.updateViewMessage();
  }

  get currentRuns(): readonly RunSummary[] {
    return this.runs;
  }

  get currentFilter(): DialogueFilter {
    return this.filter;
  }

  setFilter(filter: DialogueFilter): void {
    this.filter = filter;
    void vscode.commands.executeCommand('setContext', 'toolflow.runsFiltered', isFiltering(filter));
    this.updateViewMessage();
    this.changed.fire(undefined);
  }

  /** Re-reads the runs folder (coalesces calls made while a reload is in progress). */
  refresh(): Promise<void> {
    return this.reload.run();
  }

  runState(run: RunSummary): RunState {
    if (this.runningDir() === run.dir) return 'running';
    // Written by another process (the CLI, another window): running too, though not cancellable here.
    if (run.lockedBy) return 'running';
    return run.dialogues.length < run.total ? 'incomplete' : 'complete';
  }

  findRun(dir: string): RunSummary | undefined {
    return this.runs.find((r) => path.resolve(r.dir) === path.resolve(dir));
  }

  private updateViewMessage(): void {
    if (!this.view) return;
    const dialogues = this.runs.reduce((n, r) => n + r.dialogues.length, 0);
    if (isFiltering(this.filter)) {
      const shown = this.runs.reduce((n, r) => n + filterDialogues(r.dialogues, this.filter).length, 0);
      this.view.description = `${shown} of ${dialogues} dialogues`;
      this.view.message = `Filtered: ${describeFilter(this.filter)}`;
    } else {
      this.view.description = this.runs.length > 0 ? `${this.runs.length} runs · ${dialogues} dialogues` : undefined;
      this.view.message = undefined;
    }
  }

  getChildren(node?: RunsNode): RunsNode[] {
    if (!node) return this.runs.map((run) => ({ kind: 'run', run }));
    if (node.kind !== 'run') return [];
    const out: RunsNode[] = [];
    if (node.run.problem) out.push({ kind: 'problem', run: node.run, text: node.run.problem });
    for (const text of node.run.badLines.slice(0, 20)) out.push({ kind: 'problem', run: node.run, text });
    for (const dialogue of filterDialogues(node.run.dialogues, this.filter)) out.push({ kind: 'dialogue', run: node.run, dialogue });
    return out;
  }

  getParent(node: RunsNode): RunsNode | undefined {
    return node.kind === 'run' ? undefined : { kind: 'run', run: node.run };
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'run':
        return this.runItem(node.run);
      case 'problem': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
        item.tooltip = node.text;
        item.contextValue = 'problem';
        return item;
      }
      case 'dialogue':
        return this.dialogueItem(node.run, node.dialogue);
    }
  }

  private runItem(run: RunSummary): vscode.TreeItem {
    const state = this.runState(run);
    const item = new vscode.TreeItem(run.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `run:${run.dir}`;
    const shown = isFiltering(this.filter) ? filterDialogues(run.dialogues, this.filter).length : undefined;
    const parts = [`${run.dialogues.length}/${run.total} done`, `${run.accepted} accepted`, `${run.rejected} rejected`];
    if (shown !== undefined) parts.push(`${shown} shown`);
    if (state === 'running') parts.unshift('running');
    else if (state === 'incomplete') parts.unshift('incomplete');
    if (state === 'running' && this.runningDir() !== run.dir && run.lockedBy) parts.splice(1, 0, `by ${run.lockedBy.owner} (pid ${run.lockedBy.pid})`);
    item.description = parts.join(' · ');
    // A run another process writes cannot be cancelled from here: no Cancel button for it.
    item.contextValue = state === 'running' && this.runningDir() !== run.dir ? 'run.runningElsewhere' : `run.${state}`;
    item.iconPath = new vscode.ThemeIcon(state === 'running' ? 'sync~spin' : state === 'incomplete' ? 'debug-pause' : run.problem ? 'warning' : 'database');
    item.resourceUri = vscode.Uri.file(run.dir);
    const m = run.manifest;
    const md = new vscode.MarkdownString(undefined, false);
    md.appendMarkdown(`**${run.name}** (${state})\n\n`);
    md.appendText(`${run.dialogues.length} of ${run.total} dialogues: ${run.accepted} accepted, ${run.rejected} rejected\n`);
    if (m) {
      md.appendText(`\ncreated ${m.createdAt}\nseed ${m.options.seed}, concurrency ${m.options.concurrency}, sampling ${m.options.sampling}, plan ${m.options.plan ? 'on' : 'off'}\n`);
      const models = [...new Set(Object.values(m.models).map((x) => x?.model).filter(Boolean))];
      if (models.length) md.appendText(`models: ${models.join(', ')}\n`);
      if (m.toolsSource) md.appendText(`tools: ${m.toolsSource}\n`);
    }
    if (run.problem) md.appendText(`\n${run.problem}\n`);
    item.tooltip = md;
    return item;
  }

  private dialogueItem(run: RunSummary, d: DialogueSummary): vscode.TreeItem {
    const item = new vscode.TreeItem(d.id, vscode.TreeItemCollapsibleState.None);
    item.id = `dialogue:${run.dir}:${d.id}`;
    const parts = [d.status];
    if (d.reasons.length) parts.push([...new Set(d.reasons)].join(', '));
    parts.push(`${d.turns} turns`);
    if (d.tools.length) parts.push(d.tools.join(', '));
    if (d.scores) parts.push(Object.entries(d.scores).map(([k, v]) => `${k} ${v}`).join(' '));
    item.description = parts.join(' · ');
    item.contextValue = `dialogue.${d.status}`;
    item.iconPath =
      d.status === 'accepted'
        ? new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'))
        : d.status === 'edited'
          ? new vscode.ThemeIcon('edit')
          : new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    const md = new vscode.MarkdownString();
    md.appendText(`${d.id}: ${d.status}\n${d.turns} user turns, ${d.messages} messages\ntools: ${d.tools.join(', ') || '–'}\n`);
    for (let i = 0; i < d.reasons.length; i++) md.appendText(`\n${d.reasons[i]}: ${d.reasonMessages[i] ?? ''}`);
    item.tooltip = md;
    item.command = { command: 'toolflow.openDialogue', title: 'Open Dialogue', arguments: [{ kind: 'dialogue', run, dialogue: d } satisfies RunsNode] };
    return item;
  }
}
