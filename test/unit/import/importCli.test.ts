/**
 * `toolflow import` through the real CLI entry (`main()` in-process, and the built bundle once):
 * --json shape, exit codes, one-line errors without stack traces, the written file.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readToolSet } from '../../../src/engine/import';
import { importFixtures, repoRoot, sharedTools } from '../../support/importData';
import { runCli } from '../../support/cliRun';

const run = (args: string[], cwd = process.cwd()) => runCli(['import', ...args], { cwd });

const tmp = () => mkdtempSync(path.join(tmpdir(), 'tf-cli-'));

describe('toolflow import', () => {
  test('--json prints exactly one JSON object with the summary numbers; the set is written', async () => {
    const dir = tmp();
    const r = await run([path.join(sharedTools, 'mcp'), path.join(sharedTools, 'openapi'), '-o', 'out.tools.json', '--json'], dir);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trim().split('\n');
    assert.equal(lines.length, 1);
    const j = JSON.parse(lines[0]!) as Record<string, unknown>;
    for (const k of ['tools', 'parameters', 'returnFields', 'warnings', 'errors', 'byFormat', 'files', 'output']) assert.ok(k in j, k);
    assert.equal(j.tools, 217);
    assert.deepEqual(j.byFormat, { mcp: { files: 1, tools: 175 }, openapi: { files: 2, tools: 42 } });
    const set = await readToolSet(path.join(dir, 'out.tools.json'));
    assert.equal(set.tools.length, 217);
    assert.match(r.err, /imported 217 tools/);
    assert.match(r.err, /per format: mcp 175 tools/);
  });

  test('without --json nothing goes to stdout; the summary is on stderr', async () => {
    const dir = tmp();
    const r = await run([path.join(importFixtures, 'api-bank.json'), '-o', path.join(dir, 'x.tools.json')]);
    assert.equal(r.code, 0);
    assert.equal(r.out, '');
    assert.match(r.err, /imported 2 tools \(5 parameters, 3 return fields/);
  });

  const userErrors: Array<[string, string[], RegExp]> = [
    ['no input', ['-o', 'x.json'], /no input/],
    ['no -o', [path.join(importFixtures, 'api-bank.json')], /missing -o/],
    ['unknown format', [path.join(importFixtures, 'api-bank.json'), '-o', 'x.json', '--format', 'yaml'], /unknown --format "yaml"/],
    ['unreadable path', ['does/not/exist.json', '-o', 'x.json'], /cannot read "does\/not\/exist.json": no such file or folder/],
    ['unknown option', [path.join(importFixtures, 'api-bank.json'), '-o', 'x.json', '--frob'], /unknown option --frob; see `toolflow import --help`/],
  ];
  for (const [name, args, msg] of userErrors) {
    test(`user error (${name}): exit 1, one line, no stack trace`, async () => {
      const dir = tmp();
      const r = await run(args, dir);
      assert.equal(r.code, 1);
      const first = r.err.trim().split('\n')[0]!;
      assert.match(first, /^toolflow import: /);
      assert.match(first, msg);
      assert.ok(!/\n\s+at /.test(r.err), 'no stack trace');
      assert.ok(!existsSync(path.join(dir, 'x.json')));
    });
  }

  test('nothing imported: exit 1 naming the first error with its location', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'notes.json'), '{"hello": "world"}');
    writeFileSync(path.join(dir, 'broken.json'), '{"tools": [\n  {"name": "x",\n');
    const r = await run(['notes.json', 'broken.json', '-o', 'x.tools.json'], dir);
    assert.equal(r.code, 1);
    const last = r.err.trim().split('\n').filter((l) => l.startsWith('toolflow import:'));
    assert.equal(last.length, 1);
    assert.match(last[0]!, /no tools imported from 2 files \(first error: notes.json:1:1: not recognised/);
    assert.match(r.err, /broken.json:3:\d+: error \[parse-error\]/);
    assert.ok(!existsSync(path.join(dir, 'x.tools.json')));
  });

  test('a bad file in a batch does not stop the others', async () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'in'));
    writeFileSync(path.join(dir, 'in', 'a-broken.json'), '\u0000\u0001binary junk');
    writeFileSync(path.join(dir, 'in', 'b.json'), readFileSync(path.join(importFixtures, 'paper-figure2.json')));
    const r = await run(['in', '-o', 'x.tools.json', '--json'], dir);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as { tools: number; errors: number; filesFailed: number };
    assert.equal(j.tools, 2);
    assert.equal(j.errors, 1);
    assert.equal(j.filesFailed, 1);
  });

  test('an unwritable output is a one-line user error', async () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'ro'));
    chmodSync(path.join(dir, 'ro'), 0o500);
    const r = await run([path.join(importFixtures, 'api-bank.json'), '-o', path.join(dir, 'ro', 'x.tools.json')]);
    if (process.getuid?.() === 0) return; // root can write anywhere
    assert.equal(r.code, 1);
    assert.match(r.err.trim().split('\n').pop()!, /^toolflow import: cannot write/);
  });

  test('the built bundle (dist/cli.js) runs the same command', () => {
    const build = spawnSync(process.execPath, ['esbuild.js'], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
    const dir = tmp();
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'import', path.join(importFixtures, 'mcp-tools-list.json'), '-o', 'o.tools.json', '--json'], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { tools: number }).tools, 2);
    const bad = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'import', 'missing.json', '-o', 'o.json'], { cwd: dir, encoding: 'utf8' });
    assert.equal(bad.status, 1);
    assert.equal(bad.stderr.trim().split('\n').length, 1);
  });
});
