import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('toolflow.importTools', () => {
      void vscode.window.showInformationMessage('ToolFlow: import is being built.');
    }),
  );
}

export function deactivate(): void {}
