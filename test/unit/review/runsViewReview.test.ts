// The Runs view reads the review state through the engine's reader: a reviewer's verdict is the
// status shown, an edited accepted dialogue shows as "edited".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyReviewAction } from '../../../src/engine/review';
import { runsViewRows } from '../../support/extension/runsViewRows';
import { record } from '../../support/review/records';

test('Runs view rows show the effective status: verdict over filter, edited when a message was edited', async () => {
  const rejected = applyReviewAction(record(0), { type: 'verdict', verdict: 'rejected', note: 'n' });
  const edited = applyReviewAction(record(1), { type: 'edit-content', messageIndex: 0, content: 'What is the weather in Lyon?' });
  const plain = record(2);
  const text = [rejected, edited, plain].map((r) => JSON.stringify(r)).join('\n') + '\n';
  const { dialogues } = await runsViewRows(text);
  assert.deepEqual(dialogues.map((d) => d.status), ['rejected', 'edited', 'accepted']);
});
