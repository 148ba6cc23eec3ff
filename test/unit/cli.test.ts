import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../support/cliRun';

test('unknown subcommand is a one-line user error with exit 1', async () => {
  const r = await runCli(['frobnicate']);
  assert.equal(r.code, 1);
  assert.match(r.err, /unknown command "frobnicate"/);
  assert.equal(r.err.trim().split('\n').length, 1);
});

test('--help lists every subcommand', async () => {
  const r = await runCli(['--help']);
  assert.equal(r.code, 0);
  for (const name of ['import', 'graph', 'calibrate', 'sample', 'generate']) assert.match(r.out, new RegExp(`\\b${name}\\b`));
});
