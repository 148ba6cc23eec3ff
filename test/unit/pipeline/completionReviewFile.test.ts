/** The completion review file (issue 10 item 6): build, decide, write/read, apply; stale and malformed files. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tool, weatherTool } from '../../support/pipeline/builders';
import type { Tool } from '../../../src/engine/model/tool';
import type { ToolCompletion } from '../../../src/engine/pipeline/completion/completeTools';
import {
  applyCompletionReview,
  buildCompletionReview,
  completionReviewSides,
  CompletionReviewError,
  decideCompletionReview,
  readCompletionReview,
  writeCompletionReview,
} from '../../../src/engine/pipeline/completion/completionReviewFile';

const blank = (name: string): Tool => ({ ...tool(name, { city: { type: 'string' } }, ['city']), description: '' });
const hotel = blank('book_hotel');
const taxi = blank('call_taxi');
const all = [weatherTool, hotel, taxi];
const todo = [hotel, taxi];
const completions: ToolCompletion[] = [hotel, taxi].map((t) => ({
  tool: t.name,
  fromCache: false,
  fills: [
    { pointer: '/description', value: `Completed description of ${t.name}.` },
    { pointer: '/parameters/properties/city/description', value: `The city for ${t.name}.` },
    { pointer: '/returns', value: { type: 'object', properties: { ok: { type: 'boolean', description: 'done' } } } },
  ],
}));
const meta = { toolsFile: 'a.tools.json', model: 'sim' };

function tmpFile(name = 'completion-review.json'): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'toolflow-review-')), name);
}

function errorOf(fn: () => unknown): CompletionReviewError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof CompletionReviewError, `a CompletionReviewError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

async function asyncErrorOf(p: Promise<unknown>): Promise<CompletionReviewError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof CompletionReviewError, `a CompletionReviewError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

describe('completion review file', () => {
  test('holds, per tool, each fill with the source value and the completed one, all pending', () => {
    const review = buildCompletionReview(todo, completions, meta);
    assert.deepEqual(review.tools.map((t) => [t.name, t.decision]), [['book_hotel', 'pending'], ['call_taxi', 'pending']]);
    assert.deepEqual(review.tools[0]!.fills[0], { pointer: '/description', original: '', completed: 'Completed description of book_hotel.' });
    assert.deepEqual(review.tools[0]!.fills[2]!.original, null, 'an absent value reads as null');
  });

  test('the diff\'s two sides: the reviewed tools as in the source and with every fill applied', () => {
    const { original, completed } = completionReviewSides(all, buildCompletionReview(todo, completions, meta));
    const left = JSON.parse(original) as Tool[];
    const right = JSON.parse(completed) as Tool[];
    assert.deepEqual(left.map((t) => t.name), ['book_hotel', 'call_taxi'], 'only the reviewed tools');
    assert.deepEqual(left.map((t) => t.description), ['', '']);
    assert.equal(left[0]!.returns, undefined);
    assert.deepEqual(right.map((t) => t.description), ['Completed description of book_hotel.', 'Completed description of call_taxi.']);
    assert.equal(right[1]!.parameters.properties.city!.description, 'The city for call_taxi.');
    assert.equal(right[0]!.returns?.type, 'object');
  });

  test('applying: accepted tools get exactly their completed values, rejected ones keep their source text', () => {
    const review = decideCompletionReview(buildCompletionReview(todo, completions, meta), new Set(['call_taxi']));
    const r = applyCompletionReview(all, todo, review, 'r.json');
    assert.deepEqual(r.accepted, ['call_taxi']);
    assert.deepEqual(r.rejected, ['book_hotel']);
    const byName = new Map(r.tools.map((t) => [t.name, t]));
    assert.equal(byName.get('call_taxi')!.description, 'Completed description of call_taxi.');
    assert.equal(byName.get('call_taxi')!.parameters.properties.city!.description, 'The city for call_taxi.');
    assert.deepEqual(byName.get('call_taxi')!.generated, ['/description', '/parameters/properties/city/description', '/returns']);
    assert.equal(byName.get('book_hotel'), hotel, 'a rejected tool is the source tool, untouched (its description stays empty)');
    assert.equal(byName.get('get_weather'), weatherTool, 'a tool outside the review is untouched');
    assert.deepEqual(r.tools.map((t) => t.name), all.map((t) => t.name), 'order kept');

    const none = applyCompletionReview(all, todo, decideCompletionReview(review, new Set()), 'r.json');
    assert.deepEqual(none.tools, all, 'accept none: the source tools');
  });

  test('a completed value edited by the reviewer is used, and checked like a model answer', () => {
    const review = decideCompletionReview(buildCompletionReview(todo, completions, meta), new Set(['book_hotel']));
    review.tools[0]!.fills[0]!.completed = 'Books a hotel room (edited by hand).';
    const r = applyCompletionReview(all, todo, review, 'r.json');
    assert.equal(r.tools[1]!.description, 'Books a hotel room (edited by hand).');
    review.tools[0]!.fills[0]!.completed = '   ';
    const e = errorOf(() => applyCompletionReview(all, todo, review, 'r.json'));
    assert.equal(e.pointer, '/tools/0/fills/0/completed');
    assert.match(e.message, /^r\.json#\/tools\/0\/fills\/0\/completed: book_hotel: .*non-empty description/);
    review.tools[0]!.fills[0]!.completed = 'ok';
    review.tools[0]!.fills[0]!.pointer = '/name';
    assert.equal(errorOf(() => applyCompletionReview(all, todo, review, 'r.json')).pointer, '/tools/0/fills/0/pointer');
  });

  test('a stale review (other source tools) is refused with what to do', () => {
    const review = decideCompletionReview(buildCompletionReview(todo, completions, meta), new Set(['book_hotel']));
    const changed = [{ ...hotel, parameters: { ...hotel.parameters, required: [] } }, taxi];
    const e = errorOf(() => applyCompletionReview(all, changed, review, 'r.json'));
    assert.equal(e.pointer, '/sourceHash');
    assert.match(e.message, /stale/);
    assert.match(e.hint, /--review-completion/);
    assert.throws(() => applyCompletionReview(all, [hotel], review, 'r.json'), /stale/, 'fewer tools to complete (another --count) is stale too');
  });

  test('a decision still pending is refused, naming its pointer', () => {
    const review = buildCompletionReview(todo, completions, meta);
    review.tools[0]!.decision = 'accepted';
    const e = errorOf(() => applyCompletionReview(all, todo, review, 'r.json'));
    assert.equal(e.pointer, '/tools/1/decision');
    assert.match(e.message, /1 decision\(s\) still "pending"/);
  });

  test('written and read back unchanged; malformed files name file, line and JSON pointer', async () => {
    const file = tmpFile();
    const review = decideCompletionReview(buildCompletionReview(todo, completions, meta), new Set(['book_hotel']));
    await writeCompletionReview(file, review);
    assert.deepEqual(await readCompletionReview(file), review);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['completion-review.json'], 'no temporary file left');

    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.replace('"decision": "rejected"', '"decision": "maybe"'));
    let e = await asyncErrorOf(readCompletionReview(file));
    assert.equal(e.pointer, '/tools/1/decision');
    assert.equal(e.file, file);
    const line = text.split('\n').findIndex((l) => l.includes('"decision": "rejected"')) + 1;
    assert.equal(e.line, line, 'the line of the bad value');
    assert.ok(e.message.startsWith(`${file}:${line}#/tools/1/decision: `), e.message);

    fs.writeFileSync(file, text.replace('"fills": [', '"fills": 3, "x": ['));
    e = await asyncErrorOf(readCompletionReview(file));
    assert.equal(e.pointer, '/tools/0/fills');

    fs.writeFileSync(file, text.replace('"toolflow.completion-review"', '"something-else"'));
    assert.equal((await asyncErrorOf(readCompletionReview(file))).pointer, '/format');

    fs.writeFileSync(file, text.slice(0, 200));
    e = await asyncErrorOf(readCompletionReview(file));
    assert.match(e.message, /not valid JSON/);
    assert.ok(e.line !== undefined && e.line > 1, `a line for the syntax error: ${e.message}`);

    e = await asyncErrorOf(readCompletionReview(path.join(path.dirname(file), 'absent.json')));
    assert.match(e.message, /ENOENT/);
  });
});
