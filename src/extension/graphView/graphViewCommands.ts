/**
 * Commands of the graph view: "ToolFlow: Show Tool Graph" (palette, Tools view, Explorer on a
 * `*.graph.json`) and "ToolFlow: Show in Graph" (`toolflow.showInGraph`, from a dialogue in the
 * Runs view; other views such as the review editor call it with `(runDir, dialogueId)`).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../common/errors';
import { GraphFileError } from '../../engine/graph';
import type { Log } from '../common/log';
import { graphFileFor } from '../graph/graphLocation';
import { readDialogueRecord, readRunSummary, type RunSummary } from '../runsView/runFolder';
import type { RunsNode } from '../runsView/runsTreeProvider';
import type { ToolsNode, ToolsTreeProvider } from '../tools/toolsTreeProvider';
import { GRAPH_VIEW_TYPE, type GraphWebviewState } from '../../shared/graphView';
import { GraphSession, toolsFileForGraph } from './graphSession';
import { GraphViewPanel, type GraphViewHooks, type OpenGraph } from './graphViewPanel';

export interface GraphViewDeps {
  extensionUri: vscode.Uri;
  tools: ToolsTreeProvider;
  log: Log;
  /** Builds the graph of a tool set (optionally at a threshold, with an embedding model other than the setting's); true when it was built. */
  build(toolsFile: string | undefined, threshold?: number, embeddingModel?: string): Promise<boolean>;
}

/** The graph a run walked: its manifest's `graphSource`, else `<run>/graph.json`, else the one beside its tool set. */
export function graphFileOfRun(run: Pick<RunSummary, 'dir' | 'manifest'>, workspaceRoot: string | undefined): string | undefined {
  const candidates: string[] = [];
  const m = run.manifest;
  for (const given of [m?.graphSource]) {
    if (!given) continue;
    if (path.isAbsolute(given)) candidates.push(given);
    else candidates.push(...[workspaceRoot, run.dir].filter((d): d is string => !!d).map((d) => path.resolve(d, given)));
  }
  candidates.push(path.join(run.dir, 'graph.json'));
  if (m?.toolsSource) {
    const tf = path.isAbsolute(m.toolsSource) ? m.toolsSource : path.resolve(workspaceRoot ?? run.dir, m.toolsSource);
    candidates.push(graphFileFor(tf));
  }
  return candidates.find((c) => existsSync(c));
}

export function registerGraphViewCommands(deps: GraphViewDeps): vscode.Disposable[] {
  const toolsFiles = new Map<string, string>();
  const open: OpenGraph = (file, onProgress) => GraphSession.open(file, toolsFiles.get(file), onProgress ? { onProgress } : {});
  const hooks: GraphViewHooks = {
    rebuild: async (graphFile, threshold, model) => {
      const tf = toolsFiles.get(graphFile) ?? toolsFileForGraph(graphFile);
      if (!existsSync(tf)) {
        void vscode.window.showWarningMessage(`ToolFlow: no tool set beside ${path.basename(graphFile)} to rebuild from (expected ${path.basename(tf)}).`);
        return;
      }
      if (graphFileFor(tf) !== graphFile) return;
      if (await deps.build(tf, threshold, model)) await GraphViewPanel.instance?.reload(open);
    },
  };
  const show = async (file: string, highlight?: Parameters<typeof GraphViewPanel.show>[5]) => {
    try {
      await GraphViewPanel.show(deps.extensionUri, deps.log, hooks, file, open, highlight);
    } catch (e) {
      // A graph file this version cannot read (older format, truncated) says what to do: rebuild it.
      const message = `${errorMessage(e)}${e instanceof GraphFileError && e.hint ? `; ${e.hint}` : ''}`;
      deps.log.error(`Opening the tool graph ${file} failed: ${message}`);
      void vscode.window.showErrorMessage(`ToolFlow: cannot open the tool graph: ${message}`);
    }
  };

  const showGraph = async (arg?: ToolsNode | vscode.Uri) => {
    let toolsFile: string | undefined;
    let graphFile: string | undefined;
    let tool: string | undefined;
    if (arg instanceof vscode.Uri) {
      if (/\.graph\.json$/i.test(arg.fsPath)) graphFile = arg.fsPath;
      else toolsFile = arg.fsPath;
    } else if (arg && (arg.kind === 'toolset' || arg.kind === 'tool')) {
      toolsFile = arg.set.file;
      if (arg.kind === 'tool') tool = arg.tool.name;
    } else {
      await deps.tools.refresh();
      const sets = deps.tools.toolSets.filter((s) => s.toolSet && s.toolSet.tools.length > 0);
      if (sets.length === 0) {
        void vscode.window.showWarningMessage('ToolFlow: no tool set in the workspace. Import tools first (ToolFlow: Import Tools…).');
        return;
      }
      const picked =
        sets.length === 1
          ? { file: sets[0]!.file }
          : await vscode.window.showQuickPick(
              sets.map((s) => ({ label: path.basename(s.file), description: `${s.toolSet!.tools.length} tools${existsSync(graphFileFor(s.file)) ? '' : ' · no graph yet'}`, file: s.file })),
              { title: 'ToolFlow: Show Tool Graph', placeHolder: 'Tool set whose graph to show' },
            );
      if (!picked) return;
      toolsFile = picked.file;
    }
    if (!graphFile) {
      graphFile = graphFileFor(toolsFile!);
      toolsFiles.set(graphFile, toolsFile!);
      if (!existsSync(graphFile)) {
        const answer = await vscode.window.showInformationMessage(`ToolFlow: ${path.basename(toolsFile!)} has no tool graph yet. Build it now?`, 'Build Tool Graph');
        if (answer !== 'Build Tool Graph' || !(await deps.build(toolsFile))) return;
      }
    }
    await show(graphFile, tool ? (s) => s.highlight(`tool ${tool}`, [tool]) : undefined);
  };

  const showInGraph = async (arg?: RunsNode | string, dialogueId?: string) => {
    let runDir: string | undefined;
    let id: string | undefined;
    if (typeof arg === 'string') {
      runDir = arg;
      id = dialogueId;
    } else if (arg && arg.kind === 'dialogue') {
      runDir = arg.run.dir;
      id = arg.dialogue.id;
    }
    if (!runDir || !id) {
      void vscode.window.showInformationMessage('ToolFlow: choose a dialogue in the Runs view, then “Show in Graph”.');
      return;
    }
    try {
      const run = await readRunSummary(runDir);
      const d = run.dialogues.find((x) => x.id === id);
      if (!d) throw new Error(`no dialogue ${id} in ${runDir}`);
      const record = await readDialogueRecord(run.dir, d);
      const names = record.tools.map((t) => t.function.name);
      const graphFile = graphFileOfRun(run, vscode.workspace.workspaceFolders?.[0]?.uri.fsPath);
      if (!graphFile) {
        void vscode.window.showWarningMessage(`ToolFlow: run ${run.name} has no tool graph (generated without a graph, or the graph file moved).`);
        return;
      }
      await show(graphFile, (s) => s.highlight(`dialogue ${id} of ${run.name}`, names));
    } catch (e) {
      void vscode.window.showErrorMessage(`ToolFlow: Show in Graph failed: ${errorMessage(e)}`);
    }
  };

  return [
    vscode.commands.registerCommand('toolflow.showGraph', showGraph),
    vscode.commands.registerCommand('toolflow.showInGraph', showInGraph),
    vscode.window.registerWebviewPanelSerializer(GRAPH_VIEW_TYPE, {
      deserializeWebviewPanel: (panel: vscode.WebviewPanel, state: unknown) => {
        GraphViewPanel.revive(panel, deps.extensionUri, deps.log, hooks, state as GraphWebviewState | undefined, open);
        return Promise.resolve();
      },
    }),
  ];
}
