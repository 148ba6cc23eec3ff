/** Runs the `toolflow` CLI in-process (its real `main`) and captures stdout, stderr and the exit code. */
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/cliSupport';

export interface CliOutcome {
  code: number;
  out: string;
  err: string;
}

export function captureIo(cwd: string = process.cwd(), env: NodeJS.ProcessEnv = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const io: CliIO = { stdout, stderr, env, cwd, signal: new AbortController().signal };
  return { io, out: () => out, err: () => err };
}

export async function runCli(argv: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliOutcome> {
  const t = captureIo(opts.cwd, opts.env);
  const code = await main(argv, t.io);
  return { code, out: t.out(), err: t.err() };
}
