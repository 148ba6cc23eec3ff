// The review editor's document model on real files: index, read on demand, review actions with
// originals, re-filtering after edits, undo/redo, atomic save of only the changed lines (all others
// byte-identical), backup/restore, run lock, filters and search, and a file over 50 MB.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { acquireRunLock, RunLockedError } from '../../../src/engine/pipeline/runLock';
import { checkToolArguments, effectiveStatus, isEdited, isReviewed, ReviewDocumentModel, ReviewFileChangedError, type ReviewedRecord } from '../../../src/engine/review';
import { call, goodDialogue, offered } from '../../support/pipeline/builders';
import { lineBytes, missingParamDialogue, record, tempDir, writeRun } from '../../support/review/records';

function sampleRun(name: string) {
  const dir = tempDir(name);
  const records = [record(0), record(1, missingParamDialogue()), record(2), record(3, [{ role: 'user', content: 'Ünïcode ✓ <img src=x onerror=alert(1)>' }, { role: 'assistant', content: 'Noted — “quotes”.' }])];
  // a non-dialogue line in the middle must survive a save untouched, as must odd spacing
  const file = writeRun(dir, [JSON.stringify(records[0]), '{"not": "a dialogue"}', JSON.stringify(records[1], null, 0).replace('{', '{ '), JSON.stringify(records[2]), JSON.stringify(records[3])]);
  return { dir, file, records };
}

test('indexes dialogues by line, reads a record on demand, reports non-dialogue lines with their line number', async () => {
  const { file, records } = sampleRun('index');
  const m = await ReviewDocumentModel.open(file);
  assert.equal(m.count, 4);
  assert.deepEqual(m.problems, ['dialogues.jsonl:2: missing "id", "status" or "messages"']);
  assert.deepEqual(m.summaries().map((s) => s.id), records.map((r) => r.id));
  assert.equal(m.lineNumber(1), 3);
  assert.deepEqual(await m.record(3), records[3]);
  const s = m.summary(1);
  assert.equal(s.status, 'rejected');
  assert.deepEqual(s.reasons, ['missing-required-param']);
  assert.deepEqual(s.planKinds, ['tool', 'chitchat']);
  assert.deepEqual(s.called, ['search_flights']);
  assert.equal(s.tokens, 460);
});

test('a torn last line (being written) is left out and picked up by extend() once complete', async () => {
  const dir = tempDir('torn');
  const r2 = JSON.stringify(record(2));
  const file = writeRun(dir, [record(0), record(1)], r2.slice(0, 100));
  const m = await ReviewDocumentModel.open(file);
  assert.equal(m.count, 2);
  assert.deepEqual(await m.query({ search: 'Paris' }), [0, 1]);
  fs.appendFileSync(file, r2.slice(100) + '\n' + JSON.stringify(record(3)) + '\n');
  assert.deepEqual(await m.extend(), [2, 3]);
  assert.deepEqual(await m.query({ search: 'Paris?' }), [0, 1, 2, 3], 'a narrowed search still sees appended dialogues');
  assert.equal(m.summary(2).id, 'd000002');
  assert.deepEqual(await m.record(3), record(3));
});

test('reject with a note, tag, mark reviewed; save rewrites only that line, every other line byte-identical', async () => {
  const { file } = sampleRun('verdict');
  const before = lineBytes(file);
  const m = await ReviewDocumentModel.open(file);
  await m.apply(0, { type: 'verdict', verdict: 'rejected', note: 'assistant invents a forecast' }, { by: 'ana', at: '2026-02-02T10:00:00.000Z' });
  await m.apply(0, { type: 'tags', tags: ['weather', ' weather ', 'hallucination'] }, { by: 'ana' });
  assert.equal(m.isDirty, true);
  assert.equal(m.summary(0).status, 'rejected', 'the list shows the verdict before saving');
  assert.deepEqual(fs.readFileSync(file).subarray(0, before[0]!.length), before[0], 'nothing written before save');
  await m.save();
  assert.equal(m.isDirty, false);
  const after = lineBytes(file);
  assert.equal(after.length, before.length);
  for (let i = 1; i < before.length; i++) assert.ok(after[i]!.equals(before[i]!), `line ${i + 1} byte-identical`);
  const saved = JSON.parse(after[0]!.toString('utf8')) as ReviewedRecord;
  assert.equal(saved.status, 'accepted', 'the filter status is kept');
  assert.equal(effectiveStatus(saved), 'rejected');
  assert.deepEqual(saved.review, { verdict: 'rejected', note: 'assistant invents a forecast', reviewed: true, by: 'ana', at: saved.review!.at, tags: ['weather', 'hallucination'] });
  assert.ok(isReviewed(saved));
  // reopened: same state
  const again = await ReviewDocumentModel.open(file);
  assert.equal(again.summary(0).status, 'rejected');
  assert.deepEqual(again.summary(0).tags, ['weather', 'hallucination']);
  assert.deepEqual(await again.record(1), await m.record(1));
});

test('editing tool-call arguments re-runs the filter: status and reasons update, the original message is kept', async () => {
  const { file, records } = sampleRun('edit');
  const m = await ReviewDocumentModel.open(file);
  // dialogue 1 lacks the required "date": fix it
  await m.apply(1, { type: 'edit-tool-call', messageIndex: 1, callIndex: 0, name: 'search_flights', arguments: '{"origin":"Paris","destination":"Rome","date":"2026-03-01"}' }, { by: 'ana' });
  let r = await m.record(1);
  assert.equal(r.status, 'accepted');
  assert.deepEqual(r.reasons, []);
  assert.equal(r.review!.edits!.length, 1);
  assert.deepEqual(r.review!.edits![0]!.original, records[1]!.messages[1]);
  assert.ok(isEdited(r));
  // a second edit of the same message keeps the first original; a schema-refused value rejects again
  await m.apply(1, { type: 'edit-tool-call', messageIndex: 1, callIndex: 0, name: 'search_flights', arguments: '{"origin":"Paris","destination":"Rome","date":"tomorrow"}' });
  r = await m.record(1);
  assert.equal(r.status, 'rejected');
  assert.deepEqual(r.reasons.map((x) => [x.code, x.pointer]), [['arguments-invalid', '/date']]);
  assert.deepEqual(r.review!.edits![1]!.original, records[1]!.messages[1], 'the original is the message before its first edit');
  assert.equal(m.summary(1).edited, true);
  // message text and tool result edits
  await m.apply(0, { type: 'edit-content', messageIndex: 3, content: '' });
  const emptied = await m.record(0);
  assert.equal(emptied.status, 'rejected');
  assert.deepEqual(emptied.reasons.filter((x) => x.code === 'empty-turn').map((x) => x.messageIndex), [3]);
  await m.apply(0, { type: 'edit-tool-result', messageIndex: 2, content: 'not json' });
  assert.ok((await m.record(0)).reasons.some((x) => x.code === 'tool-result-unparseable'));
  await assert.rejects(m.apply(0, { type: 'edit-tool-result', messageIndex: 0, content: 'x' }), /is not a tool result/);
});

test('deleting an assistant tool-call turn deletes its results; deleting a result drops its call', async () => {
  const dir = tempDir('delete');
  const messages = [
    { role: 'user' as const, content: 'Weather in Paris and Rome?' },
    { role: 'assistant' as const, content: null, tool_calls: [call('a', 'get_weather', { city: 'Paris' }), call('b', 'get_weather', { city: 'Rome' })] },
    { role: 'tool' as const, tool_call_id: 'a', content: '{"temperature": 18}' },
    { role: 'tool' as const, tool_call_id: 'b', content: '{"temperature": 24}' },
    { role: 'assistant' as const, content: 'Paris 18 °C, Rome 24 °C.' },
  ];
  const file = writeRun(dir, [record(0, messages), record(1, messages)]);
  const m = await ReviewDocumentModel.open(file);
  await m.apply(0, { type: 'delete-turn', messageIndex: 1 });
  const r0 = await m.record(0);
  assert.deepEqual(r0.messages.map((x) => x.role), ['user', 'assistant']);
  assert.deepEqual(r0.review!.edits!.map((e) => [e.kind, e.messageIndex]), [['delete', 3], ['delete', 2], ['delete', 1]]);
  // The plan's tool step is no longer served by any call: the filter, run again with the plan, says so.
  assert.equal(r0.status, 'rejected');
  assert.deepEqual(r0.reasons.map((x) => x.code), ['plan-no-tool-call']);
  await m.apply(1, { type: 'delete-turn', messageIndex: 3 });
  const r1 = await m.record(1);
  assert.deepEqual(r1.messages.map((x) => x.role), ['user', 'assistant', 'tool', 'assistant']);
  const turn = r1.messages[1]!;
  assert.ok(turn.role === 'assistant' && turn.tool_calls!.map((c) => c.id).join() === 'a', 'the call answered by the deleted result is gone');
  assert.equal(r1.status, 'accepted');
});

test('undo and redo restore the exact line; undo after save makes the document dirty again', async () => {
  const { file } = sampleRun('undo');
  const original = fs.readFileSync(file);
  const m = await ReviewDocumentModel.open(file);
  const line0 = await m.lineText(0);
  await m.apply(0, { type: 'verdict', verdict: 'rejected' });
  await m.apply(0, { type: 'edit-content', messageIndex: 0, content: 'changed' });
  assert.equal(m.undo()!.label, 'Edit message 0');
  assert.equal(m.undo()!.label, 'Reject');
  assert.equal(await m.lineText(0), line0);
  assert.equal(m.isDirty, false, 'back to the disk text: nothing to save');
  m.redo();
  assert.equal((await m.record(0)).review?.verdict, 'rejected');
  await m.save();
  assert.notDeepEqual(fs.readFileSync(file), original);
  m.undo();
  assert.equal(m.isDirty, true);
  await m.save();
  assert.ok(fs.readFileSync(file).equals(original), 'undo + save gives back the original bytes');
});

test('backup holds only the changed lines; restore re-applies them and refuses a file changed meanwhile', async () => {
  const { file } = sampleRun('backup');
  const m = await ReviewDocumentModel.open(file);
  await m.apply(2, { type: 'verdict', verdict: 'rejected', note: 'n' });
  const backup = JSON.parse(JSON.stringify(m.backup())) as ReturnType<ReviewDocumentModel['backup']>;
  assert.equal(backup.lines.length, 1);
  assert.equal(backup.lines[0]!.id, 'd000002');
  const restored = await ReviewDocumentModel.restore(file, backup);
  assert.equal(restored.isDirty, true);
  assert.equal((await restored.record(2)).review?.verdict, 'rejected');
  // another program rewrote that dialogue: the backup no longer applies
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines[3] = lines[3]!.replace('"seed":1002', '"seed":7');
  fs.writeFileSync(file, lines.join('\n'));
  await assert.rejects(ReviewDocumentModel.restore(file, backup), ReviewFileChangedError);
});

test('save holds the run lock: refused while another writer holds it, nothing written; atomic on failure', async () => {
  const { dir, file } = sampleRun('lock');
  const original = fs.readFileSync(file);
  const m = await ReviewDocumentModel.open(file);
  await m.apply(0, { type: 'verdict', verdict: 'rejected' });
  const lock = acquireRunLock(dir, 'toolflow generate');
  await assert.rejects(m.save(), RunLockedError);
  lock.release();
  assert.ok(fs.readFileSync(file).equals(original));
  assert.equal(m.isDirty, true);
  // a save that fails half-way (aborted) leaves the original file and no temp file behind
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(m.save(undefined, { signal: ac.signal }));
  assert.ok(fs.readFileSync(file).equals(original));
  assert.deepEqual(fs.readdirSync(dir).sort(), ['dialogues.jsonl']);
  await m.save();
  assert.equal(fs.existsSync(path.join(dir, 'run.lock')), false, 'the lock is released after the save');
  assert.equal((JSON.parse(lineBytes(file)[0]!.toString()) as ReviewedRecord).review?.verdict, 'rejected');
});

test('filters by status, reason, tool, tag, reviewed and search over the text (changed lines as they are now)', async () => {
  const { file } = sampleRun('query');
  const m = await ReviewDocumentModel.open(file);
  assert.deepEqual(await m.query({ reason: 'missing-required-param' }), [1]);
  assert.deepEqual(await m.query({ status: 'accepted' }), [0, 2, 3]);
  assert.deepEqual(await m.query({ tool: 'search_flights' }), [0, 1, 2, 3]);
  assert.deepEqual(await m.query({ search: 'ROME' }), [1]);
  assert.deepEqual(await m.query({ search: 'onerror=alert' }), [3]);
  assert.deepEqual(await m.query({ search: '“quotes”' }), [3], 'non-ASCII text is found in the JSON line');
  // typing narrows the previous hits; the result is the same as a fresh search
  assert.deepEqual(await m.query({ search: 'par' }), [0, 1, 2, 3]);
  assert.deepEqual(await m.query({ search: 'paris' }), [0, 1, 2, 3]);
  assert.deepEqual(await m.query({ search: 'paris?' }), [0, 2]);
  assert.deepEqual(await m.query({ search: 'paris?"' }), [], 'a typed quote matches a quote inside the text, not JSON syntax');
  assert.deepEqual(await m.query({ search: 'rome' }), [1]);
  // the same search again after an edit and after its undo (narrowed to the previous hits + changed lines)
  assert.deepEqual(await m.query({ search: 'lyon' }), []);
  await m.apply(0, { type: 'edit-content', messageIndex: 0, content: 'And in Lyon?' });
  assert.deepEqual(await m.query({ search: 'lyon' }), [0]);
  m.undo();
  assert.deepEqual(await m.query({ search: 'lyon' }), []);
  await m.apply(0, { type: 'edit-content', messageIndex: 0, content: 'And in Lyon?' });
  assert.deepEqual(await m.query({ search: 'lyon' }), [0]);
  assert.deepEqual(await m.query({ search: 'paris?' }), [0, 2], 'the original of an edited message is searched too');
  await m.revert();
  await m.apply(3, { type: 'note', note: 'zebra crossing' });
  await m.save();
  await m.apply(3, { type: 'note', note: '' });
  assert.deepEqual(await m.query({ search: 'zebra' }), [], 'the note is gone from the changed line');
  await m.revert();
  assert.deepEqual(await m.query({ search: 'zebra' }), [3], 'after revert the line on disk matches again');
  await m.apply(2, { type: 'edit-content', messageIndex: 0, content: 'What is the weather in Rome?' });
  await m.apply(1, { type: 'tags', tags: ['flights'] });
  assert.deepEqual(await m.query({ search: 'rome' }), [1, 2]);
  assert.deepEqual(await m.query({ tag: 'flights', reviewed: false }), [1]);
  assert.deepEqual(await m.query({ reviewed: true }), []);
  const c = m.counts();
  assert.deepEqual([c.total, c.accepted, c.rejected, c.edited], [4, 3, 1, 1]);
  assert.deepEqual(c.reasons, { 'missing-required-param': 1 });
});

test('filters by judge score from quality.jsonl', async () => {
  const { dir, file } = sampleRun('score');
  fs.writeFileSync(path.join(dir, 'quality.jsonl'), [{ id: 'd000000', judge: { naturalness: 4, coherence: 4, helpfulness: 5, accuracy: 5 } }, { id: 'd000002', judge: { naturalness: 2, coherence: 2, helpfulness: 2, accuracy: 2 } }].map((x) => JSON.stringify(x)).join('\n') + '\n');
  const m = await ReviewDocumentModel.open(file);
  assert.equal(m.score(0), 4.5);
  assert.deepEqual(await m.query({ minScore: 3 }), [0]);
  assert.deepEqual(await m.query({ maxScore: 3 }), [2]);
});

test('arguments typed in the editor: errors name the field and its line', () => {
  const text = '{\n  "origin": "Paris",\n  "destination": "Rome",\n  "date": "tomorrow"\n}';
  assert.deepEqual(checkToolArguments(offered, 'search_flights', text).map((p) => [p.pointer, p.line, p.column]), [['/date', 4, 11]]);
  const missing = checkToolArguments(offered, 'search_flights', '{"origin": "Paris", "destination": "Rome"}');
  assert.deepEqual(missing.map((p) => [p.pointer, p.message]), [['/date', 'required parameter "date" is missing']]);
  assert.equal(checkToolArguments(offered, 'search_flights', '{"origin": "Paris",\n "x": }')[0]!.line, 2);
  assert.match(checkToolArguments(offered, 'nope', '{}')[0]!.message, /not among the tools offered/);
  assert.deepEqual(checkToolArguments(offered, 'get_weather', '{"city": "Lyon"}'), []);
});

test('a file over 50 MB: indexed, one dialogue edited and saved, every other line byte-identical', async () => {
  const dir = tempDir('big');
  const file = path.join(dir, 'dialogues.jsonl');
  const fd = fs.openSync(file, 'w');
  const pad = 'x'.repeat(5200);
  let n = 0;
  let size = 0;
  while (size <= 52 * 1024 * 1024) {
    // two needles past the first 8 MB read of a search, in mixed case
    const style = n === 1700 || n === 7000 ? `${pad}Needle In A HayStack ${n}` : `${pad}${n}`;
    const line = JSON.stringify(record(n, goodDialogue(), { style })) + '\n';
    fs.writeSync(fd, line);
    size += Buffer.byteLength(line);
    n++;
  }
  fs.closeSync(fd);
  assert.ok(fs.statSync(file).size > 50 * 1024 * 1024);
  const hashLines = () => lineBytes(file).map((b) => createHash('sha1').update(b).digest('hex'));
  const before = hashLines();
  const heap0 = process.memoryUsage().heapUsed;
  const m = await ReviewDocumentModel.open(file);
  assert.equal(m.count, n);
  const heapMb = (process.memoryUsage().heapUsed - heap0) / 1024 / 1024;
  assert.ok(heapMb < 40, `the index holds summaries, not the ${Math.round(size / 1e6)} MB of records (heap grew ${heapMb.toFixed(1)} MB)`);
  assert.deepEqual(await m.query({ search: 'needle in a haystack' }), [1700, 7000], 'search reads the whole file, case-insensitively');
  const mid = Math.floor(n / 2);
  await m.apply(mid, { type: 'verdict', verdict: 'rejected', note: 'big' });
  await m.save();
  const after = hashLines();
  assert.equal(after.length, before.length);
  const differing = after.map((h, i) => (h === before[i] ? -1 : i)).filter((i) => i >= 0);
  assert.deepEqual(differing, [mid]);
  assert.equal((await m.record(mid + 1)).id, record(mid + 1).id, 'offsets after the rewritten line still point right');
  fs.rmSync(dir, { recursive: true, force: true });
});
