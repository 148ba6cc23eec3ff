/** What an export takes (reviewer verdicts, --include), --dedupe clusters, and seeded splits (by dialogue, by tools). */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dedupeRecords, selectRecords, splitByDialogue, splitByTools, toolsOf } from '../../../src/engine/export';
import type { DialogueRecord } from '../../../src/engine/pipeline/types';
import { createRandom } from '../../../src/engine/sampling/seededRandom';
import { record, simpleMessages } from '../../support/export/records';

const offered = (names: string[]) => names.map((name) => ({ type: 'function' as const, function: { name, description: name, parameters: { type: 'object' as const, properties: {} } } }));

describe('selection', () => {
  const recs = [
    record('d000000', simpleMessages()),
    record('d000001', simpleMessages(), { status: 'rejected', reasons: [{ code: 'empty-turn', message: 'x' }] }),
    record('d000002', simpleMessages(), { review: { verdict: 'rejected', note: 'wrong city' } }),
    record('d000003', simpleMessages(), { status: 'rejected', reasons: [{ code: 'empty-turn', message: 'x' }], review: { verdict: 'accepted', reviewed: true } }),
    record('d000004', simpleMessages(), { review: { reviewed: true } }),
  ];
  test('accepted: the reviewer verdict overrides the filter, both ways', () => {
    const { records, counts } = selectRecords(recs, 'accepted');
    assert.deepEqual(records.map((r) => r.id), ['d000000', 'd000003', 'd000004']);
    assert.deepEqual(counts, { read: 5, selected: 3, rejected: 2, unreviewed: 0 });
  });
  test('reviewed: only accepted dialogues a person reviewed', () => {
    const { records, counts } = selectRecords(recs, 'reviewed');
    assert.deepEqual(records.map((r) => r.id), ['d000003', 'd000004']);
    assert.equal(counts.unreviewed, 1);
  });
  test('all: everything', () => {
    assert.equal(selectRecords(recs, 'all').records.length, 5);
  });
  test('dedupe keeps the first selected member of each cluster', () => {
    const selected = selectRecords(recs, 'accepted').records; // d0, d3, d4
    const r = dedupeRecords(selected, {
      method: { method: 'minhash-lsh' },
      clusters: [
        { id: 1, members: ['d000001', 'd000003', 'd000004'], similarity: [1, 0.9, 0.85] }, // d1 rejected → d3 kept
        { id: 2, members: ['d000000', 'd000009'], similarity: [1, 0.9] },
      ],
    });
    assert.deepEqual(r.records.map((x) => x.id), ['d000000', 'd000003']);
    assert.deepEqual(r.removed, [{ id: 'd000004', keptId: 'd000003', cluster: 1 }]);
  });
});

/** 60 dialogues over 12 tools, 2-4 tools each, with tools shared between dialogues as random walks give. */
function toolRecords(n = 60, seed = 5): DialogueRecord[] {
  const rnd = createRandom(seed);
  const tools = Array.from({ length: 12 }, (_, i) => `tool_${i}`);
  return Array.from({ length: n }, (_, i) => {
    const k = 2 + rnd.int(3);
    const start = rnd.int(tools.length);
    const names = Array.from({ length: k }, (_, j) => tools[(start + j * (1 + rnd.int(2))) % tools.length]!);
    return record(`d${String(i).padStart(6, '0')}`, simpleMessages(), { tools: offered([...new Set(names)]) });
  });
}

describe('splits', () => {
  test('by dialogue: the ratio, disjoint and complete, same seed same split, other seed other split', () => {
    const recs = toolRecords();
    const a = splitByDialogue(recs, 0.9, 7);
    assert.equal(a.validation.length, 6);
    assert.equal(a.train.length, 54);
    assert.deepEqual([...a.train, ...a.validation].map((r) => r.id).sort(), recs.map((r) => r.id).sort());
    assert.deepEqual(splitByDialogue(recs, 0.9, 7).validation.map((r) => r.id), a.validation.map((r) => r.id));
    assert.notDeepEqual(splitByDialogue(recs, 0.9, 8).validation.map((r) => r.id), a.validation.map((r) => r.id));
  });

  for (const seed of [1, 2, 3, 4, 5]) {
    test(`by tools (seed ${seed}): no tool on both sides; every dialogue is in train, validation or dropped`, () => {
      const recs = toolRecords(60, seed * 11);
      const s = splitByTools(recs, 0.8, seed);
      const trainTools = new Set(s.train.flatMap(toolsOf));
      const valTools = new Set(s.validation.flatMap(toolsOf));
      assert.deepEqual([...valTools].filter((t) => trainTools.has(t)), [], 'a tool on both sides');
      assert.ok(s.validation.length >= 12, `validation reaches its target, got ${s.validation.length}`);
      assert.equal(s.train.length + s.validation.length + s.dropped.length, recs.length);
      for (const d of s.dropped) {
        const ts = toolsOf(d);
        assert.ok(ts.some((t) => s.validationTools!.includes(t)) && ts.some((t) => !s.validationTools!.includes(t)), `${d.id} is dropped only when its tools straddle the sides`);
      }
      assert.deepEqual(splitByTools(recs, 0.8, seed).validation.map((r) => r.id), s.validation.map((r) => r.id), 'seeded');
    });
  }

  test('by tools: a dialogue whose tools are all held out goes to validation, none to train', () => {
    const recs = [
      record('d000000', simpleMessages(), { tools: offered(['a', 'b']) }),
      record('d000001', simpleMessages(), { tools: offered(['a']) }),
      record('d000002', simpleMessages(), { tools: offered(['c']) }),
      record('d000003', simpleMessages(), { tools: offered(['c', 'd']) }),
      record('d000004', simpleMessages(), { tools: offered(['d']) }),
    ];
    const s = splitByTools(recs, 0.6, 3);
    const val = new Set(s.validationTools);
    for (const r of s.validation) assert.ok(toolsOf(r).every((t) => val.has(t)));
    for (const r of s.train) assert.ok(toolsOf(r).every((t) => !val.has(t)));
    assert.equal(s.dropped.length, 0, 'two disconnected tool groups split without a drop');
  });
});
