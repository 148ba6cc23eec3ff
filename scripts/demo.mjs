#!/usr/bin/env node
// `npm run demo`: the main job end to end on this machine, with no model download and no API key.
//   1. build the bundles and the embedded offline embedding model;
//   2. start the LLM simulator (a TEST DOUBLE of an OpenAI-compatible server, test/support/llm-simulator);
//   3. toolflow import   real tool definitions (../shared/data/tools when present, else test fixtures)
//   4. toolflow graph    the tool graph with the embedded offline model
//   5. toolflow generate dialogues by random walks on the graph, plans and the three agents
// Everything lands in runs/demo/. Point `toolflow generate` at a real endpoint (--base-url, --model,
// OPENAI_API_KEY) to make real data: see the README.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const count = Number(process.env.DEMO_COUNT ?? 20);
const out = path.join(root, 'runs', 'demo');

function step(title, args) {
  process.stderr.write(`\n== ${title}\n$ toolflow ${args.join(' ')}\n`);
  const r = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), ...args], { cwd: root, stdio: 'inherit', env: { ...process.env, ...simEnv } });
  if (r.status !== 0) {
    process.stderr.write(`demo: "${title}" failed (exit ${r.status ?? r.signal})\n`);
    process.exit(r.status || 1);
  }
}

function build(title, script) {
  process.stderr.write(`\n== ${title}\n`);
  const r = spawnSync(process.execPath, [script], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status || 1);
}

function demoInputs() {
  const shared = path.resolve(root, '..', 'shared', 'data', 'tools');
  const picks = [path.join(shared, 'mcp', 'mcp_tools.jsonl'), path.join(shared, 'openapi', 'restgpt__spotify_oas.json'), path.join(shared, 'toolbench', 'toolenv_sample')];
  if (picks.every((p) => fs.existsSync(p))) return picks;
  return [path.join(root, 'test', 'fixtures', 'import')];
}

let simEnv = {};
build('build bundles', 'esbuild.js');
build('build embedded offline model', 'scripts/build-offline-model.mjs');

const sim = spawn(process.execPath, ['--import', 'tsx', 'test/support/llm-simulator/main.ts', '--port', '0', '--latency-ms', '20'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] });
const url = await new Promise((resolve, reject) => {
  const rl = readline.createInterface({ input: sim.stdout });
  rl.on('line', (line) => {
    const m = /listening on (\S+)/.exec(line);
    if (m) resolve(m[1]);
  });
  sim.on('exit', (code) => reject(new Error(`the LLM simulator exited (${code})`)));
});
process.stderr.write(`\nLLM simulator (test double) at ${url}\n`);
simEnv = { OPENAI_BASE_URL: url, TOOLFLOW_MODEL: 'toolflow-simulator', OPENAI_API_KEY: '' };

try {
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const tools = path.join(out, 'demo.tools.json');
  const graph = path.join(out, 'graph.json');
  step('import tools', ['import', ...demoInputs(), '-o', tools]);
  step('build the tool graph (embedded offline model)', ['graph', tools, '-o', graph, '--offline', '--ignore-generic']);
  step(`generate ${count} dialogues`, ['generate', '--tools', tools, '--graph', graph, '--count', String(count), '--out', path.join(out, 'run'), '--concurrency', '8', '--seed', '1']);
  process.stderr.write(`\nDone. Dialogues: ${path.relative(root, path.join(out, 'run', 'dialogues.jsonl'))} (one JSON object per line; format: docs/dataset-format.md)\n`);
} finally {
  sim.kill('SIGTERM');
}
