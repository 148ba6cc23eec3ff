import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dialogueViewFromRecord } from '../../../src/extension/live/transcriptStore';
import { parseDialogueLines } from '../../../src/extension/runsView/runFolder';
import { record, rejected } from '../../support/extension/dialogueBuilders';

test('the Runs tree and the live view show the same status for edited dialogues', () => {
  const cases = [
    { rec: { ...record(0), edited: true }, expected: 'edited' },
    { rec: { ...rejected(1, 'arguments-invalid', 'bad'), edited: true }, expected: 'rejected' },
    { rec: record(2), expected: 'accepted' },
  ];
  const parsed = parseDialogueLines(Buffer.from(cases.map((c) => JSON.stringify(c.rec) + '\n').join('')));
  cases.forEach((c, i) => {
    assert.equal(parsed.dialogues[i]!.status, c.expected, `Runs tree, dialogue ${i}`);
    assert.equal(dialogueViewFromRecord('run', c.rec).state, c.expected, `live view, dialogue ${i}`);
  });
});
