/**
 * Where an import writes its canonical tool set, and what it tells the user afterwards. Pure (no
 * `vscode` import), so unit tests run it in plain Node.
 */
import path from 'node:path';
import type { ImportSummary } from '../../engine/import';

/** Folder, relative to the workspace folder, that receives imported tool sets. */
export const TOOL_SETS_FOLDER = path.join('.toolflow', 'tools');

const SOURCE_SUFFIX = /(\.tools)?(\.(json|jsonl|yaml|yml))?(\.gz)?$/i;

/**
 * The tool set's name from the imported paths: the first path's base name without its extensions,
 * made safe as a file name; "+N" says how many more inputs were merged into it.
 */
export function toolSetName(inputs: readonly string[]): string {
  if (inputs.length === 0) throw new Error('toolSetName needs at least one input path');
  const first = path.basename(inputs[0]!.replace(/[\\/]+$/, '')).replace(SOURCE_SUFFIX, '');
  const safe = first.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 80) || 'tools';
  return inputs.length > 1 ? `${safe}+${inputs.length - 1}` : safe;
}

/** Absolute path of the `*.tools.json` an import of `inputs` writes below `workspaceFolder`. */
export function toolSetOutputPath(workspaceFolder: string, inputs: readonly string[]): string {
  return path.join(workspaceFolder, TOOL_SETS_FOLDER, `${toolSetName(inputs)}.tools.json`);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** One line for the notification: counts per source format and problems. */
export function importSummaryMessage(summary: ImportSummary, outputName: string): string {
  const formats = Object.entries(summary.byFormat)
    .filter(([, c]) => c && c.tools > 0)
    .map(([f, c]) => `${f} ${c!.tools.toLocaleString('en-US')}`)
    .join(', ');
  const problems = [summary.errors > 0 ? plural(summary.errors, 'error') : '', summary.warnings > 0 ? plural(summary.warnings, 'warning') : '']
    .filter(Boolean)
    .join(', ');
  return (
    `ToolFlow: imported ${plural(summary.tools, 'tool')} from ${plural(summary.files, 'file')}` +
    (formats ? ` (${formats})` : '') +
    ` into ${outputName}` +
    (problems ? `; ${problems} in the Problems panel.` : '; no problems.')
  );
}

/** Message when nothing could be imported. */
export function nothingImportedMessage(summary: ImportSummary): string {
  return summary.errors > 0
    ? `ToolFlow: no tools imported from ${plural(summary.files, 'file')}: ${plural(summary.errors, 'error')}, listed in the Problems panel with their locations.`
    : `ToolFlow: no tool definitions found in ${plural(summary.files, 'file')}. Pick OpenAI, Anthropic, BFCL, ToolBench, API-Bank, OpenAPI or MCP files, or folders of them.`;
}

/** Multi-line summary for the log channel. */
export function importSummaryLog(summary: ImportSummary, inputs: readonly string[], output: string): string[] {
  const lines = [
    `Imported ${inputs.length} path(s): ${inputs.join(', ')}`,
    `  ${summary.files} files (${summary.filesFailed} failed), ${summary.tools} tools, ${summary.parameters} parameters, ${summary.returnFields} return fields, ${summary.toolsWithReturns} tools with returns`,
    `  ${summary.renamed} renamed, ${summary.duplicatesSkipped} duplicates skipped, ${summary.dropped} dropped, ${summary.missingDescriptions} missing descriptions in ${summary.toolsWithMissing} tools`,
    `  ${summary.errors} errors, ${summary.warnings} warnings, ${summary.infos} infos, ${summary.durationMs} ms`,
  ];
  for (const [format, c] of Object.entries(summary.byFormat)) if (c) lines.push(`  ${format}: ${c.tools} tools from ${c.files} file(s)`);
  lines.push(`  written to ${output}`);
  return lines;
}
