// Run folders written by another process, and endpoints that fail, as the extension shows them in a
// real VS Code: a run whose run.lock is held by a live process (the CLI) is shown as running, and as
// incomplete once that process is gone; Resume Run takes the endpoint from the run's manifest and, when
// that endpoint refuses connections, says so in one message naming role, endpoint and cause, with no
// dialogue recorded and no lock left behind.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLlmSimulator, type LlmSimulator } from '../support/llm-simulator/server';
import { flightTool, weatherTool } from '../support/pipeline/builders';
import { runCli } from '../support/cliRun';
import { E2ESession, sessionSteps } from './support';
import { paletteCommand, readRecords, waitUntil } from './support/toolflowSteps';
import { deadPort } from '../support/deadPort';

let sim: LlmSimulator;
let s: E2ESession;
let holder: ChildProcess | undefined;
let deadUrl: string;
const steps = sessionSteps(() => s);
const { step } = steps;

before(async () => {
  sim = await startLlmSimulator({ latencyMs: 20, seed: 'e2e-lock' });
  deadUrl = `http://127.0.0.1:${await deadPort()}/v1`;
  s = await E2ESession.start({
    name: 'run-lock',
    settings: { 'toolflow.endpoint.baseUrl': sim.url, 'toolflow.model': 'toolflow-simulator', 'toolflow.embedding.model': 'toolflow-glove-100d' },
  });
  // Two runs made by the CLI in the workspace's runs folder.
  const runs = path.join(s.workspaceDir, 'runs');
  fs.mkdirSync(runs, { recursive: true });
  const tools = path.join(s.workspaceDir, 'a.tools.json');
  fs.writeFileSync(tools, JSON.stringify({ format: 'toolflow.tools', version: 1, sources: [], tools: [weatherTool, flightTool], diagnostics: [] }));
  const common = ['generate', '--tools', tools, '--count', '4', '--no-graph', '--no-complete', '--model', 'toolflow-simulator'];
  const dead = await runCli([...common, '--out', path.join(runs, 'run-dead'), '--base-url', deadUrl], { cwd: s.workspaceDir, env: {} });
  assert.equal(dead.code, 1, dead.err);
  const partial = await runCli([...common, '--out', path.join(runs, 'run-locked'), '--base-url', sim.url, '--max-tokens', '1'], { cwd: s.workspaceDir, env: {} });
  assert.equal(partial.code, 0, partial.err);
  // A live process holds run-locked, as a `toolflow generate` in a terminal would.
  holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  fs.writeFileSync(path.join(runs, 'run-locked', 'run.lock'), JSON.stringify({ pid: holder.pid, host: os.hostname(), startedAt: new Date().toISOString(), owner: 'toolflow generate' }));
});

after(async () => {
  holder?.kill();
  await s?.close(steps.failed);
  await sim?.close();
});

step('a run locked by a live process shows as running (with its holder); once the holder is gone, as incomplete', async () => {
  const wb = s.workbench;
  await wb.openViewContainer('ToolFlow');
  await paletteCommand(wb, 'ToolFlow: Refresh Runs');
  const locked = await waitUntil('run-locked as running', async () => {
    const row = (await wb.treeItems('Runs')).find((i) => i.label === 'run-locked');
    return row && row.description.startsWith('running') ? row : undefined;
  });
  assert.match(locked.description, new RegExp(`^running · by toolflow generate \\(pid ${holder!.pid}\\) · \\d/4 done`));
  const dead = (await wb.treeItems('Runs')).find((i) => i.label === 'run-dead');
  assert.match(dead?.description ?? '', /^incomplete · 0\/4 done/);
  await wb.screenshot('locked-run-running');

  holder!.kill('SIGKILL');
  await new Promise((r) => holder!.once('exit', r));
  await paletteCommand(wb, 'ToolFlow: Refresh Runs');
  await waitUntil('run-locked as incomplete once its holder died', async () => {
    const row = (await wb.treeItems('Runs')).find((i) => i.label === 'run-locked');
    return row && row.description.startsWith('incomplete') ? row : undefined;
  });
});

step('Resume Run uses the manifest\'s endpoint; a refused connection is one message naming role, endpoint and cause', async () => {
  const wb = s.workbench;
  await wb.dismissNotifications();
  await paletteCommand(wb, 'ToolFlow: Resume Run');
  await wb.pickQuickItem('run-dead');
  const text = await wb.waitForNotification(/generation failed/, 60_000);
  assert.match(text, new RegExp(`the (planner|user) endpoint ${deadUrl.replace(/[.:/]/g, '\\$&')} \\(model toolflow-simulator\\) is unreachable: connection refused`));
  assert.match(text, /Nothing was recorded for the dialogues in flight/);
  const runDir = path.join(s.workspaceDir, 'runs', 'run-dead');
  assert.equal(readRecords(runDir).length, 0, 'no dialogue rejected');
  assert.ok(!fs.existsSync(path.join(runDir, 'run.lock')), 'the lock is released');
  assert.equal(sim.stats.requests > 0, true, 'the other run did talk to the simulator');
  await wb.screenshot('endpoint-failure');
});
