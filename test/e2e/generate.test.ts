// The main path of the extension in a real VS Code: import real tools, generate dialogues against
// the LLM simulator from the palette, watch the live transcript fill in, see the run in the Runs
// tree with correct counts, filter it, cancel a run and resume it. Every step is checked on what
// VS Code shows (tree rows, webview DOM, notifications) and on the files on disk.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startLlmSimulator, type LlmSimulator } from '../support/llm-simulator/server';
import { readGraphData } from '../../src/engine/graph/graphFiles';
import { E2ESession, sharedToolsDir, sessionSteps } from './support';
import { generateFromPalette, liveFrame, openLiveDialogue, paletteCommand, readLiveDom, readRecords, waitUntil } from './support/toolflowSteps';

let sim: LlmSimulator;
let s: E2ESession;
const steps = sessionSteps(() => s);
const { step } = steps;

before(async () => {
  // 300 ms per call: fast enough for the suite, slow enough to watch turns arrive and to cancel mid-run.
  sim = await startLlmSimulator({ latencyMs: 300, seed: 'e2e-generate' });
  s = await E2ESession.start({
    name: 'generate',
    settings: {
      'toolflow.endpoint.baseUrl': sim.url,
      'toolflow.model': 'toolflow-simulator',
      'toolflow.generation.concurrency': 2,
      'toolflow.generation.toolsPerDialogue': 3,
      'toolflow.generation.planSteps': 3,
      // fills accepted without the diff (the completion review has its own test: completionReview.test.ts)
      'toolflow.generation.reviewCompletion': false,
      // the embedded offline model: no download
      'toolflow.embedding.model': 'toolflow-glove-100d',
    },
  });
});

after(async () => {
  await s?.close(steps.failed);
  await sim?.close();
});

const runsDir = () => path.join(s.workspaceDir, 'runs');

step('import real MCP tools from ../shared/data/tools with Import Tools… and see them in the Tools view', async () => {
  const wb = s.workbench;
  const source = path.join(sharedToolsDir, 'mcp', 'mcp_tools.jsonl');
  await paletteCommand(wb, 'ToolFlow: Import Tools…');
  await wb.answerFileDialog(source);
  await wb.waitForNotification(/ToolFlow: imported|imported \d+ tools|tools/i, 60_000);
  const toolSets = path.join(s.workspaceDir, '.toolflow', 'tools');
  const file = await waitUntil('the imported tool set on disk', () => fs.existsSync(toolSets) && fs.readdirSync(toolSets).find((f) => f.endsWith('.tools.json')), 30_000);
  const onDisk = JSON.parse(fs.readFileSync(path.join(toolSets, file), 'utf8')) as { tools: Array<{ name: string; description: string; provenance: { originalName: string } }> };
  assert.ok(onDisk.tools.length >= 150, `all MCP tools imported, got ${onDisk.tools.length}`);

  await wb.openViewContainer('ToolFlow');
  const items = await wb.waitForTreeItem('Tools', file);
  const row = items.find((i) => i.label === file)!;
  assert.match(row.description, new RegExp(`^${onDisk.tools.length} tools`), 'the tool set row counts its tools');
  await wb.expandTreeItem('Tools', file);
  const expanded = await wb.waitForTreeItem('Tools', onDisk.tools[0]!.name);
  assert.ok(expanded.some((i) => i.level === 2 && i.label === onDisk.tools[0]!.name));

  // search narrows the tree
  await paletteCommand(wb, 'ToolFlow: Search Tools…');
  await wb.waitForQuickInput();
  await wb.quickInputBox.fill('time');
  await wb.page.keyboard.press('Enter');
  const narrowed = await waitUntil('the search to apply', async () => {
    const rows = await wb.treeItems('Tools');
    const tools = rows.filter((r) => r.level === 2 && r.label !== 'warnings');
    return tools.length > 0 && tools.length < 20 && tools.some((r) => r.label === 'get_current_time') ? tools : undefined;
  });
  assert.ok(narrowed.some((r) => r.label === 'convert_time'));
  const expected = onDisk.tools.filter((x) => /time/i.test(`${x.name}\n${x.description}\n${x.provenance.originalName}`)).map((x) => x.name);
  assert.deepEqual(narrowed.map((r) => r.label).sort(), expected.sort(), 'search shows exactly the matching tools');
  const header = await wb.pane('Tools').locator('.pane-header').textContent();
  assert.match(header ?? '', new RegExp(`${narrowed.length} of ${onDisk.tools.length} tools`), 'the view description counts the matches');
  await wb.screenshot('tools-view-search');
  await paletteCommand(wb, 'ToolFlow: Search Tools…');
  await wb.waitForQuickInput();
  await wb.quickInputBox.fill('');
  await wb.page.keyboard.press('Enter');
  toolSetLabel = file;
});

let toolSetLabel = '';

step('Build Tool Graph embeds the imported tools with the embedded model and saves the graph beside the tool set', async () => {
  const wb = s.workbench;
  assert.ok(toolSetLabel, 'the import test ran first');
  await paletteCommand(wb, 'ToolFlow: Build Tool Graph');
  await wb.pickQuickItem(toolSetLabel);
  const text = await wb.waitForNotification(/tool graph built/, 180_000);
  const m = /(\d+) tools, (\d+) edges/.exec(text);
  assert.ok(m, text);
  const graphFile = path.join(s.workspaceDir, '.toolflow', 'tools', toolSetLabel.replace(/\.tools\.json$/, '.graph.json'));
  // read with the engine's own reader (graph file version 2: columns)
  const graph = await readGraphData(graphFile);
  assert.equal(graph.order, Number(m[1]), 'the notification counts the saved nodes');
  assert.equal(graph.size, Number(m[2]), 'the notification counts the saved edges');
  assert.ok(graph.size > 0, 'related MCP tools are linked');
  await wb.screenshot('graph-built');
  await wb.dismissNotifications();
});

step('Generate Dataset… from the palette: the live transcript fills in, the run lands on disk and in the Runs tree', async () => {
  const wb = s.workbench;
  assert.ok(toolSetLabel, 'the import test ran first');
  await generateFromPalette(wb, { toolSet: toolSetLabel, count: 6, concurrency: 2, runName: 'run-e2e' });
  const frame = await liveFrame(wb);

  // turns of the three agents appear while the run is going
  let lastDom: unknown;
  const during = await waitUntil('turns of user, assistant and tool in the live view', async () => {
    const dom = await readLiveDom(frame);
    lastDom = dom;
    const authors = new Set(dom.turns.map((t) => t.author));
    const inFlight = dom.dialogues.some((d) => d.state === 'in-flight' && d.key === dom.selected);
    return inFlight && authors.has('user') && authors.has('assistant') && dom.planSteps > 0 && dom.currentStep >= 0 ? dom : undefined;
  }, 60_000, 100).catch((e: unknown) => {
    throw new Error(`${String(e)}; the live view showed ${JSON.stringify(lastDom).slice(0, 3000)}`);
  });
  await wb.screenshot('live-transcript-streaming');
  assert.ok(during.selected, 'a dialogue in flight is selected');
  assert.match(during.runText, /running/);
  // more turns arrive while we watch the same dialogue
  const later = await waitUntil('more turns of the same dialogue', async () => {
    const dom = await readLiveDom(frame);
    return dom.selected === during.selected && dom.turns.length > during.turns.length ? dom : undefined;
  }, 60_000, 100);
  assert.deepEqual(later.turns.slice(0, during.turns.length).map((t) => t.author), during.turns.map((t) => t.author), 'turns are appended, earlier ones stay');
  assert.ok(during.dialogues.length >= 1);
  assert.match(during.runText, /run-e2e/);

  // the run finishes: 6 records on disk, one per index
  const runDir = path.join(runsDir(), 'run-e2e');
  await wb.waitForNotification(/run-e2e finished/, 120_000);
  const records = readRecords(runDir);
  assert.equal(records.length, 6);
  const manifest = JSON.parse(fs.readFileSync(path.join(runDir, 'manifest.json'), 'utf8')) as { options: { sampling: string; plan: boolean }; graphSource?: string };
  assert.equal(manifest.options.sampling, 'walk', 'tools sampled by a walk on the tool graph');
  assert.match(manifest.graphSource ?? '', /\.graph\.json$/);
  assert.equal(manifest.options.plan, true);
  // the tool-JSON completion step ran first: generated values marked in the run's tools, reviewable as a diff
  const diff = fs.readFileSync(path.join(runDir, 'completion.diff'), 'utf8');
  assert.ok(diff.length > 0, 'completion.diff written');
  const runTools = JSON.parse(fs.readFileSync(path.join(runDir, 'tools.json'), 'utf8')) as unknown;
  assert.match(JSON.stringify(runTools), /"generated":\[/, 'completed values are marked as generated');
  assert.deepEqual(records.map((r) => r.index).sort(), [0, 1, 2, 3, 4, 5]);
  const accepted = records.filter((r) => r.status === 'accepted').length;
  const rejected = records.length - accepted;

  // the live view shows the final state: counts, verdict and the selected dialogue's turns
  const final = await waitUntil('the live view to show the finished run', async () => {
    const dom = await readLiveDom(frame);
    return /6\/6 done/.test(dom.runText) && dom.verdict.includes('Verdict') ? dom : undefined;
  });
  assert.match(final.runText, new RegExp(`${accepted} accepted · ${rejected} rejected`));
  const shown = records.find((r) => final.selected?.endsWith(`/${r.id}`))!;
  assert.ok(shown, `the selected dialogue ${final.selected} is one of the run's`);
  assert.equal(final.turns.length, shown.messages.length, 'every message of the record is shown');
  assert.ok(final.verdict.includes(shown.status));
  for (const r of shown.reasons) assert.ok(final.verdict.includes(r.code));
  const call = shown.messages.find((m) => m.role === 'assistant' && m.tool_calls?.length);
  if (call && call.role === 'assistant') {
    const pretty = JSON.stringify(JSON.parse(call.tool_calls![0]!.function.arguments), null, 2);
    assert.ok(final.toolCalls.includes(pretty), 'tool call arguments are pretty-printed');
  }
  await wb.screenshot('live-transcript-finished');

  // selecting another dialogue shows its transcript
  const other = records.find((r) => !final.selected?.endsWith(`/${r.id}`))!;
  await openLiveDialogue(frame, other, 'the other dialogue to show');

  // the Runs tree: the run with its counts, then its dialogues
  await wb.openViewContainer('ToolFlow');
  const runs = await wb.waitForTreeItem('Runs', 'run-e2e');
  const runRow = runs.find((i) => i.label === 'run-e2e')!;
  assert.match(runRow.description, new RegExp(`6/6 done · ${accepted} accepted · ${rejected} rejected`));
  await wb.expandTreeItem('Runs', 'run-e2e');
  const rows = await waitUntil('dialogue rows', async () => {
    const items = (await wb.treeItems('Runs')).filter((i) => i.level === 2);
    return items.length === 6 ? items : undefined;
  });
  for (const r of records) {
    const row = rows.find((i) => i.label === r.id);
    assert.ok(row, `row for ${r.id}`);
    assert.ok(row.description.startsWith(r.status), `${r.id} shows ${r.status}: ${row.description}`);
    for (const code of r.reasons.map((x) => x.code)) assert.ok(row.description.includes(code));
  }
  await wb.screenshot('runs-tree');

  // filter: only accepted, then only rejected
  const filterTo = async (status: 'accepted' | 'rejected', count: number) => {
    await paletteCommand(wb, 'ToolFlow: Filter Dialogues…');
    await wb.pickQuickItem(status === 'accepted' ? 'Accepted' : 'Rejected');
    await waitUntil(`the ${status} filter`, async () => {
      const items = (await wb.treeItems('Runs')).filter((i) => i.level === 2);
      return items.length === count && items.every((i) => i.description.startsWith(status)) ? true : undefined;
    });
  };
  await filterTo('accepted', accepted);
  await wb.screenshot('runs-tree-filtered');
  await filterTo('rejected', rejected);
  // search by a tool name: only the dialogues that were offered that tool
  const tool = records[0]!.tools[0]!.function.name;
  const withTool = records.filter((r) => r.tools.some((x) => x.function.name.toLowerCase().includes(tool.toLowerCase()))).map((r) => r.id).sort();
  await paletteCommand(wb, 'ToolFlow: Clear Dialogue Filter');
  await paletteCommand(wb, 'ToolFlow: Filter Dialogues…');
  await wb.pickQuickItem('Search…');
  await wb.waitForQuickInput();
  await wb.quickInput.locator('.quick-input-title', { hasText: 'Search Dialogues' }).waitFor({ timeout: 10_000 });
  await wb.quickInputBox.fill(tool);
  await wb.page.keyboard.press('Enter');
  await waitUntil(`the search for ${tool}`, async () => {
    const ids = (await wb.treeItems('Runs')).filter((i) => i.level === 2).map((i) => i.label).sort();
    return JSON.stringify(ids) === JSON.stringify(withTool) ? true : undefined;
  });
  const header = (await wb.pane('Runs').locator('.pane-header').textContent()) ?? '';
  assert.match(header, new RegExp(`${withTool.length} of 6 dialogues`), 'the view description counts the matches');
  await paletteCommand(wb, 'ToolFlow: Clear Dialogue Filter');
  await waitUntil('the filter to clear', async () => ((await wb.treeItems('Runs')).filter((i) => i.level === 2).length === 6 ? true : undefined));

  // Open Dialogue from the tree opens the run in the review editor at that dialogue
  const target = records[records.length - 1]!;
  await wb.treeRow('Runs', target.id).click();
  const review = await wb.webviewFrame(`#detail[data-id="${target.id}"]`, 60_000);
  assert.equal(await review.locator('#detail .turn').count(), target.messages.length, 'every message of the record is shown');
});

step('Cancel Run stops a generation part-way; Resume Run finishes it with no lost or duplicated dialogue', async () => {
  const wb = s.workbench;
  await wb.dismissNotifications();
  await generateFromPalette(wb, { toolSet: toolSetLabel, count: 12, concurrency: 2, noGraph: true, noComplete: true, runName: 'run-cancel' });
  const runDir = path.join(runsDir(), 'run-cancel');
  await waitUntil('two dialogues on disk', () => readRecords(runDir).length >= 2, 120_000, 100);
  await paletteCommand(wb, 'ToolFlow: Cancel Run');
  await wb.waitForNotification(/run-cancel cancelled at \d+\/12/, 60_000);
  assert.equal(fs.existsSync(path.join(runDir, 'completion.diff')), false, 'completion switched off');
  const partial = readRecords(runDir);
  assert.ok(partial.length >= 2 && partial.length < 12, `cancelled part-way: ${partial.length}/12`);
  await wb.openViewContainer('ToolFlow');
  const items = await waitUntil('the incomplete run in the tree', async () => {
    const rows = await wb.treeItems('Runs');
    const row = rows.find((i) => i.label === 'run-cancel');
    return row && row.description.startsWith('incomplete') ? row : undefined;
  });
  assert.match(items.description, new RegExp(`incomplete · ${partial.length}/12 done`));
  await wb.screenshot('run-cancelled');

  await wb.dismissNotifications();
  await paletteCommand(wb, 'ToolFlow: Resume Run');
  await wb.pickQuickItem('run-cancel');
  await wb.waitForNotification(/run-cancel finished/, 180_000);
  const all = readRecords(runDir);
  assert.equal(all.length, 12, 'exactly 12 lines');
  assert.deepEqual([...new Set(all.map((r) => r.index))].sort((a, b) => a - b), Array.from({ length: 12 }, (_, i) => i));
  for (const p of partial) {
    const again = all.find((r) => r.id === p.id)!;
    assert.deepEqual(again.messages, p.messages, `${p.id} kept as it was before the cancel`);
  }
  const done = await waitUntil('the complete run in the tree', async () => {
    const row = (await wb.treeItems('Runs')).find((i) => i.label === 'run-cancel');
    return row && row.description.startsWith('12/12 done') ? row : undefined;
  });
  const acc = all.filter((r) => r.status === 'accepted').length;
  assert.match(done.description, new RegExp(`12/12 done · ${acc} accepted · ${12 - acc} rejected`));
  // the status bar item shows the last run's figures and opens the live view
  const status = wb.page.locator('.statusbar-item', { hasText: /ToolFlow \d+\/\d+/ }).first();
  assert.match((await status.textContent()) ?? '', new RegExp(`ToolFlow 12/12 · ${12 - acc} rejected · [\\d.]+k? tokens`));
  await wb.screenshot('run-resumed');

  // Delete Run… from the context menu asks first, then removes the folder and the tree row
  await wb.treeItemContextAction('Runs', 'run-e2e', 'Delete Run…');
  const confirm = wb.page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Delete$/ }).first();
  await confirm.waitFor({ state: 'visible', timeout: 15_000 });
  await confirm.click();
  await waitUntil('run-e2e to be deleted', async () => (!fs.existsSync(path.join(runsDir(), 'run-e2e')) && !(await wb.treeItems('Runs')).some((i) => i.label === 'run-e2e') ? true : undefined));
  assert.ok(fs.existsSync(path.join(runsDir(), 'run-cancel', 'dialogues.jsonl')), 'the other run stays');
});
