import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DIALOGUES_FILE, readDialogues, redactBaseUrl, RunStore, toolSetHash } from '../../../src/engine/pipeline/runStore';
import type { DialogueRecord, RunManifest } from '../../../src/engine/pipeline/types';
import { DEFAULT_OPTIONS } from '../../../src/engine/pipeline/runner';
import { flightTool, weatherTool } from '../../support/pipeline/builders';

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'toolflow-runstore-'));
}

function record(index: number): DialogueRecord {
  return {
    id: `d${index}`, index, status: 'accepted', reasons: [], tools: [], plan: null, system: '', messages: [{ role: 'user', content: `hello ${index}` }],
    seed: index, style: 's', usage: {}, llmCalls: 0, timings: { startedAt: '', finishedAt: '', durationMs: 0 },
  };
}

function manifest(): RunManifest {
  return {
    format: 'toolflow.run', version: 1, createdAt: new Date().toISOString(), toolflowVersion: 'test', nodeVersion: process.version,
    options: { ...DEFAULT_OPTIONS, count: 5, sampling: 'random' }, models: {}, toolSetHash: toolSetHash([weatherTool]), toolCount: 1,
  };
}

describe('run store', () => {
  test('appends whole lines that read back in order', async () => {
    const dir = tmpDir();
    const store = await RunStore.create(dir, manifest(), [weatherTool]);
    await Promise.all([0, 1, 2].map((i) => store.append(record(i))));
    await store.close();
    const text = fs.readFileSync(path.join(dir, DIALOGUES_FILE), 'utf8');
    assert.equal(text.split('\n').length, 4);
    const r = await readDialogues(path.join(dir, DIALOGUES_FILE));
    assert.deepEqual(r.records.map((x) => x.index), [0, 1, 2]);
    assert.equal(r.tornTail, false);
  });

  test('refuses to create over an existing run', async () => {
    const dir = tmpDir();
    const store = await RunStore.create(dir, manifest(), [weatherTool]);
    await store.append(record(0));
    await store.close();
    await assert.rejects(RunStore.create(dir, manifest(), [weatherTool]), /already holds a run.*/);
  });

  test('open() cuts a torn last line and keeps appending whole lines', async () => {
    const dir = tmpDir();
    const store = await RunStore.create(dir, manifest(), [weatherTool]);
    await store.append(record(0));
    await store.close();
    const file = path.join(dir, DIALOGUES_FILE);
    const half = JSON.stringify(record(1));
    fs.appendFileSync(file, half.slice(0, half.length / 2));
    const { store: again, existing } = await RunStore.open(dir);
    assert.equal(existing.tornTail, true);
    assert.deepEqual(existing.records.map((x) => x.index), [0]);
    await again.append(record(1));
    await again.close();
    const r = await readDialogues(file);
    assert.deepEqual(r.records.map((x) => x.index), [0, 1]);
    assert.deepEqual(r.badLines, []);
    assert.equal(r.tornTail, false);
  });

  test('corrupt middle lines are reported, duplicates dropped', async () => {
    const dir = tmpDir();
    const file = path.join(dir, DIALOGUES_FILE);
    fs.writeFileSync(file, [JSON.stringify(record(0)), 'not json', JSON.stringify({ id: 'x' }), JSON.stringify(record(0)), JSON.stringify(record(2)), ''].join('\n'));
    const r = await readDialogues(file);
    assert.deepEqual(r.records.map((x) => x.index), [0, 2]);
    assert.deepEqual(r.badLines, [2, 3]);
    assert.equal(r.duplicates, 1);
  });

  test('tool-set hash changes with what the model sees, not with provenance', () => {
    const moved = { ...weatherTool, provenance: { ...weatherTool.provenance, file: 'elsewhere.json' } };
    assert.equal(toolSetHash([weatherTool]), toolSetHash([moved]));
    assert.notEqual(toolSetHash([weatherTool]), toolSetHash([{ ...weatherTool, description: 'other' }]));
    assert.notEqual(toolSetHash([weatherTool, flightTool]), toolSetHash([flightTool, weatherTool]));
  });

  test('base URLs lose credentials and query strings', () => {
    assert.equal(redactBaseUrl('https://user:sk-secret@example.com/v1?key=sk-abc'), 'https://example.com/v1');
  });
});
