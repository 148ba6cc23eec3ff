import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage, isAbortError } from '../common/errors';
import type { Log } from '../common/log';
import { layOutGraphFile } from '../../engine/graph/view/graphLayout';
import { loadEngine } from '../generation/engineGateway';
import type { GenerationService } from '../generation/generationService';
import { readSettingsOrShowError } from '../settings/settings';
import type { ToolsNode, ToolsTreeProvider } from '../tools/toolsTreeProvider';
import { graphFileFor } from './graphLocation';

/** "ToolFlow: Build Tool Graph": embeds the tool set's fields and saves the graph beside it. */
export async function runBuildGraph(service: GenerationService, tools: ToolsTreeProvider, log: Log, node?: ToolsNode, override?: { toolsFile: string; threshold?: number; embeddingModel?: string }): Promise<boolean> {
  let toolsFile = override?.toolsFile ?? (node && (node.kind === 'toolset' || node.kind === 'tool') ? node.set.file : undefined);
  if (!toolsFile) {
    await tools.refresh();
    const sets = tools.toolSets.filter((s) => s.toolSet && s.toolSet.tools.length > 0);
    if (sets.length === 0) {
      void vscode.window.showWarningMessage('ToolFlow: no tool set in the workspace. Import tools first (ToolFlow: Import Tools…).');
      return false;
    }
    const picked = await vscode.window.showQuickPick(
      sets.map((s) => ({ label: path.basename(s.file), description: `${s.toolSet!.tools.length} tools`, detail: vscode.workspace.asRelativePath(s.file), file: s.file })),
      { title: 'ToolFlow: Build Tool Graph', placeHolder: 'Tool set to build the graph of' },
    );
    if (!picked) return false;
    toolsFile = picked.file;
  }
  const settings = readSettingsOrShowError();
  if (!settings) return false;
  const graphFile = graphFileFor(toolsFile);
  const controller = new AbortController();
  try {
    const summary = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `ToolFlow: building the tool graph of ${path.basename(toolsFile)}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => controller.abort(new Error('cancelled by the user')));
        progress.report({ message: 'loading the engine…' });
        const engine = await loadEngine();
        return engine.buildGraph({
          toolsFile: toolsFile!,
          graphFile,
          threshold: override?.threshold ?? settings.threshold,
          embeddingModel: override?.embeddingModel ?? settings.embeddingModel,
          cacheDir: service.embeddingCacheDir,
          signal: controller.signal,
          onPhase: throttled((message) => progress.report({ message })),
        });
      },
    );
    const line = `${summary.nodes} tools, ${summary.edges} edges, ${summary.components} components, ${summary.isolated} isolated (model ${summary.model}, threshold ${summary.threshold}, ${(summary.totalMs / 1000).toFixed(1)} s)`;
    log.info(`Tool graph of ${toolsFile}: ${line} → ${graphFile}`);
    // The graph view's layout, computed now in the background (it yields to the event loop) and cached
    // beside the graph, so "Show Tool Graph" opens at once (all ToolBench: ~7 s of layout otherwise).
    const laidOut = performance.now();
    layOutGraphFile(graphFile).then(
      (l) => log.info(`Tool graph layout of ${path.basename(graphFile)}: ${l.communities} communities, cached beside it (${Math.round(performance.now() - laidOut)} ms)`),
      (e: unknown) => log.warn(`Tool graph layout of ${graphFile} not cached: ${errorMessage(e)} (the graph view lays it out when it opens)`),
    );
    void vscode.window.showInformationMessage(`ToolFlow: tool graph built: ${line}. Generation walks it.`);
    return true;
  } catch (e) {
    if (controller.signal.aborted && isAbortError(e)) {
      void vscode.window.showInformationMessage('ToolFlow: building the tool graph was cancelled.');
      return false;
    }
    const hint = (e as { hint?: unknown }).hint;
    log.error(`Building the tool graph of ${toolsFile} failed: ${errorMessage(e)}${typeof hint === 'string' ? ` (${hint})` : ''}`);
    void vscode.window.showErrorMessage(`ToolFlow: building the tool graph failed: ${errorMessage(e)}${typeof hint === 'string' ? ` ${hint}` : ''}`);
    return false;
  }
}

/** Passes at most one message per 200 ms (embedding and download events come in bursts). */
function throttled(report: (message: string) => void): (message: string) => void {
  let last = 0;
  return (message) => {
    const now = Date.now();
    if (now - last < 200) return;
    last = now;
    report(message);
  };
}
