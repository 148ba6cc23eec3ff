import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dialogueViewFromRecord } from '../../../src/extension/live/transcriptStore';
import { record, rejected } from '../../support/extension/dialogueBuilders';
import { runsViewRows } from '../../support/extension/runsViewRows';

test('the Runs tree and the live view show the same status for edited dialogues', async () => {
  const cases = [
    { rec: { ...record(0), edited: true }, expected: 'edited' },
    { rec: { ...rejected(1, 'arguments-invalid', 'bad'), edited: true }, expected: 'rejected' },
    { rec: record(2), expected: 'accepted' },
    // The review editor's state: a verdict overrides the filter; an edit of messages marks it edited.
    { rec: { ...record(3), review: { verdict: 'rejected' as const, reviewed: true } }, expected: 'rejected' },
    { rec: { ...rejected(4, 'arguments-invalid', 'bad'), review: { verdict: 'accepted' as const } }, expected: 'accepted' },
    { rec: { ...record(5), review: { edits: [{ messageIndex: 0, kind: 'content' as const, original: { role: 'user' as const, content: 'x' }, at: '2026-01-01T00:00:00.000Z' }] } }, expected: 'edited' },
  ];
  const parsed = await runsViewRows(cases.map((c) => JSON.stringify(c.rec) + '\n').join(''));
  cases.forEach((c, i) => {
    assert.equal(parsed.dialogues[i]!.status, c.expected, `Runs tree, dialogue ${i}`);
    assert.equal(dialogueViewFromRecord('run', c.rec).state, c.expected, `live view, dialogue ${i}`);
  });
});
