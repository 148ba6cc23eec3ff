/**
 * A CLI that explains itself: `--help` of every command lists every option it accepts on its own line
 * with a description, a default and an example (from the command's one option table); unknown options
 * name the nearest valid one; `--version` is the package version; progress lines say what happens.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from '../support/cliRun';
import { commands } from '../../src/cli/commands';
import { nearestOption, parseOptionTable, UserError, type CliIO } from '../../src/cli/cliSupport';
import { formatBytes, progressLogger } from '../../src/cli/commands/graph';
import { moreDiagnosticsLine } from '../../src/cli/commands/import';
import { version } from '../../package.json';

const repoRoot = path.resolve(__dirname, '..', '..');

test('every command has an option table, and `toolflow <command> --help` lists each option on its own line with description, default and example', async () => {
  for (const c of commands) {
    assert.ok(c.options, `toolflow ${c.name} has no option table (CliCommand.options): its --help cannot explain its options`);
    const r = await runCli([c.name, '--help']);
    assert.equal(r.code, 0);
    const lines = r.out.split('\n');
    for (const [name, spec] of Object.entries(c.options)) {
      assert.ok(spec.description.trim().length >= 10, `${c.name} --${name}: a real description`);
      assert.match(spec.example, new RegExp(`(^|\\s)(--${name}|-${spec.short ?? '\\0'})\\b`), `${c.name} --${name}: the example uses the option`);
      const line = lines.filter((l) => new RegExp(`^\\s+(-\\w, )?--${name}(?=\\s|$)`).test(l));
      assert.equal(line.length, 1, `${c.name} --help: one line for --${name}`);
      assert.ok(line[0]!.includes(spec.description), `${c.name} --${name}: description on its line`);
      assert.match(line[0]!, /\(default: .+; e\.g\. .+\)$/, `${c.name} --${name}: default and example on its line`);
    }
  }
});

test('every option a command accepts is in its table: commands parse only through parseOptionTable', () => {
  // A command that called parseArgs (or the old parseCommandArgs) itself could accept options its
  // --help never mentions; this fails as soon as one does.
  const dir = path.join(repoRoot, 'src', 'cli', 'commands');
  const files = fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.ts'));
  for (const f of files) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    assert.doesNotMatch(text, /\bparseArgs\s*\(|\bparseCommandArgs\s*\(/, `src/cli/commands/${f} parses options outside its option table`);
  }
  // And the table is what parseArgs accepts: every option parses, anything else is refused.
  for (const c of commands) {
    for (const [name, spec] of Object.entries(c.options ?? {})) {
      const argv = spec.type === 'string' ? [`--${name}`, 'x'] : [`--${name}`];
      const { values } = parseOptionTable(argv, c.options!, c.name);
      assert.ok(name in values, `${c.name} accepts --${name}`);
    }
    assert.throws(() => parseOptionTable(['--not-an-option'], c.options!, c.name), UserError);
  }
});

test('an unknown option: one line naming the nearest valid option and pointing at --help', async () => {
  const r = await runCli(['generate', '--ofline', '--out', 'x']);
  assert.equal(r.code, 1);
  assert.equal(r.err, 'toolflow generate: unknown option --ofline (did you mean --offline?); see `toolflow generate --help` for the options\n');
  const g = await runCli(['graph', 'a.json', '--treshold', '0.8']);
  assert.match(g.err, /^toolflow graph: unknown option --treshold \(did you mean --threshold\?\)/);
  assert.equal(g.err.trim().split('\n').length, 1);
  const far = await runCli(['sample', 'g.json', '--frobnicate']);
  assert.doesNotMatch(far.err, /did you mean/, 'no wild guesses');
  assert.match(far.err, /see `toolflow sample --help`/);
  assert.doesNotMatch(r.err + g.err + far.err, /'--|"--/, 'no raw parseArgs text');
  const missing = await runCli(['generate', '--out']);
  assert.equal(missing.err, 'toolflow generate: --out needs a value (e.g. --out runs/first); see `toolflow generate --help`\n');
  assert.equal(nearestOption('--resum', commands.find((c) => c.name === 'generate')!.options!), '--resume');
});

test('toolflow --help lists each command on one line; --version prints the package version', async () => {
  const r = await runCli(['--help']);
  for (const c of commands) assert.ok(r.out.split('\n').some((l) => l.trim().startsWith(c.name) && l.includes(c.summary)), c.name);
  const v = await runCli(['--version']);
  assert.equal(v.code, 0);
  assert.equal(v.out, `${version}\n`);
  assert.notEqual(version, 'dev');
});

function captureIo(): { io: CliIO; err: () => string } {
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  return { io: { stdout: new PassThrough(), stderr, env: {}, cwd: process.cwd(), signal: new AbortController().signal }, err: () => err };
}

test('progress lines: no download line offline, byte counts that are not "0/0 MB", counts that reach their total', () => {
  const offline = captureIo();
  const log = progressLogger(offline.io, true);
  log({ type: 'model-download', model: 'toolflow-glove-100d', file: 'config.json', loaded: 300, total: 300 });
  for (let done = 160; done <= 3254; done += 160) log({ type: 'embed', done: Math.min(done, 3254), total: 3254 });
  log({ type: 'embed', done: 3254, total: 3254 });
  assert.doesNotMatch(offline.err(), /download/);
  assert.match(offline.err(), /embedded 3254\/3254\n$/, 'the last line reaches the total');
  const online = captureIo();
  progressLogger(online.io)({ type: 'model-download', model: 'Xenova/all-MiniLM-L6-v2', file: 'config.json', loaded: 650, total: 650 });
  assert.equal(online.err(), '  downloading config.json: 1 kB of 1 kB\n');
  assert.equal(formatBytes(90_400_000), '90.4 MB');
  assert.equal(moreDiagnosticsLine(Array.from({ length: 1424 }, () => ({ severity: 'warning' }))), '… and 1424 more warnings (all diagnostics are in the output file)');
  assert.equal(moreDiagnosticsLine([{ severity: 'error' }, { severity: 'warning' }, { severity: 'warning' }]), '… and 1 more error and 2 more warnings (all diagnostics are in the output file)');
});
