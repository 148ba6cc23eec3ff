import * as path from 'node:path';
import * as vscode from 'vscode';
import { Disposable } from '../common/disposable';
import { errorMessage, isAbortError } from '../common/errors';
import type { Log } from '../common/log';
import type { PipelineEvent } from '../../engine/pipeline/events';
import { resolveLlmConfig, type LlmConfig } from '../../engine/llm/config';
import { LLM_ROLES, type LlmRole } from '../../engine/llm/types';
import { resumeRoleOverrides } from '../../engine/pipeline/resumeConfig';
import type { ApiKeyStore } from '../secrets/apiKeyStore';
import { readSettings } from '../settings/settings';
import { isLocalOrigin, type ToolFlowSettings } from '../settings/settingsModel';
import type { TranscriptStore } from '../live/transcriptStore';
import { LivePanel } from '../live/livePanel';
import type { RunsTreeProvider } from '../runsView/runsTreeProvider';
import { loadEngine, type CompletionReviewRequest, type RunOutcome } from './engineGateway';
import { GenerationRefused } from './generationRefused';
import { readManifestToResume } from './resumeManifest';
import type { GenerateChoices } from './generateOptions';
import { GenerationStatusBar } from './statusBar';
import { SHOW_QUALITY_REPORT_COMMAND } from '../quality/qualityCommands';
import { CompletionReviewUi } from '../completionReview/completionReviewUi';

const RUNNING_CONTEXT = 'toolflow.generationRunning';
const TREE_REFRESH_MS = 1000;

interface ActiveRun {
  runDir: string;
  controller: AbortController;
}

export { GenerationRefused };

/** Starts, resumes and cancels generation runs; feeds the live view, status bar and Runs tree. */
export class GenerationService extends Disposable {
  private active: ActiveRun | undefined;
  private readonly statusBar = this._register(new GenerationStatusBar());
  private readonly completionReview = this._register(new CompletionReviewUi());
  private treeTimer: NodeJS.Timeout | undefined;

  constructor(
    /** Folder of the persistent embedding cache (in the extension's global storage). */
    readonly embeddingCacheDir: string,
    private readonly store: TranscriptStore,
    private readonly keys: ApiKeyStore,
    private readonly runs: RunsTreeProvider,
    private readonly log: Log,
  ) {
    super();
    void vscode.commands.executeCommand('setContext', RUNNING_CONTEXT, false);
    this._register({ dispose: () => this.active?.controller.abort(new Error('extension deactivated')) });
  }

  /** The progress notification of the running generation (engine steps before the run report there). */
  private progress: vscode.Progress<{ message?: string; increment?: number }> | undefined;

  private readonly engineLog = (level: 'debug' | 'info' | 'warn', line: string): void => {
    if (level === 'warn') this.log.warn(line);
    else if (level === 'info') this.log.info(line);
    else this.log.debug(line);
    if (level === 'info' && this.progress && !this.store.run) this.progress.report({ message: line.trim() });
  };

  get runningDir(): string | undefined {
    return this.active?.runDir;
  }

  get isRunning(): boolean {
    return this.active !== undefined;
  }

  /** The folder runs are written to, or undefined without a workspace folder. */
  runsRoot(settings?: ToolFlowSettings): string | undefined {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) return undefined;
    const dir = (settings ?? readSettings()).runsDirectory;
    return path.resolve(folder.uri.fsPath, dir);
  }

  /** Throws GenerationRefused with a message for the user when generation may not run now. */
  private checkAllowed(): void {
    if (!vscode.workspace.isTrusted) {
      throw new GenerationRefused('Generation is disabled in Restricted Mode: it sends requests with your API key. Trust this workspace to generate.');
    }
    if (this.active) throw new GenerationRefused(`A generation is already running (${path.basename(this.active.runDir)}). Cancel it first or wait for it to finish.`);
  }

  /** The LLM configuration from settings; the key is only attached for its own origin. */
  private async llmConfig(settings: ToolFlowSettings, models: Record<LlmRole, string>): Promise<LlmConfig | undefined> {
    let apiKey = await this.keys.get(settings.origin);
    if (!apiKey && !isLocalOrigin(settings.origin)) {
      const choice = await vscode.window.showWarningMessage(
        `ToolFlow: no API key is stored for ${settings.origin}.`,
        { modal: true, detail: 'Set one with “ToolFlow: Set API Key”, or continue without a key (for servers that need none).' },
        'Set API Key',
        'Continue Without Key',
      );
      if (choice === 'Set API Key') {
        await vscode.commands.executeCommand('toolflow.setApiKey');
        apiKey = await this.keys.get(settings.origin);
        if (!apiKey) return undefined;
      } else if (choice !== 'Continue Without Key') {
        return undefined;
      }
    }
    const roles: Partial<Record<LlmRole, { model: string }>> = {};
    for (const [role, model] of Object.entries(models) as Array<[LlmRole, string]>) roles[role] = { model };
    // No environment variables: the extension's endpoint comes from settings only.
    return resolveLlmConfig({}, {
      baseURL: settings.baseUrl,
      apiKey: apiKey ?? '',
      roles,
      limits: { requestTimeoutMs: settings.requestTimeoutSeconds * 1000, concurrency: Math.max(1, settings.concurrency * 2) },
    });
  }

  /**
   * Resume from the manifest: each role's endpoint and model as the run recorded them (settings only
   * for roles the manifest does not name); keys from SecretStorage for each endpoint's origin.
   */
  private async resumeLlmConfig(settings: ToolFlowSettings, runDir: string): Promise<LlmConfig | undefined> {
    const manifest = await readManifestToResume(runDir);
    const roles = resumeRoleOverrides(manifest, {});
    const recorded = Object.values(roles).map((r) => r.baseURL).filter((u): u is string => u !== undefined);
    if (recorded.length === 0) return this.llmConfig(settings, settings.models);
    const warned = new Set<string>();
    for (const role of LLM_ROLES) {
      const r = { model: settings.models[role], ...roles[role] };
      const origin = r.baseURL ? new URL(r.baseURL).origin : settings.origin;
      const key = await this.keys.get(origin);
      if (key) r.apiKey = key;
      else if (!isLocalOrigin(origin) && !warned.has(origin)) {
        warned.add(origin);
        void vscode.window.showWarningMessage(`ToolFlow: no API key is stored for ${origin}, where this run's ${role} model is; continuing without one. Set it with “ToolFlow: Set API Key”.`);
      }
      roles[role] = r;
    }
    return resolveLlmConfig({}, {
      baseURL: settings.baseUrl,
      roles,
      limits: { requestTimeoutMs: settings.requestTimeoutSeconds * 1000, concurrency: Math.max(1, (manifest.options?.concurrency ?? settings.concurrency) * 2) },
    });
  }

  async start(choices: GenerateChoices, models: Record<LlmRole, string>): Promise<void> {
    this.checkAllowed();
    const settings = readSettings();
    const root = this.runsRoot(settings);
    if (!root) throw new GenerationRefused('Open a folder first: runs are written to a folder of the workspace.');
    const llm = await this.llmConfig(settings, models);
    if (!llm) return;
    const runDir = path.join(root, choices.runName);
    const llmForRun = { ...llm, limits: { ...llm.limits, concurrency: Math.max(1, choices.concurrency * 2) } };
    await this.run(runDir, `Generating ${choices.count} dialogues`, async (engine, onEvent, signal) =>
      engine.startRun({
        log: this.engineLog,
        toolsFile: choices.toolsFile,
        runDir,
        count: choices.count,
        concurrency: choices.concurrency,
        seed: settings.seed,
        toolsPerDialogue: settings.toolsPerDialogue,
        planSteps: settings.planSteps,
        maxTurns: settings.maxTurns,
        irrelevanceRate: settings.irrelevanceRate,
        useGraph: choices.useGraph,
        usePlan: choices.usePlan,
        completeTools: choices.completeTools,
        ...(settings.reviewCompletion ? { reviewCompletion: (r: CompletionReviewRequest) => this.reviewCompletion(r, signal) } : {}),
        threshold: settings.threshold,
        embeddingModel: settings.embeddingModel,
        cacheDir: this.embeddingCacheDir,
        llm: llmForRun,
        onEvent,
        signal,
      }),
    );
  }

  /** The completion review in the diff editor; closing it cancels the run before anything is generated. */
  private async reviewCompletion(r: CompletionReviewRequest, signal: AbortSignal): Promise<ReadonlySet<string> | undefined> {
    const accepted = await this.completionReview.decide(r, signal);
    if (!accepted && !signal.aborted) {
      this.cancel();
      void vscode.window.showInformationMessage(`ToolFlow: completion review of ${path.basename(r.runDir)} closed; nothing was generated.`);
    }
    return accepted;
  }

  async resume(runDir: string): Promise<void> {
    this.checkAllowed();
    const settings = readSettings();
    const llm = await this.resumeLlmConfig(settings, runDir);
    if (!llm) return;
    await this.run(runDir, `Resuming ${path.basename(runDir)}`, (engine, onEvent, signal) => engine.resumeRun({ log: this.engineLog, runDir, llm, onEvent, signal }));
  }

  cancel(): boolean {
    if (!this.active) return false;
    this.log.info(`Cancelling run ${this.active.runDir}`);
    this.active.controller.abort(new Error('cancelled by the user'));
    return true;
  }

  private async run(
    runDir: string,
    title: string,
    body: (engine: Awaited<ReturnType<typeof loadEngine>>, onEvent: (e: PipelineEvent) => void, signal: AbortSignal) => Promise<RunOutcome>,
  ): Promise<void> {
    const controller = new AbortController();
    this.active = { runDir, controller };
    await vscode.commands.executeCommand('setContext', RUNNING_CONTEXT, true);
    this.log.info(`${title}: ${runDir}`);
    void this.runs.refresh();
    const started = Date.now();
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `ToolFlow: ${title}`, cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => controller.abort(new Error('cancelled by the user')));
          this.progress = progress;
          this.store.run = null;
          progress.report({ message: 'loading the engine (and building the tool graph if needed)…' });
          const engine = await loadEngine();
          let lastDone = 0;
          const onEvent = (event: PipelineEvent) => {
            this.onEvent(event);
            if (event.type === 'run-progress' || event.type === 'run-started') {
              const run = this.store.run;
              if (run) {
                const increment = run.total > 0 ? ((run.done - lastDone) / run.total) * 100 : 0;
                lastDone = run.done;
                progress.report({ message: `${run.done}/${run.total} done · ${run.rejected} rejected`, increment });
              }
            }
          };
          const outcome = await body(engine, onEvent, controller.signal);
          const secs = ((Date.now() - started) / 1000).toFixed(1);
          this.log.info(`Run ${path.basename(runDir)} ${outcome.reason} after ${secs}s: ${outcome.counts.done}/${outcome.counts.total} done, ${outcome.counts.accepted} accepted, ${outcome.counts.rejected} rejected`);
          if (outcome.reason === 'completed') {
            void vscode.window
              .showInformationMessage(`ToolFlow: ${path.basename(runDir)} finished: ${outcome.counts.accepted} accepted, ${outcome.counts.rejected} rejected.`, 'Show Quality Report')
              .then((choice) => choice && vscode.commands.executeCommand(SHOW_QUALITY_REPORT_COMMAND, vscode.Uri.file(runDir)));
          } else if (outcome.reason === 'aborted') {
            void vscode.window.showInformationMessage(`ToolFlow: ${path.basename(runDir)} cancelled at ${outcome.counts.done}/${outcome.counts.total}. Resume it from the Runs view.`);
          } else {
            void vscode.window.showWarningMessage(`ToolFlow: ${path.basename(runDir)} stopped: ${outcome.reason}.`);
          }
        },
      );
    } catch (e) {
      if (controller.signal.aborted && isAbortError(e)) {
        this.log.info(`Run ${path.basename(runDir)} cancelled`);
      } else {
        const msg = errorMessage(e);
        const hint = (e as { hint?: unknown }).hint;
        this.log.error(`Run ${path.basename(runDir)} failed: ${msg}${typeof hint === 'string' ? ` (${hint})` : ''}`);
        void vscode.window.showErrorMessage(`ToolFlow: generation failed: ${msg}${typeof hint === 'string' ? ` ${hint}` : ''}`);
        if (this.store.run && this.store.run.state === 'running') this.store.run.state = 'failed';
      }
    } finally {
      this.active = undefined;
      this.progress = undefined;
      await vscode.commands.executeCommand('setContext', RUNNING_CONTEXT, false);
      this.statusBar.update(this.store.run);
      LivePanel.instance?.onStoreChange({ run: true, list: true, dialogues: new Set() });
      if (this.treeTimer) clearTimeout(this.treeTimer);
      this.treeTimer = undefined;
      await this.runs.refresh();
    }
  }

  private onEvent(event: PipelineEvent): void {
    const change = this.store.apply(event);
    LivePanel.instance?.onStoreChange(change);
    if (change.run) this.statusBar.update(this.store.run);
    if (event.type === 'log') {
      if (event.level === 'error') this.log.error(event.message);
      else if (event.level === 'warning') this.log.warn(event.message);
      else this.log.info(event.message);
    } else if (event.type === 'verdict') {
      this.log.info(`${event.id}: ${event.status}${event.reasons.length ? ` (${event.reasons.map((r) => r.code).join(', ')})` : ''}`);
      this.scheduleTreeRefresh();
    } else if (event.type === 'run-started') {
      this.log.info(`Run started in ${event.runDir}: ${event.manifest.options.count} dialogues, ${event.alreadyDone} already done`);
      this.scheduleTreeRefresh();
    }
  }

  private scheduleTreeRefresh(): void {
    if (this.treeTimer) return;
    this.treeTimer = setTimeout(() => {
      this.treeTimer = undefined;
      void this.runs.refresh();
    }, TREE_REFRESH_MS);
  }

  override dispose(): void {
    if (this.treeTimer) clearTimeout(this.treeTimer);
    super.dispose();
  }
}
