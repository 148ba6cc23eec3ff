/**
 * Conventions shared by every `toolflow` subcommand:
 * - `-o/--output` names the output, `--json` prints exactly one JSON object on stdout;
 * - progress and logs go to stderr;
 * - exit 0 on success, 1 on a user error with a one-line message saying what to do,
 *   never a stack trace for bad input.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

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
  run(argv: string[], io: CliIO): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** `node:util` parseArgs with errors turned into UserErrors that name the command's usage. */
export function parseCommandArgs<T extends Options>(argv: string[], options: T, usage: string, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    throw new UserError(e instanceof Error ? e.message.split('\n')[0]! : String(e), `usage: ${usage}`);
  }
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
