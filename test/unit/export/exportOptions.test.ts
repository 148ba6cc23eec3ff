/**
 * exportRun on hand-made run folders: fields other issues add to records and messages are ignored,
 * edits and reviews show in provenance, empty dialogues are left out with a note, and a cancelled
 * export replaces no earlier file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportRun } from '../../../src/engine/export';
import type { DialogueRecord } from '../../../src/engine/pipeline/types';
import { record, richMessages, simpleMessages } from '../../support/export/records';

function runFolder(records: DialogueRecord[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolflow-export-opts-'));
  fs.writeFileSync(path.join(dir, 'dialogues.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return dir;
}

const readJsonl = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);

test('unknown fields on records and messages (later pipeline versions) never reach the exported lines', async () => {
  const messages = richMessages().map((m, i) => ({ ...m, planStep: i % 3, repairs: 1 })) as DialogueRecord['messages'];
  const r = { ...record('d000001', messages), repairCount: 2, planProgress: [1, 2] } as DialogueRecord;
  const dir = runFolder([r]);
  for (const format of ['openai', 'hf'] as const) {
    const res = await exportRun(dir, { format, output: path.join(dir, 'out', `${format}.jsonl`) });
    assert.equal(res.valid, true, JSON.stringify(res.validation[0]!.violations));
    const text = fs.readFileSync(path.join(dir, 'out', `${format}.jsonl`), 'utf8');
    assert.doesNotMatch(text, /planStep|repairs|repairCount|planProgress/);
  }
});

test('provenance records review state and edits; dialogues without messages are left out with a note', async () => {
  const edited = record('d000002', simpleMessages('Rome'), {
    review: { reviewed: true, verdict: 'accepted', edits: [{ messageIndex: 3, kind: 'content', original: { role: 'assistant', content: 'old' }, at: '2025-01-01T00:00:00Z' }] },
  });
  const failed = record('d000003', [], { status: 'rejected', reasons: [{ code: 'plan-unusable', message: 'no plan' }] });
  const dir = runFolder([record('d000001', simpleMessages()), edited, failed]);
  const res = await exportRun(dir, { format: 'openai', include: 'all', output: path.join(dir, 'o.jsonl') });
  const prov = readJsonl(path.join(dir, 'o.provenance.jsonl'));
  assert.deepEqual(
    prov.map((p) => [p.dialogueId, p.reviewed, p.edited, p.line]),
    [
      ['d000001', false, false, 1],
      ['d000002', true, true, 2],
    ],
  );
  assert.ok(res.notes.some((n) => /1 dialogue\(s\) left out: they have no messages/.test(n)));
  assert.match((readJsonl(path.join(dir, 'o.jsonl'))[1]!.messages as Array<{ content: string }>)[4]!.content, /Rome/, 'the edited text is what is exported');
});

test('a cancelled export replaces no earlier file', async () => {
  const dir = runFolder([record('d000001', simpleMessages()), record('d000002', richMessages())]);
  const out = path.join(dir, 'o.jsonl');
  fs.writeFileSync(out, 'earlier export\n');
  const controller = new AbortController();
  controller.abort(new Error('cancelled by the user'));
  await assert.rejects(exportRun(dir, { format: 'hermes', output: out, signal: controller.signal }), /cancelled by the user/);
  assert.equal(fs.readFileSync(out, 'utf8'), 'earlier export\n');
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left');
});
