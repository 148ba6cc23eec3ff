import * as vscode from 'vscode';
import { readSettingsOrShowError } from '../settings/settings';
import type { ApiKeyStore } from './apiKeyStore';

/** `ToolFlow: Set API Key` and `ToolFlow: Clear API Key`, for the origin of the configured endpoint. */
export function registerApiKeyCommands(store: ApiKeyStore): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('toolflow.setApiKey', async () => {
      const origin = readSettingsOrShowError()?.origin;
      if (origin === undefined) return;
      const key = await vscode.window.showInputBox({
        title: 'ToolFlow: Set API Key',
        prompt: `API key for ${origin} (stored in VS Code's secret storage, sent only to ${origin})`,
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() === '' ? 'Enter a key, or press Escape to cancel.' : /\s/.test(v.trim()) ? 'A key has no spaces.' : undefined),
      });
      if (key === undefined) return;
      await store.set(origin, key.trim());
      void vscode.window.showInformationMessage(`ToolFlow: API key saved for ${origin}.`);
    }),
    vscode.commands.registerCommand('toolflow.clearApiKey', async () => {
      const origin = readSettingsOrShowError()?.origin;
      if (origin === undefined) return;
      const had = await store.clear(origin);
      void vscode.window.showInformationMessage(had ? `ToolFlow: API key for ${origin} removed.` : `ToolFlow: no API key was stored for ${origin}.`);
    }),
  ];
}
