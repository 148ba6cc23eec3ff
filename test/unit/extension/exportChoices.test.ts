/** The Export Dataset… choices: every engine format and include mode is offered, paths and summary lines. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { EXPORT_FORMATS, INCLUDE_MODES } from '../../../src/engine/export/types';
import { FORMAT_CHOICES, INCLUDE_CHOICES, SPLIT_CHOICES, defaultExportPath, exportSummary } from '../../../src/extension/export/exportChoices';

test('the quick picks offer every format and include mode, and a split by tools', () => {
  assert.deepEqual(FORMAT_CHOICES.map((c) => c.value), [...EXPORT_FORMATS]);
  assert.deepEqual(INCLUDE_CHOICES.map((c) => c.value), [...INCLUDE_MODES]);
  assert.equal(INCLUDE_CHOICES[0]!.value, 'accepted', 'rejected dialogues are left out by default');
  assert.ok(SPLIT_CHOICES.some((c) => c.value.by === 'tools' && c.value.ratio === 0.9));
  assert.equal(SPLIT_CHOICES[0]!.value.ratio, undefined);
});

test('next to the run: <run>/export/<format>.jsonl', () => {
  assert.equal(defaultExportPath('/w/runs/demo', 'hf'), path.join('/w/runs/demo', 'export', 'hf.jsonl'));
});

test('the summary counts splits and drops, and says when a file breaks its format', () => {
  assert.equal(
    exportSummary({ counts: { train: 8, validation: 1 }, valid: true, validation: [{ errors: 0 }], split: { dropped: 3, by: 'tools' } }, 'runs/demo/export/openai.train.jsonl'),
    'ToolFlow: exported 9 dialogues (8 train, 1 validation, 3 dropped) to runs/demo/export/openai.train.jsonl; every file passes its format checks',
  );
  assert.match(exportSummary({ counts: { train: 1 }, valid: false, validation: [{ errors: 2 }, { errors: 1 }] }, 'x.jsonl'), /exported 1 dialogue to x\.jsonl; 3 format violation\(s\): see the ToolFlow output/);
});
