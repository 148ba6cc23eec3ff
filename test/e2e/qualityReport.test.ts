// "ToolFlow: Show Quality Report" in a real VS Code: a run folder in the workspace, the command from
// the run's context menu in the Runs view, the report computed by the extension (SS with the embedded
// GloVe model; no NLI model can be downloaded here, so the page says EnR was skipped) and drawn in the
// webview: the comparison row, charts, the note. quality.jsonl is written next to the run.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { manifest, record } from '../support/extension/dialogueBuilders';
import { flightTool, weatherTool } from '../support/pipeline/builders';
import { withSession } from './support';

const messages = (i: number) => [
  { role: 'user' as const, content: `What is the weather in city ${i} this weekend?` },
  { role: 'assistant' as const, content: `It will be sunny in city ${i}.` },
  { role: 'user' as const, content: `Then find me a flight to city ${i} on Friday.` },
  { role: 'assistant' as const, content: 'I found two flights on Friday morning.' },
];

test('Show Quality Report from the Runs view draws the report of the run in a webview', async () => {
  const m = manifest(4);
  m.options.sampling = 'walk';
  const dialogues = Array.from({ length: 4 }, (_, i) => JSON.stringify(record(i, { messages: messages(i) }))).join('\n') + '\n';
  await withSession(
    {
      name: 'quality-report',
      workspaceFiles: {
        'runs/demo/manifest.json': JSON.stringify(m),
        'runs/demo/tools.json': JSON.stringify({ tools: [weatherTool, flightTool] }),
        'runs/demo/dialogues.jsonl': dialogues,
      },
      settings: { 'toolflow.embedding.model': 'toolflow-glove-100d' },
    },
    async (s) => {
      const wb = s.workbench;
      await wb.openViewContainer('ToolFlow');
      await wb.waitForTreeItem('Runs', 'demo', 60_000);
      await wb.treeItemContextAction('Runs', 'demo', 'Show Quality Report');
      const frame = await wb.webviewFrame('#comparison', 180_000);
      const row = await frame.$$eval('#comparison tbody tr td', (tds) => tds.map((td) => td.textContent));
      assert.equal(row[0], 'demo');
      assert.equal(row[1], '✓', 'graph sampling from the manifest');
      assert.match(row[3] ?? '', /^\d+\.\d\d$/, 'SS computed with the embedded model');
      assert.equal(row[4], 'n/a', 'EnR not available without the NLI model');
      const notes = await frame.$$eval('.notes li', (li) => li.map((x) => x.textContent ?? ''));
      assert.ok(notes.some((n) => /EnR skipped/.test(n)), notes.join(' | '));
      assert.ok((await frame.$$eval('canvas', (c) => c.length)) >= 5);
      const stats = await frame.$$eval('#statistics tbody tr td', (tds) => tds.map((td) => td.textContent));
      assert.equal(stats[1], '4', 'four dialogues counted');
      await wb.screenshot('quality-report');
      const quality = path.join(s.workspaceDir, 'runs', 'demo', 'quality.jsonl');
      assert.equal(fs.readFileSync(quality, 'utf8').trim().split('\n').length, 4);
      assert.match(s.toolflowLog(), /Quality report: .*demo/);
    },
  );
});
