/**
 * The LLM judge against the LLM simulator (a real local OpenAI-compatible HTTP server, test double):
 * verdicts per dialogue in quality.jsonl, a seeded sample, malformed and schema-violating answers
 * (re-asked, then recorded as failures without losing anything), and a resume after a stop.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LlmClient } from '../../../src/engine/llm/llmClient';
import { singleEndpointConfig } from '../../../src/engine/llm/config';
import { LlmError } from '../../../src/engine/llm/types';
import { validateJudgement } from '../../../src/engine/quality/judge/judgePrompt';
import { runJudge, sampleIds } from '../../../src/engine/quality/judge/runJudge';
import { QUALITY_FILE, readQualityIndex } from '../../../src/engine/quality/qualityFiles';
import { startLlmSimulator, type LlmSimulator } from '../../support/llm-simulator/server';
import { tempDir, textDialogue, writeRun } from '../../support/quality/runFolder';

const FAST = { backoffBaseMs: 5, backoffMaxMs: 20, requestTimeoutMs: 10_000, maxRetries: 2, concurrency: 4 };

function dialogues(n: number) {
  return Array.from({ length: n }, (_, i) =>
    i % 2 === 0
      ? textDialogue(i, [['Find hotels in Rome for June', 'I found five hotels in Rome.'], ['Which Rome hotels have a pool?', 'Two of them have a pool.']])
      : textDialogue(i, [['Play some jazz', 'Which artist?'], ['Play some jazz', 'Playing jazz now.'], ['Order a pizza', 'Ordered.']]),
  );
}

describe('LLM judge against the simulator', () => {
  let sim: LlmSimulator;
  let client: LlmClient;
  const dirs: string[] = [];
  before(async () => {
    sim = await startLlmSimulator({ seed: 'judge' });
    client = new LlmClient(singleEndpointConfig({ baseURL: sim.url, apiKey: 'k', model: 'sim-judge' }, FAST));
  });
  after(async () => {
    await sim.close();
    dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
  });
  const run = (n: number) => {
    const d = tempDir('judge');
    dirs.push(d);
    const records = dialogues(n);
    writeRun(d, records);
    return { dir: d, records };
  };

  test('every dialogue of the sample gets four scores with reasons, stored per dialogue', async () => {
    const { dir, records } = run(4);
    sim.resetStats();
    const r = await runJudge(dir, records, { model: client, modelName: 'sim-judge', sample: 'all' });
    assert.equal(r.judgedNow, 4);
    assert.equal(sim.stats.byKind.judge, 4);
    const q = readQualityIndex(dir);
    const good = q.get('d000000')!.judge!;
    const poor = q.get('d000001')!.judge!;
    // The simulator's visible rules: d1 repeats a user turn, jumps topic and asks one question.
    assert.deepEqual([good.naturalness, good.coherence, good.helpfulness, good.accuracy], [5, 5, 5, 5]);
    assert.deepEqual([poor.naturalness, poor.coherence, poor.helpfulness, poor.accuracy], [3, 3, 4, 5]);
    assert.match(poor.reasons!.naturalness!, /repeats/);
    assert.equal(poor.model, 'sim-judge');
  });

  test('a seeded sample: the same seed picks the same dialogues, in run order', () => {
    const ids = Array.from({ length: 50 }, (_, i) => `d${i}`);
    const a = sampleIds(ids, 10, 7);
    assert.equal(a.length, 10);
    assert.equal(new Set(a).size, 10);
    assert.deepEqual(a, sampleIds(ids, 10, 7));
    assert.notDeepEqual(a, sampleIds(ids, 10, 8));
    assert.deepEqual(a, [...a].sort((x, y) => ids.indexOf(x) - ids.indexOf(y)));
    assert.deepEqual(sampleIds(ids, 'all', 1), ids);
  });

  test('malformed JSON and schema violations are re-asked; the verdicts that come back are kept', async () => {
    const { dir, records } = run(3);
    sim.resetStats();
    sim.setFaults([{ fault: 'malformed-content', target: 'judge', rate: 0.5 }, { fault: 'schema-violation', target: 'judge', rate: 0.3 }]);
    try {
      const r = await runJudge(dir, records, { model: client, sample: 'all', concurrency: 1, retries: 3 });
      assert.ok((sim.stats.faults['malformed-content'] ?? 0) + (sim.stats.faults['schema-violation'] ?? 0) > 0, 'faults were injected');
      assert.ok(sim.stats.byKind.judge! > 3, 're-asked after bad answers');
      assert.equal(r.judgedNow + r.failed.length, 3);
      assert.equal(readQualityIndex(dir).size, r.judgedNow);
    } finally {
      sim.setFaults([]);
    }
  });

  test('after the client gave up on three bad answers, a fresh request is made (retries) and its verdict kept', async () => {
    const own = await startLlmSimulator({ seed: 'judge-retry', faults: [{ fault: 'malformed-content', requests: [1, 2, 3] }] });
    try {
      const c = new LlmClient(singleEndpointConfig({ baseURL: own.url, apiKey: 'k', model: 'sim-judge' }, FAST));
      const { dir } = run(0);
      const r = await runJudge(dir, dialogues(1), { model: c, sample: 'all', retries: 1 });
      assert.equal(own.stats.byKind.judge, 4, 'first request + 2 repairs by the client, then one fresh request');
      assert.equal(r.judgedNow, 1);
      assert.equal(r.failed.length, 0);
    } finally {
      await own.close();
    }
  });

  test('a judge that never answers usable JSON: failures reported with their code, nothing written, a rerun judges them', async () => {
    const { dir, records } = run(2);
    sim.setFaults([{ fault: 'malformed-content', target: 'judge', rate: 1 }]);
    let r;
    try {
      r = await runJudge(dir, records, { model: client, sample: 'all', retries: 1 });
    } finally {
      sim.setFaults([]);
    }
    assert.equal(r.judgedNow, 0);
    assert.deepEqual(r.failed.map((f) => f.code), ['invalid-output', 'invalid-output']);
    assert.equal(fs.existsSync(path.join(dir, QUALITY_FILE)), false);
    const again = await runJudge(dir, records, { model: client, sample: 'all' });
    assert.equal(again.judgedNow, 2);
    assert.equal(again.failed.length, 0);
  });

  test('resume: a stopped judge keeps its verdicts and a restart judges only the rest', async () => {
    const { dir, records } = run(8);
    const stop = new AbortController();
    sim.resetStats();
    await assert.rejects(
      runJudge(dir, records, {
        model: client,
        sample: 6,
        seed: 3,
        concurrency: 1,
        signal: stop.signal,
        onEvent: (e) => {
          if (e.type === 'judged' && e.done === 3) stop.abort(new LlmError('aborted', 'stopped by the test'));
        },
      }),
      (e: unknown) => e instanceof LlmError && e.code === 'aborted',
    );
    const first = readQualityIndex(dir);
    assert.equal(first.size, 3);
    const requestsBefore = sim.stats.byKind.judge!;
    const r = await runJudge(dir, records, { model: client, sample: 6, seed: 3 });
    assert.equal(r.skipped, 3);
    assert.equal(r.judgedNow, 3);
    assert.equal(sim.stats.byKind.judge! - requestsBefore, 3, 'only the three missing dialogues were sent');
    assert.equal(readQualityIndex(dir).size, 6);
    assert.deepEqual(new Set(r.sample), new Set(readQualityIndex(dir).keys()));
  });

  test('validation: string scores like "4/5" are read, out-of-range and missing reasons are named by pointer', () => {
    const ok = validateJudgement({
      naturalness: { score: '4/5', reason: ' fine ' },
      coherence: { score: 3, reason: 'ok' },
      helpfulness: { score: '5', reason: 'good' },
      accuracy: { score: 5.0, reason: 'right' },
    });
    assert.ok(ok.ok);
    assert.equal(ok.value.naturalness, 4);
    assert.equal(ok.value.reasons!.naturalness, 'fine');
    const bad = validateJudgement({ naturalness: { score: 6, reason: 'x' }, coherence: { score: 2.5, reason: 'x' }, helpfulness: { score: 3 }, accuracy: 'five' });
    assert.ok(!bad.ok);
    assert.deepEqual(
      bad.errors.map((e) => e.split(' ')[0]),
      ['/naturalness/score', '/coherence/score', '/helpfulness/reason', '/accuracy'],
    );
    assert.ok(!validateJudgement('4').ok);
  });

  test('scores written as text by a chatty model end up as numbers in quality.jsonl', async () => {
    const { dir } = run(1);
    const rec = textDialogue(0, [['SCORES-AS-TEXT please look up the weather', 'It is sunny.']]);
    await runJudge(dir, [rec], { model: client, sample: 'all' });
    assert.equal(readQualityIndex(dir).get('d000000')!.judge!.naturalness, 5);
  });
});
