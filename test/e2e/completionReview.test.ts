// The completion review in a real VS Code (issue 10 item 6): a tool set whose descriptions are
// missing is generated from the palette; before the run uses the converter model's fills they open
// in VS Code's diff editor (source ↔ completed), the user accepts one tool only, and the run's
// records and tools.json carry exactly that tool's completed description and the others' source text.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startLlmSimulator, type LlmSimulator } from '../support/llm-simulator/server';
import type { Tool } from '../../src/engine/model/tool';
import type { CompletionReview } from '../../src/engine/pipeline/completion/completionReviewFile';
import { readRunLock } from '../../src/engine/pipeline/runLock';
import { E2ESession } from './support';
import { sessionSteps } from './support/steps';
import { mcpToolSetText } from './support/toolSetFixture';
import { generateFromPalette, readRecords, toggleQuickPickRow, waitUntil } from './support/toolflowSteps';

let sim: LlmSimulator;
let s: E2ESession;
const steps = sessionSteps(() => s);
const { step } = steps;
let sourceTools: Tool[] = [];

/** Real MCP tools (time and fetch servers) with their descriptions removed, as an undocumented API would come. */
async function undocumentedToolSet(): Promise<string> {
  const set = JSON.parse((await mcpToolSetText(['time', 'fetch'])).text) as { tools: Tool[] };
  for (const t of set.tools) {
    t.description = '';
    for (const p of Object.values(t.parameters.properties ?? {})) delete p.description;
  }
  sourceTools = set.tools;
  return JSON.stringify(set, null, 1);
}

before(async () => {
  sim = await startLlmSimulator({ latencyMs: 30, seed: 'e2e-completion-review' });
  s = await E2ESession.start({
    name: 'completion-review',
    workspaceFiles: { '.toolflow/tools/undocumented.tools.json': await undocumentedToolSet() },
    settings: {
      'toolflow.endpoint.baseUrl': sim.url,
      'toolflow.model': 'toolflow-simulator',
      'toolflow.generation.toolsPerDialogue': 3,
      'toolflow.generation.planSteps': 2,
      'toolflow.embedding.model': 'toolflow-glove-100d',
      // both sides as two editors even in the harness's narrow editor area
      'diffEditor.useInlineViewWhenSpaceIsLimited': false,
    },
  });
});

after(async () => {
  await s?.close(steps.failed);
  await sim?.close();
});

/** The text Monaco shows on one side of the diff editor (its visible lines, spaces normalized). */
async function diffSide(side: 'original' | 'modified'): Promise<string> {
  const text = await s.workbench.page.locator(`.monaco-diff-editor .editor.${side} .view-lines`).first().textContent();
  return (text ?? '').replace(/\u00a0/g, ' ');
}

step('the completion diff opens with both sides; accepting one tool only, the run uses exactly that tool\'s fills', async () => {
  const wb = s.workbench;
  assert.equal(sourceTools.length, 3, 'three tools without descriptions');
  await generateFromPalette(wb, { toolSet: 'undocumented.tools.json', count: 3, concurrency: 2, noGraph: true, runName: 'run-review' });

  // the diff editor: the reviewed tools as in the source (left) and as completed (right)
  const diff = wb.page.locator('.monaco-diff-editor').first();
  await diff.waitFor({ state: 'visible', timeout: 120_000 });
  const tab = await waitUntil('the diff editor tab', async () => (await wb.editorTabs()).find((t) => t.includes('Completion review: run-review')));
  assert.match(tab, /source ↔ completed/);
  const [left, right] = await waitUntil('both sides of the diff', async () => {
    const l = await diffSide('original');
    const r = await diffSide('modified');
    return l.includes('"name"') && r.includes('"name"') ? [l, r] : undefined;
  });
  assert.match(left, /"description": ""/, 'the source side shows the empty description');
  assert.doesNotMatch(right, /"description": ""/, 'the completed side has every description filled');
  assert.ok(!fs.existsSync(path.join(s.workspaceDir, 'runs', 'run-review', 'dialogues.jsonl')), 'nothing generated while the review is open');

  // accept all / choose tools / none
  await wb.quickInput.locator('.quick-input-title', { hasText: 'completion review of run-review' }).waitFor({ state: 'visible', timeout: 30_000 });
  const choices = await wb.quickPickLabels();
  assert.ok(choices.some((c) => /^Accept all \(3 tools\)/.test(c)) && choices.some((c) => c.startsWith('Choose tools')) && choices.some((c) => c.startsWith('Accept none')), choices.join(' | '));
  await wb.screenshot('completion-diff');
  await wb.pickQuickItem('Choose tools…');
  await wb.quickInput.locator('.quick-input-title', { hasText: 'tools to accept' }).waitFor({ state: 'visible', timeout: 15_000 });
  const rows = await wb.quickPickLabels();
  const names = sourceTools.map((t) => t.name).sort();
  for (const n of names) assert.ok(rows.some((r) => r.includes(n)), `${n} is offered for review: ${rows.join(' | ')}`);
  const chosen = 'convert_time';
  await toggleQuickPickRow(wb, chosen);
  await wb.screenshot('completion-choose-one-tool');
  await wb.quickInputBox.focus();
  await wb.page.keyboard.press('Enter');
  await wb.waitForNotification(/run-review finished/, 180_000);

  // the decisions are kept in the run folder
  const runDir = path.join(s.workspaceDir, 'runs', 'run-review');
  const review = JSON.parse(fs.readFileSync(path.join(runDir, 'completion-review.json'), 'utf8')) as CompletionReview;
  assert.deepEqual(review.tools.map((t) => [t.name, t.decision]), names.map((n) => [n, n === chosen ? 'accepted' : 'rejected']));
  const completed = new Map(review.tools.map((t) => [t.name, t.fills.find((f) => f.pointer === '/description')!.completed as string]));
  for (const [name, text] of completed) {
    assert.ok(text.length > 0, `${name} was completed`);
    assert.ok(right.includes(text), `the diff showed ${name}'s completed description`);
  }

  // tools.json and every offered tool: the accepted fill, the others' source text
  const runTools = (JSON.parse(fs.readFileSync(path.join(runDir, 'tools.json'), 'utf8')) as { tools: Tool[] }).tools;
  for (const t of runTools) assert.equal(t.description, t.name === chosen ? completed.get(chosen) : '', `tools.json: ${t.name}`);
  const records = readRecords(runDir);
  assert.equal(records.length, 3);
  let offeredChosen = 0;
  for (const r of records) {
    for (const t of r.tools) {
      if (t.function.name === chosen) offeredChosen++;
      assert.equal(t.function.description, t.function.name === chosen ? completed.get(chosen) : '', `${r.id} offers ${t.function.name}`);
    }
  }
  assert.ok(offeredChosen > 0, 'the accepted tool was offered');
  await wb.screenshot('completion-run-finished');
});

step('Escape on the completion review stops the run: nothing generated, no decisions written, the run folder unlocked', async () => {
  const wb = s.workbench;
  await generateFromPalette(wb, { toolSet: 'undocumented.tools.json', count: 3, concurrency: 2, noGraph: true, runName: 'run-escape' });
  await wb.quickInput.locator('.quick-input-title', { hasText: 'completion review of run-escape' }).waitFor({ state: 'visible', timeout: 120_000 });
  const runDir = path.join(s.workspaceDir, 'runs', 'run-escape');
  await wb.quickInputBox.focus();
  await wb.page.keyboard.press('Escape');
  await wb.waitForNotification(/completion review of run-escape closed; nothing was generated/, 30_000);
  await wb.screenshot('completion-review-escaped');
  // the run ended: its lock is released, and no dialogue or decision was written
  await waitUntil('the run folder unlocked', async () => (readRunLock(runDir) === undefined ? true : undefined), 30_000);
  const records = fs.existsSync(path.join(runDir, 'dialogues.jsonl')) ? readRecords(runDir) : [];
  assert.equal(records.length, 0, 'no dialogue generated after Escape');
  assert.ok(!fs.existsSync(path.join(runDir, 'completion-review.json')), 'no decisions written after Escape');
});
