/**
 * `toolflow validate FILE --format openai|hf|sharegpt|hermes [--max-tokens N] [--json]`: checks every
 * line (Parquet: every row) of an exported file against every rule of its format and counts its
 * tokens (o200k_base) against a limit. Each violation is printed as `FILE:LINE rule: message (pointer)`.
 * Exit 0 when no rule is broken, 1 otherwise.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_MAX_TOKENS, EXPORT_FORMATS, validateFile, type ExportFormat, type FileValidation } from '../../engine/export';
import { UserError, log, numberOption, parseOptionTable, writeJson, type CliCommand, type CliIO, type OptionTable } from '../cliSupport';

const USAGE = 'toolflow validate <file.jsonl|file.parquet> --format openai|hf|sharegpt|hermes [--max-tokens N] [--json]';

export function formatOption(value: string | undefined, usage: string): ExportFormat {
  if (value === undefined) throw new UserError('missing --format: one of openai, hf, sharegpt, hermes', `usage: ${usage}`);
  if (!(EXPORT_FORMATS as readonly string[]).includes(value)) throw new UserError(`unknown --format "${value}"; use one of ${EXPORT_FORMATS.join(', ')}`);
  return value as ExportFormat;
}

/** Prints a validation report (violations with their lines, token figures) on stderr. */
export function printValidation(io: CliIO, v: FileValidation, shownAs: string, listLimit = 50): void {
  for (const x of v.violations.slice(0, listLimit)) log(io, `${shownAs}:${x.line} ${x.severity === 'warning' ? 'warning ' : ''}${x.rule}: ${x.message}${x.pointer ? ` (${x.pointer})` : ''}`);
  const more = v.errors + v.warnings - Math.min(listLimit, v.violations.length);
  if (more > 0) log(io, `… and ${more} more (use --json for the full list)`);
  log(
    io,
    `${shownAs}: ${v.samples} sample(s), ${v.errors} error(s), ${v.warnings} warning(s); tokens (o200k_base) mean ${v.tokens.mean}, max ${v.tokens.max}, ${v.tokens.overLimit} over the limit of ${v.tokens.limit}`,
  );
}

const VALIDATE_OPTIONS = {
  format: { type: 'string', short: 'f', value: 'F', description: 'the format whose rules to check: openai, hf, sharegpt or hermes', default: 'required', example: '--format openai' },
  'max-tokens': { type: 'string', value: 'N', description: 'token limit per sample (o200k_base)', default: '65536', example: '--max-tokens 16384' },
  json: { type: 'boolean', description: 'print every violation as one JSON object on stdout', example: '--json' },
} as const satisfies OptionTable;

export const validateCommand: CliCommand = {
  name: 'validate',
  summary: 'check an exported dataset file against every rule of its format, with token counts',
  usage: USAGE,
  options: VALIDATE_OPTIONS,
  args: '<file>',
  async run(argv, io) {
    const { values, positionals } = parseOptionTable(argv, VALIDATE_OPTIONS, 'validate');
    if (positionals.length !== 1) throw new UserError('name exactly one exported file', `usage: ${USAGE}`);
    const format = formatOption(values.format, USAGE);
    const maxTokens = numberOption(values['max-tokens'], 'max-tokens', DEFAULT_MAX_TOKENS, 1);
    const file = path.resolve(io.cwd, positionals[0]!);
    if (!fs.existsSync(file)) throw new UserError(`${positionals[0]} does not exist`);
    let v: FileValidation;
    try {
      v = await validateFile(file, format, { maxTokens });
    } catch (e) {
      throw new UserError(`cannot read ${positionals[0]}: ${e instanceof Error ? e.message : String(e)}`);
    }
    printValidation(io, v, positionals[0]!);
    if (values.json) writeJson(io, { ...v, file: positionals[0], tokenCounts: undefined });
    return v.errors === 0 ? 0 : 1;
  },
};
