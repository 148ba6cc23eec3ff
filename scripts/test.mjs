#!/usr/bin/env node
// The whole test suite, as CI and the README run it: `npm test`.
//   1. type-check every tsconfig (engine, CLI, extension, webviews, tests, benchmarks)
//   2. lint (architecture boundaries, floating promises)
//   3. build all bundles and the embedded offline embedding model
//   4. unit and integration tests: every test/**/*.test.ts outside test/e2e, on node's test runner
//   5. end-to-end tests in a real VS Code (code-server + Chromium): test/e2e/*.test.ts
// Options: --only unit|e2e, --skip-checks (no typecheck/lint), --pattern <substring>[,<substring>...].
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const pattern = args.includes('--pattern') ? args[args.indexOf('--pattern') + 1] : undefined;
const skipChecks = args.includes('--skip-checks');

function run(title, cmd, cmdArgs, opts = {}) {
  const started = Date.now();
  process.stderr.write(`\n== ${title}\n`);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', ...opts });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0) {
    process.stderr.write(`\n== ${title}: FAILED (exit ${r.status ?? r.signal}) after ${secs}s\n`);
    process.exit(r.status || 1);
  }
  process.stderr.write(`== ${title}: ok (${secs}s)\n`);
}

function findTests(dir, exclude) {
  const out = [];
  const walk = (d) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (!exclude.includes(p)) walk(p);
      } else if (e.name.endsWith('.test.ts')) out.push(path.relative(root, p));
    }
  };
  walk(dir);
  // --pattern a,b: files whose path contains any of the substrings
  return out.filter((f) => !pattern || pattern.split(',').some((p) => f.includes(p))).sort();
}

const npx = (bin) => path.join(root, 'node_modules', '.bin', bin);

if (!skipChecks && !only) {
  for (const p of ['src/engine', 'src/cli', 'src/shared', 'src/extension', 'webview-ui', 'test', 'bench']) {
    if (fs.existsSync(path.join(root, p, 'tsconfig.json'))) run(`typecheck ${p}`, npx('tsc'), ['-p', `${p}/tsconfig.json`]);
  }
  run('lint', npx('eslint'), ['--max-warnings=0', '.']);
}

run('build bundles', process.execPath, ['esbuild.js']);
if (fs.existsSync(path.join(root, 'scripts', 'build-offline-model.mjs'))) {
  run('build embedded offline model', process.execPath, ['scripts/build-offline-model.mjs']);
}

// Chromium (installed by the e2e setup) also serves unit and integration tests that render pages (the
// quality report), so on a fresh machine the setup runs first whenever the e2e phase will run.
const e2eSetup = path.join(root, 'scripts', 'e2e-setup.sh');
if (only !== 'unit' && fs.existsSync(e2eSetup)) {
  run('e2e setup (code-server, Chromium)', 'bash', [e2eSetup]);
}

if (only !== 'e2e') {
  const files = findTests(path.join(root, 'test'), [path.join(root, 'test', 'e2e')]);
  if (files.length === 0) {
    process.stderr.write('no unit tests found\n');
    process.exit(1);
  }
  run(`unit and integration tests (${files.length} files)`, process.execPath, [
    '--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files,
  ]);
}

if (only !== 'unit') {
  const e2e = findTests(path.join(root, 'test', 'e2e'), []);
  if (e2e.length > 0) {
    run(`end-to-end tests in a real VS Code (${e2e.length} files)`, process.execPath, [
      '--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...e2e,
    ]);
  }
}
process.stderr.write('\nall test phases passed\n');
