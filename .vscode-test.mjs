// End-to-end tests in VS Code desktop (Electron) through @vscode/test-electron, for machines that can
// download VS Code (a developer's machine, most CI services):
//
//   node .vscode-test.mjs [--version stable|insiders|1.95.0]
//
// It builds the extension and test/electron/suite.ts, downloads VS Code into .vscode-test/, opens a
// temporary workspace and runs the suite in the extension host. Machines without that download (like
// the project's own CI) run the same kind of tests in code-server instead: scripts/e2e-setup.sh and
// test/e2e/ (part of `npm test`).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';
import esbuild from 'esbuild';

const root = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const version = args.includes('--version') ? args[args.indexOf('--version') + 1] : 'stable';
const sharedTools = path.resolve(root, '..', 'shared', 'data', 'tools');

const build = spawnSync(process.execPath, ['esbuild.js'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const suite = path.join(root, 'out', 'test-electron', 'suite.js');
await esbuild.build({
  entryPoints: [path.join(root, 'test', 'electron', 'suite.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: suite,
  external: ['vscode'],
  logLevel: 'warning',
});

const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'toolflow-electron-'));
try {
  await runTests({
    version,
    extensionDevelopmentPath: root,
    extensionTestsPath: suite,
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    extensionTestsEnv: { TOOLFLOW_SHARED_TOOLS: sharedTools },
  });
} catch (e) {
  console.error(`VS Code desktop tests failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
} finally {
  fs.rmSync(workspace, { recursive: true, force: true });
}
