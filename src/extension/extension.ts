/**
 * Composition root of the VS Code extension: one `ToolFlowExtension` owns every service and
 * disposable. Activation only wires views and commands; the engine is loaded on first use.
 */
import * as vscode from 'vscode';
import { Disposable } from './common/disposable';
import { Log } from './common/log';
import { GenerationService } from './generation/generationService';
import { runBuildGraph } from './graph/buildGraphCommand';
import { registerGraphViewCommands } from './graphView/graphViewCommands';
import { registerSchemaPreview } from './schemaPreview/schemaPreviewPanel';
import { registerImportCommand } from './import';
import { runGenerateFlow } from './generation/generateCommand';
import { registerExportCommand } from './export/exportCommand';
import { LivePanel, LivePanelSerializer } from './live/livePanel';
import { readDialogueRecord } from './runsView/runFolder';
import { TranscriptStore } from './live/transcriptStore';
import { registerRunCommands } from './runsView/runCommands';
import { RunsTreeProvider } from './runsView/runsTreeProvider';
import { ApiKeyStore } from './secrets/apiKeyStore';
import { registerApiKeyCommands } from './secrets/apiKeyCommands';
import { onDidChangeSettings } from './settings/settings';
import { registerToolCommands } from './tools/toolCommands';
import { ToolsTreeProvider, type ToolsNode } from './tools/toolsTreeProvider';
import { LIVE_VIEW_TYPE } from '../shared/liveTranscripts';
import { ReviewEditorProvider } from './review/reviewEditorProvider';
import { registerQualityCommands } from './quality/qualityCommands';

export class ToolFlowExtension extends Disposable {
  readonly log = this._register(new Log());
  readonly keys: ApiKeyStore;
  readonly store = new TranscriptStore();
  readonly tools: ToolsTreeProvider;
  readonly runs: RunsTreeProvider;
  readonly generation: GenerationService;

  constructor(readonly context: vscode.ExtensionContext) {
    super();
    const started = performance.now();
    this.keys = new ApiKeyStore(context.secrets, this.log);
    this.tools = this._register(new ToolsTreeProvider(this.log));
    let generation: GenerationService | undefined;
    this.runs = this._register(new RunsTreeProvider(() => generation?.runsRoot(), () => generation?.runningDir, this.log));
    this.generation = generation = this._register(new GenerationService(vscode.Uri.joinPath(context.globalStorageUri, 'embeddings').fsPath, this.store, this.keys, this.runs, this.log));

    const toolsView = this._register(vscode.window.createTreeView('toolflow.tools', { treeDataProvider: this.tools, showCollapseAll: true }));
    this.tools.attach(toolsView);
    const runsView = this._register(vscode.window.createTreeView('toolflow.runs', { treeDataProvider: this.runs, showCollapseAll: true }));
    this.runs.attach(runsView);
    this.watchRuns();

    for (const d of registerApiKeyCommands(this.keys)) this._register(d);
    for (const d of registerToolCommands(this.tools)) this._register(d);
    const review = this._register(ReviewEditorProvider.register(context.extensionUri, this.log));
    for (const d of registerRunCommands({ extensionUri: context.extensionUri, runs: this.runs, service: this.generation, store: this.store, log: this.log, review })) this._register(d);
    for (const d of registerQualityCommands({ extensionUri: context.extensionUri, runs: this.runs, cacheDir: vscode.Uri.joinPath(context.globalStorageUri, 'embeddings').fsPath, log: this.log })) this._register(d);
    this._register(vscode.commands.registerCommand('toolflow.buildGraph', (node?: ToolsNode) => runBuildGraph(this.generation, this.tools, this.log, node)));
    const build = (toolsFile: string | undefined, threshold?: number, embeddingModel?: string) => runBuildGraph(this.generation, this.tools, this.log, undefined, toolsFile ? { toolsFile, ...(threshold !== undefined ? { threshold } : {}), ...(embeddingModel ? { embeddingModel } : {}) } : undefined);
    for (const d of registerGraphViewCommands({ extensionUri: context.extensionUri, tools: this.tools, log: this.log, build })) this._register(d);
    for (const d of registerSchemaPreview(context.extensionUri, this.log)) this._register(d);
    this._register(
      vscode.commands.registerCommand('toolflow.generate', (node?: ToolsNode) => runGenerateFlow(this.generation, this.tools, this.runs, node)),
    );
    this._register(registerExportCommand(this.runs, this.log));
    LivePanel.loadFromDisk = async (key) => {
      const [runName, id] = key.split('/');
      await this.runs.refresh();
      const run = this.runs.currentRuns.find((r) => r.name === runName);
      const d = run?.dialogues.find((x) => x.id === id);
      if (!run || !d) return false;
      this.store.addRecord(run.name, await readDialogueRecord(run.dir, d));
      return true;
    };
    this._register({ dispose: () => (LivePanel.loadFromDisk = undefined) });
    this._register(vscode.window.registerWebviewPanelSerializer(LIVE_VIEW_TYPE, new LivePanelSerializer(context.extensionUri, this.store, this.log)));
    this._register(onDidChangeSettings(() => void this.runs.refresh()));
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.log.info('Workspace trusted: generation enabled')));

    // Views fill in after activation returns.
    setTimeout(() => {
      void this.tools.refresh();
      void this.runs.refresh();
    }, 0);
    const ms = performance.now() - started;
    this.log.info(`ToolFlow activated in ${ms.toFixed(1)} ms (VS Code ${vscode.version}, Node ${process.version}${vscode.workspace.isTrusted ? '' : ', Restricted Mode: generation disabled'})`);
  }

  /** Refreshes the Runs view when run files change on disk (other windows, the CLI; run.lock: a writer started or ended). */
  private watchRuns(): void {
    const watcher = this._register(vscode.workspace.createFileSystemWatcher('**/{manifest.json,dialogues.jsonl,run.lock}'));
    let timer: NodeJS.Timeout | undefined;
    const changed = () => {
      if (this.generation.isRunning || timer) return; // a running generation refreshes on its own
      timer = setTimeout(() => {
        timer = undefined;
        void this.runs.refresh();
      }, 500);
    };
    this._register(watcher.onDidCreate(changed));
    this._register(watcher.onDidChange(changed));
    this._register(watcher.onDidDelete(changed));
    this._register({ dispose: () => timer && clearTimeout(timer) });
  }
}

export function activate(context: vscode.ExtensionContext): ToolFlowExtension {
  const root = new ToolFlowExtension(context);
  context.subscriptions.push(root);
  context.subscriptions.push(registerImportCommand(root.log, () => void root.tools.refresh()));
  return root;
}

export function deactivate(): void {}
