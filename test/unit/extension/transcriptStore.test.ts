import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_FINISHED_KEPT, TranscriptStore, prettyJson } from '../../../src/extension/live/transcriptStore';
import { dialogueEvents, manifest, record, rejected } from '../../support/extension/dialogueBuilders';

const RUN = '/tmp/runs/run-x';

function started(store: TranscriptStore, count = 3) {
  store.apply({ type: 'run-started', runDir: RUN, manifest: manifest(count), alreadyDone: 0 });
}

describe('live transcript state from pipeline events', () => {
  test('the plan step the pipeline reports wins over the estimate from user turns', () => {
    const store = new TranscriptStore();
    started(store);
    const rec = record(0, {
      plan: { steps: [{ kind: 'tool', request: 'weather', tools: ['get_weather'] }, { kind: 'chitchat', request: 'thanks' }] },
      messages: [...record(0).messages, { role: 'user', content: 'And tomorrow?' }],
    });
    const events = dialogueEvents(RUN, rec);
    events.pop();
    // The user asked a follow-up: two user turns, but the pipeline is still on the first step.
    for (const e of events) store.apply(e.type === 'message' ? { ...e, planStep: 0 } : e);
    assert.equal(store.get('run-x/d000000')!.currentStep, 0);
  });

  test('turns stream in as messages arrive; the plan step follows the user turns', () => {
    const store = new TranscriptStore();
    started(store);
    const rec = record(0, {
      plan: { steps: [{ kind: 'tool', request: 'weather', tools: ['get_weather'] }, { kind: 'chitchat', request: 'thanks' }] },
      messages: [...record(0).messages, { role: 'user', content: 'Thanks!' }, { role: 'assistant', content: 'You are welcome.' }],
    });
    const events = dialogueEvents(RUN, rec);
    const verdict = events.pop()!;
    const key = 'run-x/d000000';
    let seenTurns = 0;
    for (const e of events) {
      const change = store.apply(e);
      const view = store.get(key)!;
      assert.ok(view.turns.length >= seenTurns, 'turns never disappear while streaming');
      seenTurns = view.turns.length;
      if (e.type === 'message') assert.ok(change.dialogues.has(key));
    }
    const view = store.get(key)!;
    assert.equal(view.state, 'in-flight');
    assert.equal(view.turns.length, 6);
    assert.equal(view.currentStep, 1, 'second user turn works on the second step');
    const call = view.turns[1]!.toolCalls![0]!;
    assert.equal(call.name, 'get_weather');
    assert.equal(call.arguments, '{\n  "city": "Paris"\n}', 'arguments are pretty-printed');
    assert.equal(view.turns[2]!.toolName, 'get_weather');
    assert.equal(view.turns[2]!.ok, true);
    assert.equal(view.turns[2]!.text, '{\n  "temp_c": 21,\n  "sky": "clear"\n}');
    assert.equal(view.tokens, 27);
    assert.deepEqual(store.list().map((d) => [d.key, d.state]), [[key, 'in-flight']]);

    store.apply(verdict);
    const done = store.get(key)!;
    assert.equal(done.state, 'accepted');
    assert.equal(done.turns.length, 6);
    assert.equal(done.turns[2]!.ok, true, 'the tool result keeps its success flag after the verdict');
  });

  test('the verdict carries the reasons; in-flight dialogues are listed before finished ones', () => {
    const store = new TranscriptStore();
    started(store);
    const bad = rejected(0, 'missing-required-param', 'get_weather needs "city"');
    for (const e of dialogueEvents(RUN, bad)) store.apply(e);
    const open = dialogueEvents(RUN, record(1));
    store.apply(open[0]!);
    const list = store.list();
    assert.deepEqual(list.map((d) => d.id), ['d000001', 'd000000']);
    const v = store.get('run-x/d000000')!;
    assert.equal(v.state, 'rejected');
    assert.deepEqual(v.reasons, [{ code: 'missing-required-param', message: 'get_weather needs "city"' }]);
  });

  test('run progress and finish update the run line', () => {
    const store = new TranscriptStore();
    started(store, 10);
    store.apply({ type: 'run-progress', counts: { total: 10, done: 4, accepted: 3, rejected: 1, byReason: {} }, inFlight: 2, tokens: 1234, elapsedMs: 1000, perMinute: 240, etaMs: 1500 });
    assert.deepEqual({ ...store.run }, { runName: 'run-x', state: 'running', total: 10, done: 4, accepted: 3, rejected: 1, inFlight: 2, tokens: 1234 });
    store.apply({ type: 'run-finished', runDir: RUN, reason: 'aborted', counts: { total: 10, done: 5, accepted: 4, rejected: 1, byReason: {} }, elapsedMs: 2000, tokens: 1500 });
    assert.equal(store.run!.state, 'aborted');
    assert.equal(store.run!.done, 5);
    assert.equal(store.run!.inFlight, 0);
  });

  test('finished dialogues are bounded so long runs do not grow memory', () => {
    const store = new TranscriptStore();
    started(store, MAX_FINISHED_KEPT + 50);
    for (let i = 0; i < MAX_FINISHED_KEPT + 50; i++) for (const e of dialogueEvents(RUN, record(i))) store.apply(e);
    assert.equal(store.list().length, MAX_FINISHED_KEPT);
    assert.equal(store.get('run-x/d000000'), undefined);
    assert.ok(store.get(`run-x/d${String(MAX_FINISHED_KEPT + 49).padStart(6, '0')}`));
  });

  test('model output is kept verbatim as text (rendering decides, nothing is interpreted)', () => {
    const store = new TranscriptStore();
    started(store);
    const evil = '<img src=x onerror=alert(1)></script><script>alert(2)</script>';
    for (const e of dialogueEvents(RUN, record(0, { messages: [{ role: 'user', content: evil }, { role: 'assistant', content: evil }] }))) store.apply(e);
    const v = store.get('run-x/d000000')!;
    assert.equal(v.turns[0]!.text, evil);
    assert.equal(v.turns[1]!.text, evil);
  });

  test('opening a record from disk gives the same view as watching it', () => {
    const a = new TranscriptStore();
    started(a);
    for (const e of dialogueEvents(RUN, record(0))) a.apply(e);
    const b = new TranscriptStore();
    const opened = b.addRecord('run-x', record(0));
    const watched = a.get('run-x/d000000')!;
    const strip = (v: typeof opened) => ({ ...v, tokens: 0, turns: v.turns.map(({ ok: _ok, ...t }) => t) });
    assert.deepEqual(strip(opened), strip(watched), 'same turns; only the streamed tool-error flags and token counts are extra');
  });

  test('prettyJson leaves non-JSON text alone', () => {
    assert.equal(prettyJson('{"a":[1,2]}'), '{\n  "a": [\n    1,\n    2\n  ]\n}');
    assert.equal(prettyJson('not json {'), 'not json {');
  });
});

test('dialogues in flight when a run stops are marked stopped, not left in flight', () => {
  const store = new TranscriptStore();
  store.apply({ type: 'run-started', runDir: RUN, manifest: manifest(3), alreadyDone: 0 });
  const events = dialogueEvents(RUN, record(0));
  store.apply(events[0]!);
  store.apply(events[1]!);
  const change = store.apply({ type: 'run-finished', runDir: RUN, reason: 'aborted', counts: { total: 3, done: 0, accepted: 0, rejected: 0, byReason: {} }, elapsedMs: 10, tokens: 0 });
  assert.ok(change.dialogues.has('run-x/d000000'));
  assert.equal(store.get('run-x/d000000')!.state, 'stopped');
  assert.deepEqual(store.list().map((d) => d.state), ['stopped']);
});
