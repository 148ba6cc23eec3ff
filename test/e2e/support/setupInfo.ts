// Where scripts/e2e-setup.sh put code-server, Node 24, Chromium and the packaged extension.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** Real tool definitions shared by every engineer (CI clones the repo with ../shared beside it). */
export const sharedToolsDir = path.resolve(repoRoot, '..', 'shared', 'data', 'tools');
/** Scratch space of the e2e tests (git-ignored): code-server sessions, the packaged .vsix. */
export const e2eDir = path.join(repoRoot, '.e2e');
/** Screenshots, logs and measurements kept after a run (git-ignored). */
export const artifactsDir = path.join(repoRoot, 'test-artifacts', 'e2e');

export interface SetupInfo {
  /** Node 24 binary that runs code-server. */
  node: string;
  nodeVersion: string;
  /** code-server's `out/node/entry.js`. */
  codeServerEntry: string;
  codeServerVersion: string;
  chromium: string;
  /** The packaged extension under test. */
  vsix: string;
}

export function readSetupInfo(): SetupInfo {
  const file = path.join(e2eDir, 'setup.json');
  if (!fs.existsSync(file)) {
    throw new Error(`${path.relative(repoRoot, file)} is missing: run "bash scripts/e2e-setup.sh" first (node scripts/test.mjs does it)`);
  }
  const info = JSON.parse(fs.readFileSync(file, 'utf8')) as SetupInfo;
  for (const key of ['node', 'codeServerEntry', 'chromium', 'vsix'] as const) {
    if (!fs.existsSync(info[key])) {
      throw new Error(`${key} ${info[key]} listed in ${path.relative(repoRoot, file)} does not exist: run "bash scripts/e2e-setup.sh" again`);
    }
  }
  return info;
}
