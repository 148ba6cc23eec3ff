import * as vscode from 'vscode';
import { errorMessage } from '../common/errors';
import { parseSettings, type ToolFlowSettings } from './settingsModel';

/** Current settings; throws a SettingsError naming the bad setting. */
export function readSettings(scope?: vscode.Uri): ToolFlowSettings {
  const config = vscode.workspace.getConfiguration('toolflow', scope);
  return parseSettings((key) => config.get(key));
}

/** Current settings, or undefined after showing the user which setting is wrong. */
export function readSettingsOrShowError(scope?: vscode.Uri): ToolFlowSettings | undefined {
  try {
    return readSettings(scope);
  } catch (e) {
    void vscode.window.showErrorMessage(errorMessage(e));
    return undefined;
  }
}

/** Fires when any `toolflow.*` setting changes. */
export function onDidChangeSettings(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('toolflow')) listener();
  });
}
