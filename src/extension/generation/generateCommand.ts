import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../common/errors';
import { readSettingsOrShowError } from '../settings/settings';
import type { ToolsNode, ToolsTreeProvider } from '../tools/toolsTreeProvider';
import type { RunsTreeProvider } from '../runsView/runsTreeProvider';
import { defaultRunName, describeModels, modelsForRoles, validatePositiveInt, validateRunName, type GenerateChoices } from './generateOptions';
import { GenerationRefused, type GenerationService } from './generationService';

const TITLE = 'ToolFlow: Generate Dataset';
const STEPS = 6;

/** Asks one quick pick; undefined when the user pressed Escape. */
async function pickOne<T extends vscode.QuickPickItem>(items: T[], step: number, placeholder: string): Promise<T | undefined> {
  const qp = vscode.window.createQuickPick<T>();
  qp.title = `${TITLE} (${step}/${STEPS})`;
  qp.placeholder = placeholder;
  qp.items = items;
  qp.ignoreFocusOut = true;
  return new Promise<T | undefined>((resolve) => {
    qp.onDidAccept(() => {
      resolve(qp.selectedItems[0]);
      qp.hide();
    });
    qp.onDidHide(() => {
      resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
}

async function pickMany<T extends vscode.QuickPickItem>(items: T[], step: number, placeholder: string): Promise<readonly T[] | undefined> {
  const qp = vscode.window.createQuickPick<T>();
  qp.title = `${TITLE} (${step}/${STEPS})`;
  qp.placeholder = placeholder;
  qp.canSelectMany = true;
  qp.items = items;
  qp.selectedItems = items.filter((i) => i.picked);
  qp.ignoreFocusOut = true;
  return new Promise<readonly T[] | undefined>((resolve) => {
    qp.onDidAccept(() => {
      resolve(qp.selectedItems);
      qp.hide();
    });
    qp.onDidHide(() => {
      resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
}

async function ask(step: number, prompt: string, value: string, validate: (v: string) => string | undefined): Promise<string | undefined> {
  return vscode.window.showInputBox({ title: `${TITLE} (${step}/${STEPS})`, prompt, value, ignoreFocusOut: true, validateInput: validate });
}

/** The guided "Generate Dataset…" flow: tool set, count, models, concurrency, ablations, run name. */
export async function runGenerateFlow(service: GenerationService, tools: ToolsTreeProvider, runs: RunsTreeProvider, node?: ToolsNode): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showErrorMessage('ToolFlow: generation is disabled in Restricted Mode (it sends requests with your API key). Trust this workspace to generate.');
    return;
  }
  if (service.isRunning) {
    void vscode.window.showWarningMessage('ToolFlow: a generation is already running. Cancel it first (ToolFlow: Cancel Run) or wait for it to finish.');
    return;
  }
  const settings = readSettingsOrShowError();
  if (!settings) return;

  // 1. tool set
  let toolsFile = node && (node.kind === 'toolset' || node.kind === 'tool') ? node.set.file : undefined;
  if (!toolsFile) {
    await tools.refresh();
    const sets = tools.toolSets.filter((s) => s.toolSet && s.toolSet.tools.length > 0);
    const browse = { label: '$(folder-opened) Browse…', description: 'a *.tools.json file', file: '' };
    const items = [
      ...sets.map((s) => ({ label: path.basename(s.file), description: `${s.toolSet!.tools.length} tools`, detail: vscode.workspace.asRelativePath(s.file), file: s.file })),
      browse,
    ];
    const picked = await pickOne(items, 1, sets.length ? 'Tool set to sample tools from' : 'No tool sets in the workspace: import tools first, or browse for a *.tools.json file');
    if (!picked) return;
    if (picked === browse) {
      const uris = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'ToolFlow tool set': ['json'] }, title: 'Tool set (*.tools.json)' });
      if (!uris?.[0]) return;
      toolsFile = uris[0].fsPath;
    } else {
      toolsFile = picked.file;
    }
  }

  // 2. count
  const countText = await ask(2, 'Number of dialogues to generate', String(settings.count), (v) => validatePositiveInt(v, 'The number of dialogues', 1_000_000));
  if (countText === undefined) return;

  // 3. models
  const configured = { label: `Configured models: ${describeModels(settings.models)}`, description: 'from settings (toolflow.model, toolflow.models.*)', one: false };
  const oneModel = { label: 'One model for every role…', description: 'type a model name', one: true };
  const modelPick = await pickOne([configured, oneModel], 3, `Models at ${settings.baseUrl}`);
  if (!modelPick) return;
  let model: string | undefined;
  if (modelPick.one) {
    model = (await ask(3, `Model served by ${settings.baseUrl}`, settings.defaultModel, (v) => (v.trim() ? undefined : 'Enter a model name.')))?.trim();
    if (!model) return;
  }

  // 4. concurrency
  const concText = await ask(4, 'Dialogues generated at the same time', String(settings.concurrency), (v) => validatePositiveInt(v, 'Concurrency', 256));
  if (concText === undefined) return;

  // 5. ablations
  const graphItem = { label: 'Use the tool graph', description: 'random-walk tool sampling (off: uniform sampling, the paper\'s “w/o graph”)', picked: true, id: 'graph' };
  const planItem = { label: 'Use a dialogue plan', description: 'plan each dialogue first (off: the paper\'s “w/o plan”)', picked: true, id: 'plan' };
  const completeItem = { label: 'Complete missing tool descriptions', description: 'fill missing descriptions and return schemas with the converter model first (paper 3.4); you accept or reject the fills in a diff before the run uses them', picked: true, id: 'complete' };
  const switches = await pickMany([graphItem, planItem, completeItem], 5, 'Pipeline switches (the paper\'s ablations); press Enter to accept');
  if (!switches) return;

  // 6. run name
  const existing = new Set(runs.currentRuns.map((r) => r.name));
  const runName = await ask(6, 'Name of the run folder', defaultRunName(new Date(), existing), (v) => validateRunName(v) ?? (existing.has(v.trim()) ? 'A run with this name exists; choose another.' : undefined));
  if (runName === undefined) return;

  const choices: GenerateChoices = {
    toolsFile,
    count: Number(countText.trim()),
    concurrency: Number(concText.trim()),
    ...(model ? { model } : {}),
    useGraph: switches.some((s) => s.id === 'graph'),
    usePlan: switches.some((s) => s.id === 'plan'),
    completeTools: switches.some((s) => s.id === 'complete'),
    runName: runName.trim(),
  };
  try {
    void vscode.commands.executeCommand('toolflow.showLive');
    await service.start(choices, modelsForRoles(settings, model));
  } catch (e) {
    void vscode.window.showErrorMessage(e instanceof GenerationRefused ? `ToolFlow: ${e.message}` : `ToolFlow: ${errorMessage(e)}`);
  }
}
