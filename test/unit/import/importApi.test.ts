/** importPaths as the extension calls it: progress events, cancellation, paths as given. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { importPaths, type ImportProgress } from '../../../src/engine/import';
import { importFixtures, sharedTools } from '../../support/importData';

test('progress: files, then each file in order, then done with the totals', async () => {
  const events: ImportProgress[] = [];
  const r = await importPaths([importFixtures], { onProgress: (p) => events.push(p) });
  assert.deepEqual(events[0], { kind: 'files', total: 9 });
  const files = events.filter((e) => e.kind === 'file');
  assert.deepEqual(files.map((e) => (e.kind === 'file' ? e.index : -1)), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(events.at(-1), { kind: 'done', tools: r.summary.tools, diagnostics: r.diagnostics.length });
});

test('an aborted signal rejects before any work', async () => {
  const c = new AbortController();
  c.abort(new Error('stop'));
  await assert.rejects(importPaths([importFixtures], { signal: c.signal }), /stop/);
});

test('aborting in the middle of all ToolBench stops promptly with the abort reason', async () => {
  const c = new AbortController();
  let records = 0;
  const started = Date.now();
  await assert.rejects(
    importPaths([path.join(sharedTools, 'toolbench', 'toolenv_all.jsonl.gz')], {
      signal: c.signal,
      onProgress: (p) => {
        if (p.kind === 'records') {
          records = p.records;
          c.abort(new Error('user cancelled'));
        }
      },
    }),
    /user cancelled/,
  );
  assert.equal(records, 1000, 'stopped at the first progress point');
  assert.ok(Date.now() - started < 15000);
});

test('relative paths are resolved against cwd and reported as given', async () => {
  const r = await importPaths(['api-bank.json', 'missing.json'], { cwd: importFixtures });
  assert.equal(r.toolSet.tools[0]!.provenance.file, 'api-bank.json');
  const missing = r.diagnostics.find((d) => d.code === 'unreadable-file')!;
  assert.equal(missing.location.file, 'missing.json');
  assert.equal(r.summary.filesFailed, 1);
});
