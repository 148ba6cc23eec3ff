/** The LLM simulator's command line, as the README demo and the VS Code end-to-end tests start it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { once } from 'node:events';
import { LlmClient } from '../../../src/engine/llm/llmClient';
import { singleEndpointConfig } from '../../../src/engine/llm/config';
import { LlmError } from '../../../src/engine/llm/types';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const main = path.join(repoRoot, 'test', 'support', 'llm-simulator', 'main.ts');

test('prints its base URL as one line, serves the client, applies the fault schedule, and stops on SIGTERM', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', main, '--port', '0', '--latency-ms', '20', '--fault-schedule', '1:server-error', '--no-json-schema'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    const deadline = Date.now() + 20_000;
    while (!stdout.includes('\n') && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 25));
    const m = /^LLM simulator listening on (http:\/\/127\.0\.0\.1:(\d+)\/v1)\n$/.exec(stdout);
    assert.ok(m, `unexpected stdout: ${JSON.stringify(stdout)} stderr: ${stderr}`);
    const client = new LlmClient(singleEndpointConfig({ baseURL: m[1]!, apiKey: '', model: 'sim' }, { backoffBaseMs: 5, maxRetries: 2 }));
    const r = await client.chat({ role: 'user', messages: [{ role: 'user', content: 'hi' }] });
    assert.match(r.message.content ?? '', /simulator/);
    const s = await client.structured({ role: 'tool', messages: [{ role: 'user', content: 'x' }], schemaName: 'thing', schema: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } }, validate: (v) => ({ ok: true, value: v }) });
    assert.equal(typeof (s.value as { n: number }).n, 'number');
    assert.equal(client.structuredModeFor('tool'), 'json_object', '--no-json-schema made the client fall back');
  } finally {
    child.kill('SIGTERM');
  }
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0);
  const stats = JSON.parse(stderr.trim().split('\n').pop()!) as { requests: number; faults: Record<string, number> };
  assert.equal(stats.requests, 4, 'one 500 + retry, one refused json_schema + json_object');
  assert.deepEqual(stats.faults, { 'server-error': 1 });
});

test('bad options are a one-line error with exit 1', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', main, '--fault-schedule', 'x:500'], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /bad fault schedule entry "x:500"/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});

test('a client pointed at a port nobody listens on fails at once as unreachable (connection refused is not retried)', async () => {
  const client = new LlmClient(singleEndpointConfig({ baseURL: 'http://127.0.0.1:9/v1', apiKey: '', model: 'sim' }, { backoffBaseMs: 5, maxRetries: 3 }));
  await assert.rejects(client.chat({ role: 'user', messages: [{ role: 'user', content: 'hi' }] }), (e: unknown) => {
    assert.ok(e instanceof LlmError);
    assert.equal(e.code, 'unreachable');
    assert.match(e.message, /connection refused.*ECONNREFUSED 127\.0\.0\.1:9/);
    assert.equal(e.detail.attempts, 1, 'no retry');
    assert.equal(e.detail.baseURL, 'http://127.0.0.1:9/v1');
    return true;
  });
});
