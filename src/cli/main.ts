/** `toolflow`: the headless CLI on the same engine as the VS Code extension. */
import { commands } from './commands';
import { formatCommandHelp, UserError, type CliIO } from './cliSupport';
import { version as packageVersion } from '../../package.json';

declare const TOOLFLOW_BUILD_VERSION: string | undefined;

/** The package version: injected by esbuild.js into dist/cli.js, read from package.json when run from source. */
export function toolflowVersion(): string {
  return typeof TOOLFLOW_BUILD_VERSION === 'string' ? TOOLFLOW_BUILD_VERSION : packageVersion;
}

function usage(): string {
  const lines = ['usage: toolflow <command> [options]', '', 'commands:'];
  for (const c of commands) lines.push(`  ${c.name.padEnd(10)} ${c.summary}`);
  lines.push('', 'options:', '  --help, -h     this list', '  --version, -V  the version of ToolFlow Studio');
  lines.push('', 'Run `toolflow <command> --help` for the options of a command.');
  return lines.join('\n');
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage() + '\n');
    return name ? 0 : 1;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`${toolflowVersion()}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`toolflow: unknown command "${name}". Run \`toolflow --help\` to see the commands.\n`);
    return 1;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(command.options ? `${formatCommandHelp(command)}\n` : `usage: ${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UserError) {
      io.stderr.write(`toolflow ${name}: ${e.message}${e.hint ? `\n${e.hint}` : ''}\n`);
      return 1;
    }
    if (io.signal.aborted) {
      io.stderr.write(`toolflow ${name}: cancelled\n`);
      return 130;
    }
    // A bug, not bad input: keep the stack so it can be reported.
    io.stderr.write(`toolflow ${name}: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 2;
  }
}

if (require.main === module) {
  // `toolflow sample --json | head` closes stdout early: that is the reader's choice, not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  const controller = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => controller.abort(new Error(sig)));
  }
  const io: CliIO = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), signal: controller.signal };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`toolflow: internal error: ${String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
