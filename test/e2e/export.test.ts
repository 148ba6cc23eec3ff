// "ToolFlow: Export Dataset…" in a real VS Code: from the palette (OpenAI format, 90/10 split, next
// to the run) and from a run's context menu in the Runs view (Hugging Face, written where the user
// picks in the save dialog). Checked on the notification VS Code shows and on the files on disk,
// which must pass the format's validator and hold one line per exported dialogue.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLlmSimulator } from '../support/llm-simulator/server';
import { flightTool, weatherTool } from '../support/pipeline/builders';
import { hotelTool } from '../support/export/records';
import { runCli } from '../support/cliRun';
import { validateFile } from '../../src/engine/export';
import { effectiveStatus } from '../../src/engine/review/reviewState';
import { E2ESession, sessionSteps } from './support';
import { paletteCommand, readRecords, waitUntil } from './support/toolflowSteps';

let s: E2ESession;
const steps = sessionSteps(() => s);
const { step } = steps;

before(async () => {
  // A real run, generated against the LLM simulator, placed in the workspace's runs/ folder.
  const sim = await startLlmSimulator({ seed: 'e2e-export' });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'toolflow-e2e-export-'));
  fs.writeFileSync(path.join(tmp, 't.tools.json'), JSON.stringify({ format: 'toolflow.tools', version: 1, sources: [], tools: [weatherTool, flightTool, hotelTool], diagnostics: [] }));
  try {
    const g = await runCli(['generate', '--tools', 't.tools.json', '--count', '6', '--out', 'demo', '--no-graph', '--no-complete', '--seed', '2'], { cwd: tmp, env: { OPENAI_BASE_URL: sim.url, TOOLFLOW_MODEL: 'sim' } });
    assert.equal(g.code, 0, g.err);
  } finally {
    await sim.close();
  }
  const workspaceFiles: Record<string, string> = {};
  for (const f of fs.readdirSync(path.join(tmp, 'demo'))) workspaceFiles[`runs/demo/${f}`] = fs.readFileSync(path.join(tmp, 'demo', f), 'utf8');
  s = await E2ESession.start({ name: 'export', workspaceFiles });
});

after(async () => {
  await s?.close(steps.failed);
});

const runDir = () => path.join(s.workspaceDir, 'runs', 'demo');
const lines = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
const acceptedCount = () => readRecords(runDir()).filter((r) => effectiveStatus(r) === 'accepted').length;

step('palette: OpenAI format, 90/10 split, written next to the run, every file valid', async () => {
  const wb = s.workbench;
  await paletteCommand(wb, 'ToolFlow: Export Dataset…');
  await wb.waitForQuickInput();
  await wb.pickQuickItem('demo', 20_000);
  await wb.pickQuickItem('OpenAI fine-tuning');
  await wb.pickQuickItem('Accepted dialogues');
  await wb.pickQuickItem('90 % train / 10 % validation');
  await wb.pickQuickItem('Next to the run');
  const note = await wb.waitForNotification(/ToolFlow: exported \d+ dialogues/, 60_000);
  assert.match(note, /every file passes its format checks/);
  const train = path.join(runDir(), 'export', 'openai.train.jsonl');
  const val = path.join(runDir(), 'export', 'openai.validation.jsonl');
  await waitUntil('the exported files', () => fs.existsSync(train) && fs.existsSync(val));
  const n = acceptedCount();
  assert.equal(lines(train).length + lines(val).length, n, 'one line per accepted dialogue');
  assert.equal(lines(val).length, Math.max(1, Math.round(n * 0.1)));
  assert.match(note, new RegExp(`exported ${n} dialogues \\(${lines(train).length} train, ${lines(val).length} validation\\)`));
  for (const f of [train, val]) assert.equal((await validateFile(f, 'openai')).errors, 0, f);
  await wb.screenshot('exported-openai');
  await wb.dismissNotifications();
});

step('Runs view context menu: Hugging Face export written where the user picks', async () => {
  const wb = s.workbench;
  await wb.openViewContainer('ToolFlow');
  await wb.waitForTreeItem('Runs', 'demo', 30_000);
  await wb.treeItemContextAction('Runs', 'demo', 'Export Dataset…');
  await wb.waitForQuickInput();
  await wb.pickQuickItem('Hugging Face');
  await wb.pickQuickItem('All dialogues');
  await wb.pickQuickItem('No split');
  await wb.pickQuickItem('Choose where…');
  const target = path.join(s.workspaceDir, 'datasets', 'hf', 'toolflow.jsonl');
  fs.mkdirSync(path.dirname(target), { recursive: true });
  await wb.answerFileDialog(target);
  await wb.waitForNotification(/ToolFlow: exported \d+ dialogues to datasets\/hf\/toolflow\.jsonl/, 60_000);
  await waitUntil('the Hugging Face files', () => ['toolflow.jsonl', 'toolflow.parquet', 'README.md'].every((f) => fs.existsSync(path.join(path.dirname(target), f))));
  assert.equal(lines(target).length, readRecords(runDir()).length, 'all dialogues, rejected ones too');
  assert.equal((await validateFile(target, 'hf')).errors, 0);
  assert.equal((await validateFile(path.join(path.dirname(target), 'toolflow.parquet'), 'hf')).samples, readRecords(runDir()).length);
  assert.match(fs.readFileSync(path.join(path.dirname(target), 'README.md'), 'utf8'), /^---\n# license: choose one/);
  await wb.screenshot('exported-hf');
});
