/**
 * The Runs view sits on the engine's index of dialogues.jsonl (src/engine/review/dialogueIndex.ts):
 * the same lines are dialogues, with the same byte ranges, and the same lines are reported bad, as
 * in the review editor.
 */
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { scanLines } from '../../../src/engine/review/dialogueIndex';
import { DialogueIndexCache, readRunSummary } from '../../../src/extension/runsView/runFolder';
import { manifest, record, rejected } from '../../support/extension/dialogueBuilders';

test('Runs view rows and bad lines are the engine index\'s, appended lines included', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'tf-runs-index-'));
  try {
    const file = path.join(dir, 'dialogues.jsonl');
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest(6)));
    const lines = [
      JSON.stringify(record(0)),
      '',
      JSON.stringify({ id: 'd-odd', status: 'maybe', messages: [] }), // a status the engine does not know: not a dialogue
      'not json',
      JSON.stringify(rejected(1, 'turn-limit', 'too long')),
      JSON.stringify([1, 2]),
    ];
    await writeFile(file, lines.join('\n') + '\n');
    const cache = new DialogueIndexCache();
    const check = async () => {
      const run = await readRunSummary(dir, cache);
      const { entries } = await scanLines(file, 0, 1);
      const good = entries.filter((e) => e.summary);
      assert.deepEqual(run.dialogues.map((d) => [d.id, d.offset, d.length]), good.map((e) => [e.summary!.id, e.offset, e.length]));
      assert.deepEqual(run.badLines, entries.filter((e) => e.problem).map((e) => `dialogues.jsonl:${e.line}: ${e.problem!}`));
      return run;
    };
    const run = await check();
    assert.deepEqual(run.dialogues.map((d) => d.id), ['d000000', 'd000001']);
    assert.deepEqual(run.badLines.map((l) => l.split(':')[1]), ['3', '4', '6']);
    assert.deepEqual(run.dialogues[1]!.reasonMessages, ['too long']);

    await appendFile(file, JSON.stringify({ id: 'd-odd-2', status: 'pending', messages: [] }) + '\n' + JSON.stringify(record(2)) + '\n');
    const more = await check();
    assert.deepEqual(more.dialogues.map((d) => d.id), ['d000000', 'd000001', 'd000002']);
    assert.equal(more.badLines.length, 4);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
