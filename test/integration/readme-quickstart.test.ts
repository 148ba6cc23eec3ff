/**
 * The README's first quick-start command, exactly as a newcomer runs it: read from README.md, run in a
 * fresh `git clone` of this repository's HEAD in a temporary folder, with a clean environment (PATH and an
 * empty HOME; `npm_config_cache` points npm at this machine's package cache so the install does not
 * download again — nothing else is set). Then the demo's dialogues are checked.
 *
 * Slow by nature (a full `npm ci`, the bundles, the embedded model, the demo): about 2 minutes on an idle
 * 2-core machine, 4 to 8 minutes on a busy one. The duration is printed and written to test-artifacts/quickstart.json.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DialogueRecord } from '../../src/engine/pipeline/types';

const repoRoot = path.resolve(__dirname, '..', '..');

/** The first command of the first code block under "## Quick start", without its trailing comment. */
export function firstQuickStartCommand(readme: string): string {
  const section = readme.split(/^## /m).find((s) => s.startsWith('Quick start'));
  assert.ok(section, 'README.md has a "## Quick start" section');
  const block = /```(?:bash|sh|shell)?\n([\s\S]*?)```/.exec(section);
  assert.ok(block, 'the quick start has a code block');
  const line = block[1]!.split('\n').map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#'));
  assert.ok(line, 'the code block has a command');
  return line.replace(/\s+#.*$/, '').trim();
}

function npmCache(): string {
  const r = spawnSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' });
  const dir = r.status === 0 ? r.stdout.trim() : '';
  return dir !== '' ? dir : path.join(os.homedir(), '.npm');
}

test('README quick start: the first command works in a fresh clone with a clean environment', { timeout: 30 * 60_000 }, async (t) => {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const command = firstQuickStartCommand(readme);
  t.diagnostic(`command: ${command}`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'toolflow-quickstart-'));
  const clone = path.join(work, 'repo');
  const home = path.join(work, 'home');
  fs.mkdirSync(home);
  const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).stdout.trim();
  assert.match(head, /^[0-9a-f]{40}$/);
  const cloned = spawnSync('git', ['clone', '--quiet', '--no-checkout', repoRoot, clone], { encoding: 'utf8' });
  assert.equal(cloned.status, 0, cloned.stderr);
  const checkout = spawnSync('git', ['checkout', '--quiet', head], { cwd: clone, encoding: 'utf8' });
  assert.equal(checkout.status, 0, checkout.stderr);

  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, npm_config_cache: npmCache() };
  const started = Date.now();
  const child = spawn('bash', ['-c', command], { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const seconds = (Date.now() - started) / 1000;
  t.diagnostic(`the quick start took ${seconds.toFixed(0)} s`);
  fs.mkdirSync(path.join(repoRoot, 'test-artifacts'), { recursive: true });
  fs.writeFileSync(path.join(repoRoot, 'test-artifacts', 'quickstart.json'), JSON.stringify({ command, head, seconds }, null, 2) + '\n');
  assert.equal(code, 0, `"${command}" failed in a fresh clone:\n${output.slice(-4000)}`);
  // Project config covers every install script, so npm has nothing to warn about there; nothing is
  // fetched from outside the npm registry (onnxruntime-node's CUDA download is skipped).
  assert.doesNotMatch(output, /install-scripts/, 'npm warned about install scripts not covered by allowScripts');
  assert.doesNotMatch(output, /ENOTFOUND|api\.nuget\.org/);

  // The demo's dialogues: 20 records, distinct, each a real multi-turn tool-calling dialogue.
  const file = path.join(clone, 'runs', 'demo', 'run', 'dialogues.jsonl');
  const records = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as DialogueRecord);
  assert.equal(records.length, 20, 'the README promises 20 dialogues');
  assert.equal(new Set(records.map((r) => r.id)).size, 20, 'distinct dialogue ids');
  const accepted = records.filter((r) => r.status === 'accepted');
  assert.ok(accepted.length >= 15, `most demo dialogues pass the filter (${accepted.length}/20 accepted)`);
  for (const r of accepted) {
    assert.ok(r.tools.length >= 1, `${r.id} offers tools`);
    assert.ok(r.messages.some((m) => m.role === 'user'), `${r.id} has a user turn`);
    const calls = r.messages.flatMap((m) => (m.role === 'assistant' ? (m.tool_calls ?? []) : []));
    const results = new Set(r.messages.flatMap((m) => (m.role === 'tool' ? [m.tool_call_id] : [])));
    for (const c of calls) assert.ok(results.has(c.id), `${r.id}: call ${c.id} has a result`);
  }
  assert.ok(accepted.some((r) => r.messages.some((m) => m.role === 'assistant' && (m.tool_calls?.length ?? 0) > 0)), 'some dialogue calls a tool');
  // No side effects beside inputs: nothing but the run folder's own files.
  assert.deepEqual(fs.readdirSync(path.join(clone, 'runs', 'demo')).sort(), ['demo.tools.json', 'graph.json', 'run']);
  fs.rmSync(work, { recursive: true, force: true });
});
