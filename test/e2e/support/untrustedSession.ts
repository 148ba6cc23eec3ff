// A session whose workspace trust is real: the shared harness starts code-server with
// `--disable-workspace-trust` (right for most tests); Restricted Mode tests need trust on, so this
// starts code-server through a small wrapper of the Node binary that drops that one flag.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CodeServer } from './codeServer';
import { chromiumArgs } from './session';
import { artifactsDir, readSetupInfo } from './setupInfo';
import { Workbench } from './workbench';

export interface TrustSession {
  workbench: Workbench;
  workspaceDir: string;
  server: CodeServer;
  close(failed: boolean): Promise<void>;
}

export async function startSessionWithWorkspaceTrust(options: { name: string; settings: Record<string, unknown>; workspaceFiles: Record<string, string> }): Promise<TrustSession> {
  const setup = readSetupInfo();
  const artifactDir = path.join(artifactsDir, options.name);
  fs.rmSync(artifactDir, { recursive: true, force: true });
  fs.mkdirSync(artifactDir, { recursive: true });
  const sessionDir = fs.mkdtempSync(path.join(os.tmpdir(), `toolflow-e2e-${options.name}-`));
  const workspaceDir = path.join(sessionDir, 'workspace');
  for (const [rel, content] of Object.entries(options.workspaceFiles)) {
    fs.mkdirSync(path.dirname(path.join(workspaceDir, rel)), { recursive: true });
    fs.writeFileSync(path.join(workspaceDir, rel), content);
  }
  const wrapper = path.join(sessionDir, 'node-with-trust');
  fs.writeFileSync(
    wrapper,
    `#!/bin/sh\nfor a in "$@"; do shift; [ "$a" = "--disable-workspace-trust" ] || set -- "$@" "$a"; done\nexec ${JSON.stringify(setup.node)} "$@"\n`,
    { mode: 0o755 },
  );
  const server = new CodeServer({ setup: { ...setup, node: wrapper }, sessionDir, workspaceDir, settings: { 'security.workspace.trust.enabled': true, ...options.settings } });
  let browser: Browser | undefined;
  const close = async (failed: boolean) => {
    if (failed && workbench) await workbench.screenshot('failure').catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server.stop();
    fs.writeFileSync(path.join(artifactDir, 'code-server.log'), server.log);
    if (fs.existsSync(server.logsDir())) fs.cpSync(server.logsDir(), path.join(artifactDir, 'logs'), { recursive: true });
    fs.rmSync(sessionDir, { recursive: true, force: true });
  };
  let workbench: Workbench | undefined;
  try {
    await server.start();
    browser = await chromium.launch({ executablePath: setup.chromium, headless: true, args: chromiumArgs });
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    workbench = new Workbench(page, artifactDir);
    await page.goto(server.workbenchUrl());
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    return { workbench, workspaceDir, server, close };
  } catch (e) {
    await close(true);
    throw e;
  }
}
