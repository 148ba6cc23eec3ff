// Runs inside VS Code desktop's extension host, started by `node .vscode-test.mjs` through
// @vscode/test-electron (which downloads VS Code: for machines that can; the suite run here uses
// code-server instead, see test/e2e/). Entry point: `run()`, as @vscode/test-electron expects.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ImportCommandResult } from '../../src/extension/import';

async function importsRealTools(sharedTools: string): Promise<void> {
  const ext = vscode.extensions.getExtension('toolflow.toolflow-studio');
  assert.ok(ext, 'the extension under development is installed');
  assert.equal(ext.isActive, false, 'not activated at startup');

  const mcp = vscode.Uri.file(path.join(sharedTools, 'mcp', 'mcp_tools.jsonl'));
  const expected = fs.readFileSync(mcp.fsPath, 'utf8').split('\n').filter((l) => l.trim() !== '').length;
  const result = await vscode.commands.executeCommand<ImportCommandResult | undefined>('toolflow.importTools', mcp, [mcp]);
  assert.ok(ext.isActive, 'activated by its command');
  assert.ok(result, 'the import command returns what it wrote');
  assert.equal(result.tools, expected);
  const written = JSON.parse(fs.readFileSync(result.output, 'utf8')) as { tools: unknown[] };
  assert.equal(written.tools.length, expected);
}

async function reportsProblemsAtTheirLine(workspace: string): Promise<void> {
  const file = path.join(workspace, 'nameless.json');
  fs.writeFileSync(file, '{\n  "tools": [\n    {"type": "function", "function": {"description": "no name", "parameters": {"type": "object", "properties": {}}}}\n  ]\n}\n');
  const uri = vscode.Uri.file(file);
  const result = await vscode.commands.executeCommand<ImportCommandResult | undefined>('toolflow.importTools', uri, [uri]);
  assert.ok(result && result.tools === 0 && result.errors > 0, 'nothing imported, errors reported');
  const problems = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'ToolFlow import');
  const dropped = problems.find((d) => d.code === 'dropped-item');
  assert.ok(dropped, `a dropped-item error; got ${JSON.stringify(problems.map((p) => p.message))}`);
  assert.equal(dropped.severity, vscode.DiagnosticSeverity.Error);
  assert.equal(dropped.range.start.line, 2, 'on the line of the nameless tool (0-based)');
}

export async function run(): Promise<void> {
  const sharedTools = process.env.TOOLFLOW_SHARED_TOOLS;
  const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(sharedTools && fs.existsSync(sharedTools), 'TOOLFLOW_SHARED_TOOLS points at ../shared/data/tools');
  assert.ok(workspace, 'a workspace folder is open');
  for (const [name, t] of [
    ['imports real tools through the command', () => importsRealTools(sharedTools)],
    ['reports importer problems at their line', () => reportsProblemsAtTheirLine(workspace)],
  ] as const) {
    await t();
    console.log(`ok - ${name}`);
  }
}
