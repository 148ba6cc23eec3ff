/**
 * Runs a format's validator over a whole file: every line (Parquet: every row) is parsed and checked
 * against every rule of the format, and its tokens are counted against a limit. Each violation
 * carries its 1-based line. Used after every export and by `toolflow validate`.
 */
import fs from 'node:fs';
import { formatModule } from './formats';
import { countChatTokens } from './tokens';
import { DEFAULT_MAX_TOKENS, type ExportFormat, type Violation } from './types';
import { readParquetSamples } from './parquet';

export interface TokenStats {
  max: number;
  mean: number;
  total: number;
  overLimit: number;
  limit: number;
}

export interface FileValidation {
  file: string;
  format: ExportFormat;
  samples: number;
  violations: Violation[];
  errors: number;
  warnings: number;
  tokens: TokenStats;
  /** Tokens per sample, in line order. */
  tokenCounts: number[];
}

export interface ValidateOptions {
  maxTokens?: number;
  /** Stop listing after this many violations (counts stay exact). Default 1000. */
  maxListed?: number;
}

export function validateSamples(lines: Array<{ line: number; sample?: unknown; parseError?: string }>, format: ExportFormat, file: string, options: ValidateOptions = {}): FileValidation {
  const mod = formatModule(format);
  const limit = options.maxTokens ?? DEFAULT_MAX_TOKENS;
  const maxListed = options.maxListed ?? 1000;
  const violations: Violation[] = [];
  let errors = 0;
  let warnings = 0;
  const push = (v: Violation) => {
    if (v.severity === 'error') errors++;
    else warnings++;
    if (violations.length < maxListed) violations.push(v);
  };
  const tokenCounts: number[] = [];
  let overLimit = 0;
  for (const l of lines) {
    if (l.parseError !== undefined) {
      push({ line: l.line, rule: 'invalid_json', message: `not valid JSON: ${l.parseError}`, severity: 'error' });
      continue;
    }
    for (const v of mod.validate(l.sample)) push({ line: l.line, severity: v.severity ?? 'error', rule: v.rule, message: v.message, ...(v.pointer !== undefined ? { pointer: v.pointer } : {}) });
    let tokens = 0;
    try {
      const parts = mod.tokenParts(l.sample);
      tokens = countChatTokens(parts.messages.filter((m) => m && typeof m === 'object'), parts.tools);
    } catch {
      tokens = 0;
    }
    tokenCounts.push(tokens);
    if (tokens > limit) {
      overLimit++;
      push({ line: l.line, rule: 'token_limit', message: `${tokens} tokens (o200k_base) exceed the limit of ${limit}; trainers reject or truncate such examples`, severity: 'error' });
    }
  }
  const total = tokenCounts.reduce((a, b) => a + b, 0);
  return {
    file,
    format,
    samples: lines.length,
    violations,
    errors,
    warnings,
    tokens: { max: tokenCounts.reduce((a, b) => Math.max(a, b), 0), mean: tokenCounts.length ? Math.round(total / tokenCounts.length) : 0, total, overLimit, limit },
    tokenCounts,
  };
}

/** Splits JSON lines text into parsed samples with their 1-based line numbers (blank lines skipped). */
export function parseJsonLines(text: string): Array<{ line: number; sample?: unknown; parseError?: string }> {
  const out: Array<{ line: number; sample?: unknown; parseError?: string }> = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    try {
      out.push({ line: i + 1, sample: JSON.parse(raw) as unknown });
    } catch (e) {
      out.push({ line: i + 1, parseError: e instanceof Error ? e.message : String(e) });
    }
  });
  return out;
}

export async function validateFile(file: string, format: ExportFormat, options: ValidateOptions = {}): Promise<FileValidation> {
  if (file.endsWith('.parquet')) {
    if (format !== 'hf') throw new Error(`${file}: Parquet files are written for the hf format only; validate it with --format hf`);
    return validateSamples(await readParquetSamples(file), format, file, options);
  }
  const text = await fs.promises.readFile(file, 'utf8');
  return validateSamples(parseJsonLines(text), format, file, options);
}
