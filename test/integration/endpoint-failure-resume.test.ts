/**
 * `toolflow generate` against endpoints that fail (a port nobody listens on, a 401, a 404, a streak of
 * 500s past the retries): each run exits 1 within seconds with one line naming the role, the endpoint and
 * the cause, records no dialogue, and resumes with nothing but `--out DIR --resume` (endpoints and models
 * from the manifest; the key from the environment) once the endpoint works.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLlmSimulator, type LlmSimulator } from '../support/llm-simulator/server';
import { flightTool, weatherTool } from '../support/pipeline/builders';
import { runCli } from '../support/cliRun';
import type { DialogueRecord, RunManifest } from '../../src/engine/pipeline/types';
import { deadPort } from '../support/deadPort';

const KEY = 'sk-right-KEY-5678';
let sim: LlmSimulator;
let work: string;
let toolsFile: string;

before(async () => {
  sim = await startLlmSimulator({ seed: 'endpoint', apiKey: KEY });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'toolflow-endpoint-'));
  toolsFile = path.join(work, 'a.tools.json');
  fs.writeFileSync(toolsFile, JSON.stringify({ format: 'toolflow.tools', version: 1, sources: [], tools: [weatherTool, flightTool], diagnostics: [] }));
});
after(async () => {
  await sim.close();
});

const N = 4;
const records = (dir: string): DialogueRecord[] => {
  const file = path.join(dir, 'dialogues.jsonl');
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as DialogueRecord);
};

async function failingRun(name: string, baseURL: string, env: NodeJS.ProcessEnv) {
  const out = path.join(work, name);
  const started = Date.now();
  const r = await runCli(['generate', '--tools', toolsFile, '--count', String(N), '--out', out, '--no-graph', '--no-complete', '--concurrency', '2', '--base-url', baseURL, '--model', 'toolflow-simulator'], { cwd: work, env });
  const seconds = (Date.now() - started) / 1000;
  assert.equal(r.code, 1, r.err);
  assert.ok(seconds < 10, `exits within seconds (took ${seconds.toFixed(1)} s)`);
  // Progress and retry warnings may come first; the failure itself is one line, the last.
  const lines = r.err.trim().split('\n').filter((l) => l.startsWith('toolflow generate:'));
  assert.equal(lines.length, 1, `one line:\n${r.err}`);
  assert.ok(r.err.trim().endsWith(lines[0]!));
  assert.equal(records(out).length, 0, 'no dialogue recorded');
  assert.ok(fs.existsSync(path.join(out, 'manifest.json')), 'the run folder is there to resume');
  assert.ok(!fs.existsSync(path.join(out, 'run.lock')), 'the lock is released');
  assert.ok(!r.err.includes(KEY) && !r.err.includes('sk-wrong'), 'no key in the message');
  return { out, line: lines[0]!, seconds };
}

async function resumeOnly(out: string, env: NodeJS.ProcessEnv) {
  const r = await runCli(['generate', '--out', out, '--resume'], { cwd: work, env });
  assert.equal(r.code, 0, r.err);
  const rs = records(out);
  assert.equal(rs.length, N);
  assert.equal(new Set(rs.map((x) => x.id)).size, N);
  return r;
}

test('a dead endpoint (connection refused) stops the run at once; fixed with --base-url on resume, recorded in the manifest', async () => {
  const port = await deadPort();
  const dead = `http://127.0.0.1:${port}/v1`;
  const { out, line } = await failingRun('dead', dead, { OPENAI_API_KEY: KEY });
  assert.match(line, new RegExp(`^toolflow generate: the (planner|user) endpoint http://127\\.0\\.0\\.1:${port}/v1 \\(model toolflow-simulator\\) is unreachable: connection refused`));
  assert.match(line, /--resume/);
  // The endpoint moved: a flag on resume overrides the manifest and is recorded there.
  const r = await runCli(['generate', '--out', out, '--resume', '--base-url', sim.url], { cwd: work, env: { OPENAI_API_KEY: KEY } });
  assert.equal(r.code, 0, r.err);
  assert.equal(records(out).length, N);
  const m = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as RunManifest;
  assert.equal(m.models.assistant?.baseURL, sim.url);
  assert.equal(m.resumes?.length, 1);
  assert.deepEqual(m.resumes![0]!.changed, { baseURL: sim.url });
  assert.ok(!JSON.stringify(m).includes(KEY), 'no key in the manifest');
});

test('a 401 stops the run and names the key as the cause; --out/--resume alone finishes it with the right key in the environment', async () => {
  const { out, line } = await failingRun('auth', sim.url, { OPENAI_API_KEY: 'sk-wrong-0000' });
  assert.match(line, new RegExp(`the (planner|user) endpoint ${sim.url.replace(/[.:/]/g, '\\$&')} \\(model toolflow-simulator\\) refused the API key: HTTP 401`));
  await resumeOnly(out, { OPENAI_API_KEY: KEY });
});

test('a 404 (wrong base URL) stops the run; resume with the manifest only is refused the same way until fixed', async () => {
  const wrong = sim.url.replace(/\/v1$/, '/api/v9');
  const { out, line } = await failingRun('notfound', wrong, { OPENAI_API_KEY: KEY });
  assert.match(line, /has no such model or path \(HTTP 404\): HTTP 404/);
  assert.ok(line.includes(wrong));
  // --out/--resume alone reuses the recorded (wrong) endpoint: same failure, still nothing recorded.
  const again = await runCli(['generate', '--out', out, '--resume'], { cwd: work, env: { OPENAI_API_KEY: KEY } });
  assert.equal(again.code, 1);
  assert.ok(again.err.includes(wrong));
  assert.equal(records(out).length, 0);
  const fixed = await runCli(['generate', '--out', out, '--resume', '--base-url', sim.url], { cwd: work, env: { OPENAI_API_KEY: KEY } });
  assert.equal(fixed.code, 0, fixed.err);
  assert.equal(records(out).length, N);
});

test('a streak of 500s past the retries stops the run (no dialogue rejected as llm-failed); resume finishes it', async () => {
  sim.setFaults([{ fault: 'server-error', rate: 1 }]);
  let out: string;
  try {
    ({ out } = await failingRun('streak', sim.url, { OPENAI_API_KEY: KEY, TOOLFLOW_MAX_RETRIES: '1' }));
  } finally {
    sim.setFaults([]);
  }
  const r = await resumeOnly(out, { OPENAI_API_KEY: KEY });
  assert.match(r.err, /done: 4\/4 dialogues/);
  assert.ok(records(out).every((x) => !x.reasons.some((why) => why.code === 'llm-failed')));
});

test('resume with --out/--resume only: endpoints, models and options come from the manifest', async () => {
  const out = path.join(work, 'interrupted');
  const env = { OPENAI_API_KEY: KEY };
  const first = await runCli(['generate', '--tools', toolsFile, '--count', String(N), '--out', out, '--no-graph', '--no-complete', '--seed', '5', '--base-url', sim.url, '--model', 'toolflow-simulator', '--max-tokens', '1'], { cwd: work, env });
  assert.equal(first.code, 0, first.err);
  assert.match(first.err, /stopped \(budget-exceeded\)/);
  assert.ok(records(out).length < N);
  // Lift the budget in the manifest, as a user would after raising it.
  const file = path.join(out, 'manifest.json');
  const m = JSON.parse(fs.readFileSync(file, 'utf8')) as RunManifest;
  delete m.options.maxTokens;
  fs.writeFileSync(file, JSON.stringify(m));
  const before = sim.stats.requests;
  await resumeOnly(out, env);
  assert.ok(sim.stats.requests > before, 'the resume talked to the recorded endpoint');
  assert.ok(records(out).every((r) => r.seed !== undefined));
  const after = JSON.parse(fs.readFileSync(file, 'utf8')) as RunManifest;
  assert.equal(after.resumes, undefined, 'a resume without flags changes nothing in the manifest');
});
