/** The review editor's search texts: what is searched, and the Buffer store's edges (blocks, boundaries, replacement). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SearchTextStore, searchNeedle, searchTextOf } from '../../../src/engine/review/searchText';
import { ReviewDocumentModel } from '../../../src/engine/review/reviewDocumentModel';
import { goodDialogue, offered } from '../../support/pipeline/builders';

const record = (id: string, extra: Record<string, unknown> = {}) => ({ id, index: 0, status: 'accepted', reasons: [], tools: offered, plan: null, messages: goodDialogue(), ...extra });

test('search text: every string of the record in lower case, but not the offered tools\' descriptions and schemas', () => {
  const t = searchTextOf(record('d1', { review: { note: 'Été à PARIS', edits: [{ original: 'the old text' }] } }));
  assert.ok(t.includes('what is the weather in paris?'), 'messages, lower case');
  assert.ok(t.includes('{"city":"paris"}'), 'tool call arguments as written');
  assert.ok(t.includes('été à paris'), 'non-ASCII letters folded too');
  assert.ok(t.includes('the old text'), 'edit originals');
  assert.ok(t.includes('get_weather') && t.includes('search_flights'), 'offered tool names');
  assert.ok(!t.includes('departure city') && !t.includes('city name'), 'no parameter schema text');
  assert.ok(!t.includes('get weather tool'), 'no offered tool description');
  assert.ok(!t.includes('"role"') && !t.includes('messages'), 'no keys');
  assert.equal(searchNeedle('Été\u0000X'), 'étéx');
});

test('store: hits across many blocks, one per dialogue, none across two dialogues, replaced texts and truncation', () => {
  const s = new SearchTextStore();
  const n = 3000;
  // ~1 KB each: three 1 MiB blocks
  for (let i = 0; i < n; i++) s.set(i, `${'x'.repeat(1000)} dialogue ${i} ${i % 7 === 0 ? 'needle needle' : ''}end`);
  assert.ok(s.bytes >= 3 * 1024 * 1024, `several blocks: ${s.bytes}`);
  const hits = s.search('needle');
  assert.deepEqual([...hits].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i).filter((i) => i % 7 === 0));
  assert.deepEqual([...s.search('dialogue 2999 ')], [2999], 'the last dialogue of the last block');
  // "end" + "xxx" of the next dialogue: adjacent in the block, but no dialogue holds it
  assert.equal(s.search('endxxx').size, 0);
  assert.ok(s.search('end').size === n);

  s.set(5, 'replaced text'); // an existing slot gets a new text; the old one no longer counts
  assert.deepEqual([...s.search('replaced')], [5]);
  assert.ok(!s.search('dialogue 5 ').has(5));
  s.truncate(10);
  assert.deepEqual([...s.search('needle')].sort((a, b) => a - b), [0, 7], 'slots past the truncation are gone');
  s.set(10, 'new needle');
  assert.deepEqual([...s.search('needle')].sort((a, b) => a - b), [0, 7, 10]);
  s.clear();
  assert.equal(s.search('needle').size, 0);
});

test('model: after a save the saved text is what search finds', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolflow-search-'));
  const file = path.join(dir, 'dialogues.jsonl');
  fs.writeFileSync(file, [record('d1'), record('d2')].map((r) => JSON.stringify(r)).join('\n') + '\n');
  const m = await ReviewDocumentModel.open(file);
  assert.deepEqual(await m.query({ search: 'PARIS' }), [0, 1]);
  await m.apply(1, { type: 'edit-content', messageIndex: 0, content: 'What is the weather in Lyon?' });
  assert.deepEqual(await m.query({ search: 'lyon' }), [1], 'the changed line as it is now');
  await m.save();
  assert.deepEqual(await m.query({ search: 'lyon' }), [1], 'after the save, from the search texts');
  assert.deepEqual(await m.query({ search: 'weather in paris' }), [0, 1], 'the edit original is kept in the record');
  const again = await ReviewDocumentModel.open(file);
  assert.deepEqual(await again.query({ search: 'lyon' }), [1]);
});
