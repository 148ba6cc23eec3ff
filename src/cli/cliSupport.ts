/**
 * Conventions shared by every `toolflow` subcommand:
 * - `-o/--output` names the output, `--json` prints exactly one JSON object on stdout;
 * - progress and logs go to stderr;
 * - exit 0 on success, 1 on a user error with a one-line message saying what to do,
 *   never a stack trace for bad input.
 */
import { parseArgs } from 'node:util';

/** An error caused by the user's input: printed as one line, exit code 1. */
export class UserError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'UserError';
  }
}

export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
}

export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  /**
   * Every option the command accepts, with what `--help` prints. The command parses with
   * `parseOptionTable(argv, options, name)`, so an option cannot be accepted without a description
   * (test/unit/cliHelp.test.ts checks every command has a table).
   */
  options?: OptionTable;
  /** The positional arguments for `--help`, e.g. `<files or folders...>`. */
  args?: string;
  /** Worked examples for `--help`. */
  examples?: string[];
  run(argv: string[], io: CliIO): Promise<number>;
}

/** One option of a command: how parseArgs reads it and what `--help` says about it. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Placeholder of the value in `--help` (string options), e.g. `FILE`, `N`, `MIN-MAX`. */
  value?: string;
  description: string;
  /** The default as `--help` shows it; absent: no default (required, or off for a flag). */
  default?: string;
  example: string;
}

export type OptionTable = Readonly<Record<string, OptionSpec>>;

type ParseArgsOptionsOf<T extends OptionTable> = { [K in keyof T]: { type: T[K]['type']; short?: string } };

/** The `node:util` parseArgs options of a table. */
export function parseArgsOptions<T extends OptionTable>(table: T): ParseArgsOptionsOf<T> {
  const out = {} as Record<string, { type: 'string' | 'boolean'; short?: string }>;
  for (const [name, spec] of Object.entries(table)) out[name] = { type: spec.type, ...(spec.short ? { short: spec.short } : {}) };
  return out as ParseArgsOptionsOf<T>;
}

/** Levenshtein distance, for "did you mean". */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The valid option closest to what was typed (`--ofline` → `--offline`), if one is close enough. */
export function nearestOption(typed: string, table: OptionTable): string | undefined {
  const bare = typed.replace(/^-+/, '').split('=')[0]!;
  let best: { name: string; d: number } | undefined;
  for (const name of Object.keys(table)) {
    const d = name.startsWith(bare) && bare.length >= 3 ? 0.5 : editDistance(bare, name);
    if (!best || d < best.d) best = { name, d };
  }
  if (!best) return undefined;
  return best.d <= Math.max(2, Math.floor(bare.length / 3)) ? `--${best.name}` : undefined;
}

/**
 * parseArgs over an option table, with its errors as one line each: an unknown option names the
 * nearest valid one and points at `toolflow <command> --help`.
 */
export function parseOptionTable<T extends OptionTable>(argv: string[], table: T, command: string, allowPositionals = true) {
  const help = `see \`toolflow ${command} --help\``;
  try {
    return parseArgs({ args: argv, options: parseArgsOptions(table), allowPositionals, strict: true });
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const message = e instanceof Error ? e.message : String(e);
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const typed = /'([^']+)'/.exec(message)?.[1] ?? message;
      const near = nearestOption(typed, table);
      throw new UserError(`unknown option ${typed}${near ? ` (did you mean ${near}?)` : ''}; ${help} for the options`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const name = /--([\w-]+)/.exec(message)?.[1];
      const spec = name ? table[name] : undefined;
      if (name && spec?.type === 'string') throw new UserError(`--${name} needs a value (e.g. ${spec.example}); ${help}`);
      if (name && spec?.type === 'boolean') throw new UserError(`--${name} takes no value (e.g. ${spec.example}); ${help}`);
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      const arg = /'([^']+)'/.exec(message)?.[1];
      throw new UserError(`unexpected argument${arg ? ` "${arg}"` : ''}: toolflow ${command} takes options only; ${help}`);
    }
    throw new UserError(`${message.split('\n')[0]!}; ${help}`);
  }
}

/** `toolflow <command> --help`: synopsis, then every option on its own line with description, default and example. */
export function formatCommandHelp(c: CliCommand): string {
  const lines = [`toolflow ${c.name}: ${c.summary}`, '', `usage: toolflow ${c.name}${c.args ? ` ${c.args}` : ''} [options]`];
  const table = c.options ?? {};
  if (Object.keys(table).length > 0) {
    lines.push('', 'options:');
    const heads = Object.entries(table).map(([name, o]) => `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`);
    const width = Math.min(34, Math.max(...heads.map((h) => h.length)) + 2);
    Object.values(table).forEach((o, i) => {
      const head = heads[i]!;
      const extra = `default: ${o.default ?? (o.type === 'boolean' ? 'off' : 'none')}; e.g. ${o.example}`;
      const text = `${o.description} (${extra})`;
      lines.push(`  ${head.padEnd(width)}${head.length + 2 > width ? '  ' : ''}${text}`);
    });
    lines.push(`      --help${' '.repeat(Math.max(2, width - 10))}print this help`);
  }
  if (c.examples?.length) lines.push('', 'examples:', ...c.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}

/** Parses a numeric option, with a message naming the option when it is not a number in range. */
export function numberOption(value: string | undefined, name: string, fallback: number, min = -Infinity, max = Infinity): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new UserError(`--${name} must be a number${min > -Infinity ? ` ≥ ${min}` : ''}${max < Infinity ? ` ≤ ${max}` : ''}, got "${value}"`);
  }
  return n;
}

export function writeJson(io: CliIO, value: unknown): void {
  io.stdout.write(JSON.stringify(value) + '\n');
}

export function log(io: CliIO, line: string): void {
  io.stderr.write(line + '\n');
}
