/**
 * Crash test: a `toolflow generate` child process is killed with SIGKILL at random (seeded) moments
 * at least 10 times and resumed with `--resume` until it finishes. The run must end with exactly N
 * distinct dialogues, no duplicate or broken line, and each dialogue offering the same tools as an
 * uninterrupted run with the same seed (random walks over the tool graph of 40 real MCP tools).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { importPaths, writeToolSet } from '../../src/engine/import';
import { main } from '../../src/cli/main';
import { startLlmSimulator, type LlmSimulator } from '../support/llm-simulator/server';
import { createRng } from '../../src/engine/pipeline/random';
import type { DialogueRecord } from '../../src/engine/pipeline/types';

const repoRoot = path.resolve(__dirname, '..', '..');
const sharedTools = path.resolve(repoRoot, '..', 'shared', 'data', 'tools');
const N = 20;
const KILLS = 12;
const SEED = '11';

let sim: LlmSimulator;
let work: string;
let toolsFile: string;
let graphFile: string;

before(async () => {
  sim = await startLlmSimulator({ seed: 'crash', latencyMs: 40 });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'toolflow-crash-'));
  const imported = await importPaths([path.join(sharedTools, 'mcp', 'mcp_tools.jsonl')]);
  assert.ok(imported.toolSet.tools.length > 40);
  toolsFile = path.join(work, 'mcp.tools.json');
  await writeToolSet(toolsFile, { ...imported.toolSet, tools: imported.toolSet.tools.slice(0, 40) });
  // The tool graph with the embedded offline model: dialogues sample tools by random walk.
  graphFile = path.join(work, 'graph.json');
  const io = quietIo();
  assert.equal(await main(['graph', toolsFile, '-o', graphFile, '--offline'], io), 0);
});

function quietIo() {
  const io = { stdout: new PassThrough(), stderr: new PassThrough(), env: env(), cwd: work, signal: new AbortController().signal };
  io.stdout.resume();
  io.stderr.resume();
  return io;
}
after(async () => {
  await sim.close();
});

const env = () => ({ ...process.env, OPENAI_BASE_URL: sim.url, TOOLFLOW_MODEL: 'toolflow-simulator', OPENAI_API_KEY: '', TOOLFLOW_CACHE_DIR: path.join(work, 'cache') });
const common = (out: string) => ['generate', '--tools', toolsFile, '--count', String(N), '--out', out, '--seed', SEED, '--concurrency', '3', '--graph', graphFile, '--no-complete'];

function lines(dir: string): DialogueRecord[] {
  const text = fs.readFileSync(path.join(dir, 'dialogues.jsonl'), 'utf8');
  assert.ok(text === '' || text.endsWith('\n'), 'the finished file ends with a whole line');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as DialogueRecord);
}

type KillPlan =
  /** SIGKILL this long after spawn (may hit start-up, graph loading, or generation). */
  | { after: 'spawn'; ms: number }
  /** SIGKILL `ms` after the run folder holds `lines` dialogues (hits generation mid-run). */
  | { after: 'lines'; lines: number; ms: number }
  | null;

function lineCount(dir: string): number {
  try {
    return fs.readFileSync(path.join(dir, 'dialogues.jsonl'), 'utf8').split('\n').length - 1;
  } catch {
    return 0;
  }
}

/** Spawns the CLI and kills it with SIGKILL as planned. */
function runChild(args: string[], dir: string, plan: KillPlan): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src', 'cli', 'main.ts'), ...args], { cwd: repoRoot, env: env(), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    let poll: NodeJS.Timeout | undefined;
    const kill = (ms: number) => {
      timer ??= setTimeout(() => child.kill('SIGKILL'), ms);
    };
    if (plan?.after === 'spawn') kill(plan.ms);
    if (plan?.after === 'lines') {
      poll = setInterval(() => {
        if (lineCount(dir) >= plan.lines) {
          clearInterval(poll);
          kill(plan.ms);
        }
      }, 20);
    }
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (poll) clearInterval(poll);
      resolve({ code, signal, stderr });
    });
  });
}

test(`SIGKILL ${KILLS}x at random moments + --resume gives exactly N dialogues with the uninterrupted run's tools`, { timeout: 170_000 }, async (t) => {
  // The uninterrupted reference run (in-process, same CLI code).
  const refDir = path.join(work, 'reference');
  assert.equal(await main(common(refDir), quietIo()), 0);
  const reference = new Map(lines(refDir).map((d) => [d.index, d.tools.map((t) => t.function.name)]));
  assert.equal(reference.size, N);
  const manifest = JSON.parse(fs.readFileSync(path.join(refDir, 'manifest.json'), 'utf8')) as { options: { sampling: string } };
  assert.equal(manifest.options.sampling, 'walk');

  const rng = createRng(20251122);
  const verify = (dir: string) => {
    const got = lines(dir);
    assert.equal(got.length, N, 'exactly N lines: nothing lost, nothing duplicated');
    assert.deepEqual(got.map((d) => d.index).sort((a, b) => a - b), Array.from({ length: N }, (_, i) => i));
    assert.equal(new Set(got.map((d) => d.id)).size, N);
    for (const d of got) assert.deepEqual(d.tools.map((x) => x.function.name), reference.get(d.index), `dialogue ${d.index} offers the same tools`);
  };
  let kills = 0;
  let spawns = 0;
  const progressAtKill: number[] = [];
  // Cycles: a fresh run folder, killed and resumed until it finishes; repeated until KILLS kills landed.
  for (let cycle = 0; kills < KILLS; cycle++) {
    const dir = path.join(work, `crashed-${cycle}`);
    for (;;) {
      assert.ok(spawns++ < KILLS * 4, 'too many spawns');
      const started = fs.existsSync(path.join(dir, 'manifest.json'));
      const last = kills >= KILLS;
      // A third of the kills land at a random moment after spawn (often start-up), the rest a random
      // few ms after a random number of further dialogues was written (mid-generation).
      const now = lineCount(dir);
      const plan: KillPlan = last
        ? null
        : rng() < 1 / 3
          ? { after: 'spawn', ms: 200 + Math.floor(rng() * 4000) }
          : { after: 'lines', lines: Math.min(N - 1, now + 1 + Math.floor(rng() * 4)), ms: Math.floor(rng() * 150) };
      const r = await runChild([...common(dir), ...(started ? ['--resume'] : [])], dir, plan);
      if (r.signal === 'SIGKILL') {
        kills++;
        const file = path.join(dir, 'dialogues.jsonl');
        progressAtKill.push(fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').length - 1 : 0);
        continue;
      }
      assert.equal(r.code, 0, r.stderr);
      break;
    }
    verify(dir);
  }
  t.diagnostic(`${kills} kills over ${spawns} processes; dialogues on disk at each kill: ${progressAtKill.join(', ')}`);
  // The kills really interrupted a run in progress at different points.
  assert.ok(new Set(progressAtKill).size >= 3, `kills landed at progress ${progressAtKill.join(',')}`);
});
