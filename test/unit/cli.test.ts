import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main';

function io() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  return { io: { stdout, stderr, env: {}, cwd: process.cwd(), signal: new AbortController().signal }, out: () => out, err: () => err };
}

test('unknown subcommand is a one-line user error with exit 1', async () => {
  const t = io();
  const code = await main(['frobnicate'], t.io);
  assert.equal(code, 1);
  assert.match(t.err(), /unknown command "frobnicate"/);
  assert.equal(t.err().trim().split('\n').length, 1);
});

test('--help lists every subcommand', async () => {
  const t = io();
  assert.equal(await main(['--help'], t.io), 0);
  for (const name of ['import', 'graph', 'calibrate', 'sample', 'generate']) assert.match(t.out(), new RegExp(`\\b${name}\\b`));
});
