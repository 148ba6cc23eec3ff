import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, mkdir, appendFile, rename } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { acquireRunLock } from '../../../src/engine/pipeline/runLock';
import path from 'node:path';
import { DialogueIndexCache, listRuns, readDialogueRecord, readRunSummary } from '../../../src/extension/runsView/runFolder';
import { describeFilter, filterDialogues, isFiltering, reasonCounts } from '../../../src/extension/runsView/dialogueFilter';
import { manifest, record, rejected } from '../../support/extension/dialogueBuilders';

async function writeRun(root: string, name: string, count: number, lines: string[]): Promise<string> {
  const dir = path.join(root, name);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest(count)));
  await writeFile(path.join(dir, 'dialogues.jsonl'), lines.join(''));
  return dir;
}

describe('run folders for the Runs view', () => {
  test('a run whose lock is held by a live process carries its holder (shown as running); a dead holder does not', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'tf-runs-lock-'));
    try {
      const dir = await writeRun(root, 'run-locked', 3, [JSON.stringify(record(0)) + '\n']);
      assert.equal((await readRunSummary(dir)).lockedBy, undefined);
      const lock = acquireRunLock(dir, 'toolflow generate');
      const run = await readRunSummary(dir);
      assert.equal(run.lockedBy?.pid, process.pid);
      assert.equal(run.lockedBy?.owner, 'toolflow generate');
      lock.release();
      await writeFile(path.join(dir, 'run.lock'), JSON.stringify({ pid: 2 ** 22 + 17, host: hostname(), startedAt: 'x', owner: 'VS Code' }));
      assert.equal((await readRunSummary(dir)).lockedBy, undefined, 'a lock whose process is gone is not running');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  test('counts, statuses, reasons, tools and turns come from dialogues.jsonl; a torn last line is skipped', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'tf-runs-'));
    try {
      const lines = [
        JSON.stringify(record(0)) + '\n',
        JSON.stringify(rejected(1, 'missing-required-param', 'get_weather needs "city"')) + '\n',
        JSON.stringify(record(2, { messages: [...record(2).messages, { role: 'user', content: 'and tomorrow?' }, { role: 'assistant', content: 'Sunny.' }] })) + '\n',
        '{"id":"d000003","status":"acc', // being written
      ];
      const dir = await writeRun(root, 'run-a', 5, lines);
      const run = await readRunSummary(dir);
      assert.equal(run.total, 5);
      assert.equal(run.dialogues.length, 3);
      assert.equal(run.accepted, 2);
      assert.equal(run.rejected, 1);
      assert.deepEqual(run.badLines, []);
      assert.deepEqual(run.dialogues[1]!.reasons, ['missing-required-param']);
      assert.deepEqual(run.dialogues[0]!.tools, ['get_weather', 'book_flight']);
      assert.equal(run.dialogues[0]!.turns, 1);
      assert.equal(run.dialogues[2]!.turns, 2);
      // The byte range gives back the exact record.
      const full = await readDialogueRecord(dir, run.dialogues[1]!);
      assert.equal(full.id, 'd000001');
      assert.equal(full.reasons[0]!.message, 'get_weather needs "city"');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  test('bad lines and a bad manifest are reported with file and line, not thrown', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'tf-runs-'));
    try {
      const dir = await writeRun(root, 'run-b', 2, [JSON.stringify(record(0)) + '\n', 'not json\n', '{"hello":1}\n']);
      const run = await readRunSummary(dir);
      assert.equal(run.dialogues.length, 1);
      assert.equal(run.badLines.length, 2);
      assert.match(run.badLines[0]!, /^dialogues\.jsonl:2: not valid JSON/);
      assert.match(run.badLines[1]!, /^dialogues\.jsonl:3: missing "id"/);

      await writeFile(path.join(dir, 'manifest.json'), '{"format":"other"}');
      const bad = await readRunSummary(dir);
      assert.match(bad.problem!, /manifest\.json: not a ToolFlow run manifest/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  test('listRuns finds only folders with a manifest and sees appended dialogues', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'tf-runs-'));
    try {
      const dir = await writeRun(root, 'run-c', 3, [JSON.stringify(record(0)) + '\n']);
      await mkdir(path.join(root, 'not-a-run'));
      let runs = await listRuns(root);
      assert.deepEqual(runs.map((r) => r.name), ['run-c']);
      assert.equal(runs[0]!.dialogues.length, 1);
      await appendFile(path.join(dir, 'dialogues.jsonl'), JSON.stringify(record(1)) + '\n');
      runs = await listRuns(root);
      assert.equal(runs[0]!.dialogues.length, 2);
      assert.deepEqual(await listRuns(path.join(root, 'missing')), []);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('incremental reading during a run', () => {
  test('a refresh reads only the lines appended since the last one; a torn tail is read once complete; a replaced file is read again', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'tf-runs-'));
    try {
      const lines = [0, 1, 2].map((i) => JSON.stringify(record(i)) + '\n');
      const dir = await writeRun(root, 'run-inc', 10, lines);
      const file = path.join(dir, 'dialogues.jsonl');
      const cache = new DialogueIndexCache();
      let run = await readRunSummary(dir, cache);
      assert.equal(run.dialogues.length, 3);
      const first = cache.bytesRead;
      assert.equal(first, Buffer.byteLength(lines.join('')));

      const more = JSON.stringify(rejected(3, 'turn-limit', 'too long')) + '\n';
      const torn = JSON.stringify(record(4));
      await appendFile(file, more + torn.slice(0, 40));
      run = await readRunSummary(dir, cache);
      assert.deepEqual(run.dialogues.map((d) => d.id), ['d000000', 'd000001', 'd000002', 'd000003']);
      assert.equal(cache.bytesRead - first, Buffer.byteLength(more) + 40, 'only the new bytes were read');

      await appendFile(file, torn.slice(40) + '\n');
      run = await readRunSummary(dir, cache);
      assert.equal(run.dialogues.length, 5);
      assert.equal(run.rejected, 1);
      const full = await readDialogueRecord(dir, run.dialogues[4]!);
      assert.equal(full.id, 'd000004', 'byte ranges of incrementally read lines point at the right record');

      // the file replaced by a shorter one (e.g. rewritten): read again from the start
      await writeFile(file + '.new', lines[0]!);
      await rename(file + '.new', file);
      run = await readRunSummary(dir, cache);
      assert.deepEqual(run.dialogues.map((d) => d.id), ['d000000']);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('dialogue filters and search', () => {
  const parse = async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'tf-runs-'));
    const dir = await writeRun(root, 'r', 4, [
      JSON.stringify(record(0)) + '\n',
      JSON.stringify(rejected(1, 'turn-limit', 'hit 12 turns')) + '\n',
      JSON.stringify(rejected(2, 'unknown-tool', 'called get_wether')) + '\n',
      JSON.stringify(record(3, { tools: [{ type: 'function', function: { name: 'search_songs', description: '', parameters: { type: 'object', properties: {} } } }] })) + '\n',
    ]);
    const run = await readRunSummary(dir);
    await rm(root, { recursive: true, force: true });
    return run.dialogues;
  };

  test('status, reason and search narrow the list', async () => {
    const list = await parse();
    assert.equal(filterDialogues(list, { status: 'all' }).length, 4);
    assert.deepEqual(filterDialogues(list, { status: 'rejected' }).map((d) => d.id), ['d000001', 'd000002']);
    assert.deepEqual(filterDialogues(list, { status: 'rejected', reason: 'turn-limit' }).map((d) => d.id), ['d000001']);
    assert.deepEqual(filterDialogues(list, { status: 'all', search: 'SEARCH_SONGS' }).map((d) => d.id), ['d000003']);
    assert.deepEqual(filterDialogues(list, { status: 'all', search: 'get_wether' }).map((d) => d.id), ['d000002']);
    assert.equal(isFiltering({ status: 'all', search: '  ' }), false);
    assert.equal(describeFilter({ status: 'rejected', reason: 'turn-limit', search: 'x' }), 'status: rejected · reason: turn-limit · “x”');
    assert.deepEqual(reasonCounts(list), [{ code: 'turn-limit', count: 1 }, { code: 'unknown-tool', count: 1 }]);
  });
});
