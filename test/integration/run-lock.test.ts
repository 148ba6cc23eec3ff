/**
 * One writer per run folder, with real processes: two `toolflow generate` processes on one run folder
 * (the second refused with the holder named, the first finishing with exactly N distinct dialogues), and
 * a writer killed with SIGKILL whose stale lock the next resume takes over.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLlmSimulator, type LlmSimulator } from '../support/llm-simulator/server';
import { flightTool, weatherTool } from '../support/pipeline/builders';
import { runCli } from '../support/cliRun';
import type { DialogueRecord } from '../../src/engine/pipeline/types';
import type { RunLockHolder } from '../../src/engine/pipeline/runLock';

const repoRoot = path.resolve(__dirname, '..', '..');
const N = 12;
let sim: LlmSimulator;
let work: string;
let toolsFile: string;

before(async () => {
  // Some latency so a writer is mid-run when a test acts; the lock test does not depend on it (it holds the simulator's answers).
  sim = await startLlmSimulator({ seed: 'lock', latencyMs: 60 });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'toolflow-lock-'));
  toolsFile = path.join(work, 'a.tools.json');
  fs.writeFileSync(toolsFile, JSON.stringify({ format: 'toolflow.tools', version: 1, sources: [], tools: [weatherTool, flightTool], diagnostics: [] }));
});
after(async () => {
  await sim.close();
});

const env = () => ({ PATH: process.env.PATH, OPENAI_BASE_URL: sim.url, TOOLFLOW_MODEL: 'toolflow-simulator', OPENAI_API_KEY: '' });
const startArgs = (out: string) => ['generate', '--tools', toolsFile, '--count', String(N), '--out', out, '--no-graph', '--no-complete', '--concurrency', '2', '--seed', '3'];

function spawnCli(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; stderr: string }> } {
  // cwd: the checkout, where `--import tsx` resolves; every path given is absolute.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src', 'cli', 'main.ts'), ...args], { cwd: repoRoot, env: env(), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
  return { child, done };
}

async function waitFor(check: () => boolean, what: string, child: ChildProcess, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (child.exitCode !== null) throw new Error(`the writer exited (${child.exitCode}) before ${what}`);
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const records = (dir: string): DialogueRecord[] => {
  const file = path.join(dir, 'dialogues.jsonl');
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as DialogueRecord);
};

test('two processes on one run folder: the second is refused naming the holder; the first finishes with exactly N distinct dialogues', { timeout: 120_000 }, async () => {
  const out = path.join(work, 'shared-run');
  const first = spawnCli(startArgs(out));
  const lockFile = path.join(out, 'run.lock');
  await waitFor(() => fs.existsSync(lockFile) && records(out).length >= 1, 'the first process to write', first.child);
  // The first process cannot finish while the simulator holds its answers, however long the others take to start under load.
  const release = sim.hold();
  try {
    const holder = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as RunLockHolder;
    assert.equal(holder.pid, first.child.pid);
    assert.equal(holder.owner, 'toolflow generate');
    assert.equal(first.child.exitCode, null, 'the first process is still running');
    assert.ok(records(out).length < N, 'the first process has dialogues left to write');

    // Another process resuming the same folder (Resume pressed twice, CLI and extension at once)...
    const second = await spawnCli(['generate', '--out', out, '--resume']).done;
    assert.equal(second.code, 1);
    const line = second.stderr.trim();
    assert.equal(line.split('\n').length, 1, line);
    assert.match(line, new RegExp(`is being written by toolflow generate \\(pid ${first.child.pid} on ${os.hostname().replace(/[.]/g, '\\.')}, since ${holder.startedAt.replace(/[.]/g, '\\.')}\\)`));
    // ...and one starting a new run there: refused the same way, nothing written.
    const third = await runCli(startArgs(out), { cwd: work, env: env() });
    assert.equal(third.code, 1);
    assert.match(third.err, new RegExp(`pid ${first.child.pid}`));
    assert.equal(first.child.exitCode, null, 'the first process was still running while both were refused');
    assert.ok(fs.existsSync(lockFile), 'and still held the lock');
  } finally {
    release();
  }

  const r = await first.done;
  assert.equal(r.code, 0, r.stderr);
  const rs = records(out);
  assert.equal(rs.length, N, 'exactly N lines');
  assert.equal(new Set(rs.map((x) => x.id)).size, N, 'N distinct dialogues');
  assert.ok(!fs.existsSync(lockFile), 'the lock is released at the end');
});

test('a stale lock (its writer killed with SIGKILL) is taken over by the next resume, which finishes the run', { timeout: 120_000 }, async () => {
  const out = path.join(work, 'killed-run');
  const victim = spawnCli(startArgs(out));
  await waitFor(() => records(out).length >= 2, 'the writer to record two dialogues', victim.child);
  victim.child.kill('SIGKILL');
  await victim.done;
  const lockFile = path.join(out, 'run.lock');
  assert.ok(fs.existsSync(lockFile), 'SIGKILL leaves the lock behind');
  assert.equal((JSON.parse(fs.readFileSync(lockFile, 'utf8')) as RunLockHolder).pid, victim.child.pid);

  const r = await runCli(['generate', '--out', out, '--resume'], { cwd: work, env: env() });
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, new RegExp(`took over the lock of toolflow generate \\(pid ${victim.child.pid} `));
  const rs = records(out);
  assert.equal(new Set(rs.map((x) => x.id)).size, N);
  assert.equal(rs.length, N);
  assert.ok(!fs.existsSync(lockFile));
});

test('Ctrl-C (SIGINT) cancels the run and releases the lock; the run then resumes to N', { timeout: 120_000 }, async () => {
  const out = path.join(work, 'cancelled-run');
  const writer = spawnCli(startArgs(out));
  const lockFile = path.join(out, 'run.lock');
  await waitFor(() => fs.existsSync(lockFile) && records(out).length >= 1, 'the writer to record a dialogue', writer.child);
  writer.child.kill('SIGINT');
  const r = await writer.done;
  assert.equal(r.code, 130, r.stderr);
  assert.ok(!fs.existsSync(lockFile), 'cancel releases the lock');
  const again = await runCli(['generate', '--out', out, '--resume'], { cwd: work, env: env() });
  assert.equal(again.code, 0, again.err);
  assert.doesNotMatch(again.err, /took over/, 'nothing stale to take over');
  assert.equal(new Set(records(out).map((x) => x.id)).size, N);
});
