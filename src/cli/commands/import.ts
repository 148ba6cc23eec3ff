/**
 * `toolflow import <files or folders...> -o tools.json [--format F] [--json]`: reads tool
 * definitions in any supported format and writes one canonical tool set. Progress and a summary go
 * to stderr; with `--json`, stdout gets exactly one JSON object with the summary numbers.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { formatDiagnostic, formatLocation } from '../../engine/model/diagnostic';
import type { SourceFormat } from '../../engine/model/tool';
import { SOURCE_FORMATS, importPaths, writeToolSet, type ImportSummary } from '../../engine/import';
import { UserError, log, parseOptionTable, writeJson, type CliCommand, type CliIO, type OptionTable } from '../cliSupport';

const USAGE = `toolflow import <files or folders...> -o <out.tools.json> [--format ${SOURCE_FORMATS.join('|')}] [--keep-duplicates] [--json]`;
const MAX_LISTED = 10;

const OPTIONS = {
  output: { type: 'string', short: 'o', value: 'FILE', description: 'where to write the canonical tool set', default: 'required', example: '-o my.tools.json' },
  format: { type: 'string', short: 'f', value: 'F', description: `read every input as this format instead of detecting it: ${SOURCE_FORMATS.join(', ')}`, default: 'detected per file', example: '--format openapi' },
  'keep-duplicates': { type: 'boolean', description: 'keep identical tools found twice (renamed) instead of skipping the copies', example: '--keep-duplicates' },
  json: { type: 'boolean', description: 'print a JSON summary on stdout', example: '--json' },
} as const satisfies OptionTable;

function summaryLines(s: ImportSummary, output: string): string[] {
  const formats = Object.entries(s.byFormat)
    .map(([f, c]) => `${f} ${c.tools} tool${c.tools === 1 ? '' : 's'} from ${c.files} file${c.files === 1 ? '' : 's'}`)
    .join(', ');
  return [
    `imported ${s.tools} tools (${s.parameters} parameters, ${s.returnFields} return fields; ${s.toolsWithReturns} with a result schema) from ${s.files} file${s.files === 1 ? '' : 's'} in ${(s.durationMs / 1000).toFixed(1)}s`,
    `  per format: ${formats || 'none'}`,
    `  ${s.errors} errors, ${s.warnings} warnings, ${s.infos} notes; ${s.renamed} renamed, ${s.duplicatesSkipped} identical duplicates skipped, ${s.dropped} items and ${s.droppedParameters ?? 0} parameters dropped; ${s.missingDescriptions} missing descriptions in ${s.toolsWithMissing} tools`,
    `  wrote ${output}`,
  ];
}

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'import tool definitions (OpenAI, Anthropic, BFCL, ToolBench, API-Bank, OpenAPI, MCP, ToolAlpaca) into a canonical *.tools.json',
  usage: USAGE,
  options: OPTIONS,
  args: '<files or folders...>',
  examples: ['toolflow import tools/ openapi.yaml mcp_tools.jsonl -o my.tools.json', 'toolflow import toolalpaca/eval_real.json -o alpaca.tools.json --json'],
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseOptionTable(argv, OPTIONS, 'import');
    if (positionals.length === 0) throw new UserError('no input: name one or more tool definition files or folders', `usage: ${USAGE}`);
    if (!values.output) throw new UserError('missing -o <file>: where to write the canonical tool set (e.g. -o tools.tools.json)', `usage: ${USAGE}`);
    let format: SourceFormat | undefined;
    if (values.format !== undefined) {
      if (!(SOURCE_FORMATS as readonly string[]).includes(values.format)) throw new UserError(`unknown --format "${values.format}"; use one of: ${SOURCE_FORMATS.join(', ')}`);
      format = values.format as SourceFormat;
    }
    for (const p of positionals) {
      try {
        await fs.access(path.resolve(io.cwd, p));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new UserError(`cannot read "${p}": ${code === 'ENOENT' ? 'no such file or folder' : code ?? String(e)}`);
      }
    }
    const output = path.resolve(io.cwd, values.output);
    let lastFileLog = 0;
    const result = await importPaths(positionals, {
      ...(format ? { format } : {}),
      keepDuplicates: values['keep-duplicates'] === true,
      cwd: io.cwd,
      signal: io.signal,
      onProgress: (p) => {
        if (p.kind === 'files') log(io, `importing ${p.total} file${p.total === 1 ? '' : 's'}…`);
        else if (p.kind === 'file' && Date.now() - lastFileLog > 2000) {
          lastFileLog = Date.now();
          log(io, `  [${p.index + 1}/${p.total}] ${p.file}`);
        } else if (p.kind === 'records' && p.records % 5000 === 0) log(io, `  ${p.file}: ${p.records} records`);
      },
    });
    const s = result.summary;
    const serious = result.diagnostics.filter((d) => d.severity !== 'info');
    const errorsFirst = [...serious.filter((d) => d.severity === 'error'), ...serious.filter((d) => d.severity === 'warning')];
    for (const d of errorsFirst.slice(0, MAX_LISTED)) log(io, formatDiagnostic(d));
    if (errorsFirst.length > MAX_LISTED) log(io, moreDiagnosticsLine(errorsFirst.slice(MAX_LISTED)));
    if (s.tools === 0) {
      const first = result.diagnostics.find((d) => d.severity === 'error');
      throw new UserError(`no tools imported from ${s.files} file${s.files === 1 ? '' : 's'}${first ? ` (first error: ${formatLocation(first.location)}: ${first.message})` : ''}; check they are tool definitions (see docs/tool-format.md) or pass --format`);
    }
    try {
      await writeToolSet(output, result.toolSet);
    } catch (e) {
      throw new UserError(`cannot write "${values.output}": ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    for (const line of summaryLines(s, values.output)) log(io, line);
    if (values.json) {
      writeJson(io, {
        output: values.output,
        files: s.files,
        filesFailed: s.filesFailed,
        tools: s.tools,
        parameters: s.parameters,
        returnFields: s.returnFields,
        toolsWithReturns: s.toolsWithReturns,
        errors: s.errors,
        warnings: s.warnings,
        infos: s.infos,
        renamed: s.renamed,
        duplicatesSkipped: s.duplicatesSkipped,
        dropped: s.dropped,
        droppedParameters: s.droppedParameters,
        missingDescriptions: s.missingDescriptions,
        toolsWithMissing: s.toolsWithMissing,
        byFormat: s.byFormat,
        sources: result.toolSet.sources,
        durationMs: s.durationMs,
      });
    }
    return 0;
  },
};

/** "… and 3 more errors and 1421 more warnings": only the kinds there are, counted apart. */
export function moreDiagnosticsLine(rest: ReadonlyArray<{ severity: string }>): string {
  const errors = rest.filter((d) => d.severity === 'error').length;
  const warnings = rest.length - errors;
  const parts = [errors > 0 ? `${errors} more error${errors === 1 ? '' : 's'}` : '', warnings > 0 ? `${warnings} more warning${warnings === 1 ? '' : 's'}` : ''].filter(Boolean);
  return `… and ${parts.join(' and ')} (all diagnostics are in the output file)`;
}
