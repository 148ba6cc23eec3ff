/** The Import Tools feature of the extension; the composition root registers it with `registerImportCommand`. */
import type * as vscode from 'vscode';
import type { Log } from '../common/log';
import { ImportCommand } from './importCommand';

export { IMPORT_COMMAND, type ImportCommandResult } from './importCommand';

/** Registers "ToolFlow: Import Tools…" (palette and Explorer context menu). */
export function registerImportCommand(log: Log, onDidWriteToolSet: (file: string) => void = () => undefined): vscode.Disposable {
  return new ImportCommand(log, onDidWriteToolSet);
}
