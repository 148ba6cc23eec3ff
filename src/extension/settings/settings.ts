import * as vscode from 'vscode';
import { parseSettings, type ToolFlowSettings } from './settingsModel';

/** Current settings; throws a SettingsError naming the bad setting. */
export function readSettings(scope?: vscode.Uri): ToolFlowSettings {
  const config = vscode.workspace.getConfiguration('toolflow', scope);
  return parseSettings((key) => config.get(key));
}

/** Fires when any `toolflow.*` setting changes. */
export function onDidChangeSettings(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('toolflow')) listener();
  });
}
