import * as vscode from 'vscode';
import type { ToolsNode, ToolsTreeProvider } from './toolsTreeProvider';

export function registerToolCommands(tools: ToolsTreeProvider): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('toolflow.refreshTools', () => tools.refresh()),
    vscode.commands.registerCommand('toolflow.filterTools', async () => {
      const text = await vscode.window.showInputBox({ title: 'ToolFlow: Search Tools', prompt: 'Part of a tool name or description (empty: show all)', value: tools.currentSearch });
      if (text !== undefined) tools.setSearch(text);
    }),
    vscode.commands.registerCommand('toolflow.openToolSource', async (node?: ToolsNode) => {
      if (!node || (node.kind !== 'toolset' && node.kind !== 'tool')) return;
      if (node.kind === 'toolset') {
        await vscode.window.showTextDocument(vscode.Uri.file(node.set.file));
        return;
      }
      const p = node.tool.provenance;
      // The original definition, where the importer recorded it; else the tool in the canonical file.
      const file = p?.file && !p.file.startsWith('<') ? vscode.Uri.file(p.file) : vscode.Uri.file(node.set.file);
      try {
        const doc = await vscode.workspace.openTextDocument(file);
        let line = p?.line ? p.line - 1 : 0;
        if (file.fsPath === node.set.file || !p?.line) {
          const idx = doc.getText().indexOf(`"name": "${node.tool.name}"`);
          if (idx >= 0 && file.fsPath === node.set.file) line = doc.positionAt(idx).line;
        }
        const pos = new vscode.Position(Math.max(0, Math.min(line, doc.lineCount - 1)), 0);
        await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos) });
      } catch {
        await vscode.window.showTextDocument(vscode.Uri.file(node.set.file));
      }
    }),
  ];
}
