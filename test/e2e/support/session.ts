// One end-to-end session: a fresh code-server with the packaged extension installed, a workspace
// folder, and Chromium showing the workbench. Always closed, also when a test fails: then a
// screenshot, the page's console and the VS Code logs (extension host, output channels) are kept in
// test-artifacts/e2e/<name>/.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CodeServer } from './codeServer';
import { artifactsDir, readSetupInfo, type SetupInfo } from './setupInfo';
import { Workbench } from './workbench';

export interface SessionOptions {
  /** Names the artifact folder: test-artifacts/e2e/<name>/. */
  name: string;
  /** Files to create in the workspace, relative path -> content. */
  workspaceFiles?: Record<string, string>;
  /** User settings merged over the harness defaults. */
  settings?: Record<string, unknown>;
  /** Environment of code-server and its extension host. */
  env?: Record<string, string>;
  /** Install the packaged extension (default true). */
  installExtension?: boolean;
  /** Browser viewport (default 1400 x 900). */
  viewport?: { width: number; height: number };
}

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-breakpad',
  '--disable-crash-reporter',
  // WebGL without a GPU (the tool graph view draws with sigma.js): SwiftShader, software only.
  '--enable-unsafe-swiftshader',
  '--use-angle=swiftshader',
];

/** Session folders still on disk; removed when the process ends, also when a signal ends it. */
const liveSessionDirs = new Set<string>();
process.once('exit', () => {
  for (const d of liveSessionDirs) fs.rmSync(d, { recursive: true, force: true });
});

export class E2ESession {
  readonly consoleMessages: string[] = [];
  private closed = false;

  private constructor(
    readonly name: string,
    readonly setup: SetupInfo,
    readonly server: CodeServer,
    readonly browser: Browser,
    readonly page: Page,
    readonly workbench: Workbench,
    /** The folder opened in VS Code. */
    readonly workspaceDir: string,
    /** Temporary folder of this session (user data, extensions, workspace); removed on close. */
    readonly sessionDir: string,
    /** test-artifacts/e2e/<name>/ */
    readonly artifactDir: string,
  ) {}

  static async start(options: SessionOptions): Promise<E2ESession> {
    const setup = readSetupInfo();
    const artifactDir = path.join(artifactsDir, options.name);
    fs.rmSync(artifactDir, { recursive: true, force: true });
    fs.mkdirSync(artifactDir, { recursive: true });
    const sessionDir = fs.mkdtempSync(path.join(os.tmpdir(), `toolflow-e2e-${options.name}-`));
    liveSessionDirs.add(sessionDir);
    const workspaceDir = path.join(sessionDir, 'workspace');
    fs.mkdirSync(workspaceDir, { recursive: true });
    for (const [rel, content] of Object.entries(options.workspaceFiles ?? {})) {
      const file = path.join(workspaceDir, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
    const server = new CodeServer({
      setup,
      sessionDir,
      workspaceDir,
      ...(options.settings ? { settings: options.settings } : {}),
      ...(options.env ? { env: options.env } : {}),
      ...(options.installExtension === false ? { installExtension: false } : {}),
    });
    let browser: Browser | undefined;
    try {
      await server.start();
      browser = await chromium.launch({ executablePath: setup.chromium, headless: true, args: chromiumArgs });
      const context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 } });
      const page = await context.newPage();
      const session = new E2ESession(options.name, setup, server, browser, page, new Workbench(page, artifactDir), workspaceDir, sessionDir, artifactDir);
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') session.consoleMessages.push(`[${m.type()}] ${m.text()}`);
      });
      page.on('pageerror', (e) => session.consoleMessages.push(`[pageerror] ${e.message}`));
      await page.goto(server.workbenchUrl());
      await session.workbench.waitReady();
      return session;
    } catch (e) {
      await browser?.close().catch(() => undefined);
      await server.stop();
      fs.writeFileSync(path.join(artifactDir, 'code-server.log'), server.log);
      copyLogs(server.logsDir(), path.join(artifactDir, 'logs'));
      fs.rmSync(sessionDir, { recursive: true, force: true });
      throw e;
    }
  }

  /** Files below the session's VS Code logs folder whose name matches (e.g. /ToolFlow\.log$/). */
  findLogFiles(match: RegExp): string[] {
    const out: string[] = [];
    const walk = (d: string): void => {
      if (!fs.existsSync(d)) return;
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (match.test(p)) out.push(p);
      }
    };
    walk(this.server.logsDir());
    return out;
  }

  /** Content of the extension's "ToolFlow" log output channel as written to disk so far. */
  toolflowLog(): string {
    return this.findLogFiles(/ToolFlow\.log$/).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  }

  /** Content of the extension host's log (activation, errors of extensions). */
  extensionHostLog(): string {
    return this.findLogFiles(/exthost\d*[/\\](remote)?exthost\.log$/).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  }

  /** Ends the browser and code-server and keeps logs as artifacts. `failed` adds a screenshot. */
  async close(failed = false): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (failed) await this.workbench.screenshot('failure').catch(() => undefined);
    await this.browser.close().catch(() => undefined);
    await this.server.stop();
    fs.writeFileSync(path.join(this.artifactDir, 'code-server.log'), this.server.log);
    fs.writeFileSync(path.join(this.artifactDir, 'browser-console.log'), this.consoleMessages.join('\n'));
    copyLogs(this.server.logsDir(), path.join(this.artifactDir, 'logs'));
    fs.rmSync(this.sessionDir, { recursive: true, force: true });
    liveSessionDirs.delete(this.sessionDir);
  }
}

function copyLogs(from: string, to: string): void {
  if (fs.existsSync(from)) fs.cpSync(from, to, { recursive: true });
}

/** Runs `fn` in a fresh session and always closes it (with a failure screenshot when `fn` throws). */
export async function withSession<T>(options: SessionOptions, fn: (session: E2ESession) => Promise<T>): Promise<T> {
  const session = await E2ESession.start(options);
  let failed = true;
  try {
    const result = await fn(session);
    failed = false;
    return result;
  } finally {
    await session.close(failed);
  }
}
