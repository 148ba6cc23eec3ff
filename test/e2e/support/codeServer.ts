// Starts a real VS Code (code-server) on a free 127.0.0.1 port with a fresh user-data dir, settings
// and extensions dir, installs the packaged extension into it and stops it again.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { SetupInfo } from './setupInfo';

export interface CodeServerOptions {
  setup: SetupInfo;
  /** Folder of this session: user-data, extensions and logs go below it. */
  sessionDir: string;
  /** Folder opened as the workspace. */
  workspaceDir: string;
  /** User settings (merged over the harness defaults). */
  settings?: Record<string, unknown>;
  /** Install the packaged extension (default true). */
  installExtension?: boolean;
  /** Extra environment for code-server and so for the extension host (e.g. an LLM endpoint). */
  env?: Record<string, string>;
}

/** Settings that keep a test session quiet and deterministic. */
export const defaultSettings: Record<string, unknown> = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'files.simpleDialog.enable': true,
  'window.dialogStyle': 'custom',
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'npm.autoDetect': 'off',
  'typescript.tsserver.enable': false,
  'workbench.colorTheme': 'Default Dark Modern',
};

const liveProcesses = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of liveProcesses) killTree(p);
});
// The test runner ends a test file that hangs with a signal: take code-server's process group along.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    for (const p of liveProcesses) killTree(p, 'SIGKILL');
    process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
  });
}

function killTree(p: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (p.pid === undefined) return;
  try {
    process.kill(-p.pid, signal); // the whole process group: code-server, its extension host, pty host
  } catch {
    try {
      p.kill(signal);
    } catch {
      // already gone
    }
  }
}


export class CodeServer {
  readonly userDataDir: string;
  readonly extensionsDir: string;
  private process: ChildProcess | undefined;
  private output = '';
  url = '';

  constructor(private readonly options: CodeServerOptions) {
    this.userDataDir = path.join(options.sessionDir, 'user-data');
    this.extensionsDir = path.join(options.sessionDir, 'extensions');
  }

  /** Everything code-server printed so far (stdout and stderr). */
  get log(): string {
    return this.output;
  }

  private baseArgs(): string[] {
    return [
      this.options.setup.codeServerEntry,
      '--user-data-dir', this.userDataDir,
      '--extensions-dir', this.extensionsDir,
      '--disable-telemetry',
      '--disable-update-check',
    ];
  }

  /** Installs the packaged extension with code-server's own installer (what a user does with a .vsix). */
  installExtension(vsix: string): void {
    const r = spawnSync(this.options.setup.node, [...this.baseArgs(), '--install-extension', vsix], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (r.status !== 0) {
      throw new Error(`installing ${vsix} into code-server failed (exit ${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
    }
  }

  async start(timeoutMs = 60_000): Promise<string> {
    const o = this.options;
    fs.mkdirSync(path.join(this.userDataDir, 'User'), { recursive: true });
    fs.mkdirSync(this.extensionsDir, { recursive: true });
    fs.writeFileSync(
      path.join(this.userDataDir, 'User', 'settings.json'),
      JSON.stringify({ ...defaultSettings, ...o.settings }, null, 2),
    );
    if (o.installExtension !== false) this.installExtension(o.setup.vsix);

    const args = [
      ...this.baseArgs(),
      '--auth', 'none',
      '--bind-addr', '127.0.0.1:0',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      o.workspaceDir,
    ];
    const child = spawn(o.setup.node, args, {
      detached: true, // own process group, so stop() ends the extension host and pty host too
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...o.env, NODE_OPTIONS: '' },
    });
    this.process = child;
    liveProcesses.add(child);
    child.once('exit', () => liveProcesses.delete(child));

    this.url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`code-server did not start within ${timeoutMs} ms:\n${this.output}`)), timeoutMs);
      const onData = (chunk: Buffer): void => {
        this.output += chunk.toString('utf8');
        const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)\/?/.exec(this.output);
        if (m?.[1]) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      };
      const fail = (e: Error): void => {
        clearTimeout(timer);
        reject(e);
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('error', fail);
      child.once('exit', (code, signal) => fail(new Error(`code-server exited (${code ?? signal}) before listening:\n${this.output}`)));
    });
    return this.url;
  }

  /** URL that opens the workspace folder in the workbench. */
  workbenchUrl(): string {
    return `${this.url}/?folder=${encodeURIComponent(this.options.workspaceDir)}`;
  }

  async stop(): Promise<void> {
    const p = this.process;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
    killTree(p, 'SIGTERM');
    const timer = setTimeout(() => killTree(p, 'SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    // the extension host may outlive its parent for a moment; end the rest of the group
    killTree(p, 'SIGKILL');
  }

  /** The folder with this session's logs (window, extension host, output channels). */
  logsDir(): string {
    return path.join(this.userDataDir, 'logs');
  }
}
