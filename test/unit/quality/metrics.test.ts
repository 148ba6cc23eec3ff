/**
 * The paper's metrics on small inputs whose values were worked out by hand: D-3, H, the round
 * pairing of SS/EnR, SS's arithmetic, Table 1 counts, o200k_base token counts, and both leakage
 * rules exactly at their boundaries.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Embedder } from '../../../src/engine/embedding/embedder';
import type { ChatMessage } from '../../../src/engine/llm/types';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkLeakage } from '../../../src/engine/quality/leakage/checkLeakage';
import { embeddingLeaks } from '../../../src/engine/quality/leakage/embeddingLeakage';
import { tool } from '../../support/pipeline/builders';
import { EvalNgramIndex, ngramLeak } from '../../../src/engine/quality/leakage/ngramLeakage';
import { DiversityCounter, diversityOf, entropyOfCounts } from '../../../src/engine/quality/metrics/diversity';
import { pairSimilarities } from '../../../src/engine/quality/metrics/semanticSimilarity';
import { dialogueStats, runStats } from '../../../src/engine/quality/stats/runStats';
import { messageTokens, tokenCount } from '../../../src/engine/quality/stats/tokenCount';
import { naturalTexts, roundPairs, roundsOf, wordsOf } from '../../../src/engine/quality/text/dialogueText';
import { record } from '../../support/extension/dialogueBuilders';
import { call } from '../../support/pipeline/builders';

const close = (a: number | undefined, b: number, eps = 1e-9) => assert.ok(a !== undefined && Math.abs(a - b) < eps, `${a} ≉ ${b}`);

describe('diversity: D-3 and H', () => {
  test('words: lower-cased letter/digit runs, apostrophes inside words kept', () => {
    assert.deepEqual(wordsOf("Don't STOP, user's e-mail 42!"), ["don't", 'stop', "user's", 'e', 'mail', '42']);
  });

  test('D-3 = distinct trigrams / all trigrams: "a b c a b c" has abc, bca, cab, abc -> 3/4', () => {
    const d = diversityOf(['a b c a b c']);
    assert.equal(d.trigrams, 4);
    assert.equal(d.distinctTrigrams, 3);
    assert.equal(d.distinct3, 0.75);
  });

  test('trigrams never cross messages; two equal messages -> 1 distinct of 2', () => {
    assert.equal(diversityOf(['a b', 'c d']).distinct3, undefined);
    assert.equal(diversityOf(['a b c', 'a b c']).distinct3, 0.5);
  });

  test('H in bits of word frequencies: 2 equal words -> 1, 4 distinct -> 2, (3,1) -> 0.8113', () => {
    close(diversityOf(['a a b b']).entropy, 1);
    close(diversityOf(['a b c d']).entropy, 2);
    close(diversityOf(['a a a b']).entropy, -(0.75 * Math.log2(0.75) + 0.25 * Math.log2(0.25)));
    assert.equal(entropyOfCounts([], 0), 0);
  });

  test('the dataset counter pools texts (not a mean of per-dialogue values)', () => {
    const c = new DiversityCounter();
    c.addText('a b c');
    c.addText('a b c');
    c.addText('x y z');
    const v = c.values();
    assert.equal(v.distinct3, 2 / 3);
    close(v.entropy, 3 * (2 / 9) * Math.log2(9 / 2) + 3 * (1 / 9) * Math.log2(9)); // 9 words: a, b, c twice, x, y, z once
  });

  test('packed and string trigram keys agree beyond 2^17 distinct words', () => {
    const c = new DiversityCounter();
    const words: string[] = [];
    for (let i = 0; i < 131_075; i++) words.push(`w${i}`);
    c.addText(words.join(' '));
    c.addText(words.slice(-3).join(' ')); // a repeat of the last trigram (ids beyond 2^17)
    c.addText(words.slice(0, 3).join(' ')); // a repeat of the first trigram (packed)
    const v = c.values();
    assert.equal(v.trigrams, 131_073 + 2);
    assert.equal(v.distinctTrigrams, 131_073);
  });
});

const dialogue: ChatMessage[] = [
  { role: 'user', content: 'Weather in Paris?' },
  { role: 'assistant', content: null, tool_calls: [call('c1', 'get_weather', { city: 'Paris' }), call('c2', 'get_weather', { city: 'Lyon' })] },
  { role: 'tool', tool_call_id: 'c1', content: '{"t": 18}' },
  { role: 'tool', tool_call_id: 'c2', content: '{"t": 20}' },
  { role: 'assistant', content: 'Paris 18, Lyon 20.' },
  { role: 'user', content: 'Book a flight to Lyon.' },
  { role: 'assistant', content: 'For which date?' },
  { role: 'user', content: 'Tomorrow.' },
  { role: 'assistant', content: null, tool_calls: [call('c3', 'book_flight', { to: 'Lyon' })] },
  { role: 'tool', tool_call_id: 'c3', content: '{"ok": true}' },
  { role: 'assistant', content: 'Booked.' },
];

describe('rounds and the pairs of SS / EnR', () => {
  test('a round is a user message and the assistant text until the next user message', () => {
    const rounds = roundsOf(dialogue);
    assert.deepEqual(
      rounds.map((r) => [r.request, r.response, r.toolCalls, r.callMessages]),
      [
        ['Weather in Paris?', 'Paris 18, Lyon 20.', 2, 1],
        ['Book a flight to Lyon.', 'For which date?', 0, 0],
        ['Tomorrow.', 'Booked.', 1, 1],
      ],
    );
  });

  test('premise = previous request + response, hypothesis = current request', () => {
    assert.deepEqual(roundPairs(dialogue), [
      { premise: 'Weather in Paris?\nParis 18, Lyon 20.', hypothesis: 'Book a flight to Lyon.' },
      { premise: 'Book a flight to Lyon.\nFor which date?', hypothesis: 'Tomorrow.' },
    ]);
    assert.deepEqual(roundPairs(dialogue.slice(0, 5)), []);
  });

  test('diversity text is user and assistant content only (no tool JSON)', () => {
    assert.deepEqual(naturalTexts(dialogue), ['Weather in Paris?', 'Paris 18, Lyon 20.', 'Book a flight to Lyon.', 'For which date?', 'Tomorrow.', 'Booked.']);
  });
});

/** An embedder test double with fixed 2-d vectors per text, to check SS's arithmetic. */
function fixedEmbedder(vectors: Record<string, [number, number]>): Embedder & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    model: { spec: 'fixed', kind: 'local', location: '', folder: '', dtype: 'fp32' },
    fingerprint: 'fixed',
    dimensions: 2,
    async embed(texts) {
      calls.push([...texts]);
      const out = new Float32Array(texts.length * 2);
      texts.forEach((t, i) => {
        const v = vectors[t]!;
        const n = Math.hypot(v[0], v[1]);
        out[i * 2] = v[0] / n;
        out[i * 2 + 1] = v[1] / n;
      });
      return out;
    },
    dispose: async () => {},
  };
}

describe('SS', () => {
  test('cosine per pair, each distinct text embedded once (in length order), results in pair order', async () => {
    const e = fixedEmbedder({ 'premise one': [1, 0], h1: [3, 4], 'p two': [0, 2], 'hypothesis 2': [1, 1] });
    const r = await pairSimilarities(e, [[{ premise: 'premise one', hypothesis: 'h1' }, { premise: 'p two', hypothesis: 'hypothesis 2' }], [], [{ premise: 'premise one', hypothesis: 'premise one' }]]);
    close(r.perDialogue[0]![0], 0.6, 1e-6);
    close(r.perDialogue[0]![1], Math.SQRT1_2, 1e-6);
    assert.deepEqual(r.perDialogue[1], []);
    close(r.perDialogue[2]![0], 1, 1e-6);
    assert.deepEqual(e.calls, [['h1', 'p two', 'premise one', 'hypothesis 2']]);
  });
});

describe('Table 1 statistics', () => {
  test('calls, call turns, parallel calls, rounds, no-tool rounds, chitchat steps, repairs', () => {
    const r = record(1, { messages: dialogue, plan: { steps: [{ kind: 'tool', request: 'a' }, { kind: 'chitchat', request: 'b' }, { kind: 'tool', request: 'c' }] } });
    const s = dialogueStats(Object.assign(r, { repairs: [{ at: 1 }, { at: 2 }] }));
    assert.equal(s.calls, 3);
    assert.equal(s.callTurns, 2);
    assert.equal(s.parallelCallTurns, 1);
    assert.equal(s.rounds, 3);
    assert.equal(s.noToolRounds, 1);
    assert.equal(s.messages, 11);
    assert.equal(s.tools, 2);
    assert.equal(s.chitchatSteps, 1);
    assert.equal(s.repairs, 2);
    const run = runStats([s, s], [
      { reasons: [{ code: 'turn-limit', message: '' }] },
      { reasons: [{ code: 'unknown-tool', message: '' }, { code: 'unknown-tool', message: 'again' }, { code: 'turn-limit', message: '' }] },
    ]);
    assert.equal(run.calls, 6);
    assert.equal(run.callTurns, 4);
    assert.equal(run.dialogues, 2);
    assert.equal(run.rejected, 2);
    assert.deepEqual(run.rejectionReasons, { 'turn-limit': 2, 'unknown-tool': 1 });
    assert.equal(run.noToolRoundShare, 2 / 6);
    assert.equal(run.chitchatStepShare, 2 / 6);
    assert.equal(run.repairs, 4);
    assert.equal(runStats([dialogueStats(record(2))], []).repairs, null);
  });

  test('tokens: o200k_base, content plus tool-call name and arguments', () => {
    assert.equal(tokenCount('hello world'), 2);
    assert.equal(tokenCount(''), 0);
    assert.equal(tokenCount('a <|endoftext|> b'), 9); // special-token text counts as plain text, no throw
    const m: ChatMessage = { role: 'assistant', content: 'hello world', tool_calls: [call('c', 'get_weather', '{"city":"Paris"}')] };
    assert.equal(messageTokens(m), 2 + tokenCount('get_weather') + tokenCount('{"city":"Paris"}'));
  });
});

describe('leakage rules (Section 7)', () => {
  const evalTool = { name: 'eval_tool', tokens: Array.from({ length: 30 }, (_, i) => 1000 + i) };
  const index = new EvalNgramIndex([{ name: 'other', tokens: [1, 2, 3] }, evalTool]);
  const filler = (n: number) => Array.from({ length: n }, (_, i) => 5000 + i);

  test('a shared 10-gram contaminates nothing; a shared 11-gram contaminates its 11 tokens', () => {
    const ten = ngramLeak({ name: 't', tokens: [...filler(5), ...evalTool.tokens.slice(0, 10), ...filler(5).map((x) => x + 100)] }, index);
    assert.equal(ten.contaminated, 0);
    assert.equal(ten.closest, undefined);
    const eleven = ngramLeak({ name: 't', tokens: [...filler(5), ...evalTool.tokens.slice(0, 11), ...filler(5).map((x) => x + 100)] }, index);
    assert.equal(eleven.contaminated, 11);
    assert.deepEqual(eleven.closest, { name: 'eval_tool', sharedNgrams: 1 });
    const thirteen = ngramLeak({ name: 't', tokens: evalTool.tokens.slice(3, 16) }, index);
    assert.equal(thirteen.contaminated, 13); // a shared 13-gram: every token of it
  });

  test('a tool leaks when MORE than 10 % of its tokens are contaminated', () => {
    const shared = evalTool.tokens.slice(0, 11);
    const exactly10 = ngramLeak({ name: 't', tokens: [...shared, ...filler(99)] }, index); // 11 / 110
    assert.equal(exactly10.share, 0.1);
    assert.equal(exactly10.leaks, false);
    const above = ngramLeak({ name: 't', tokens: [...shared, ...filler(98)] }, index); // 11 / 109
    assert.equal(above.leaks, true);
  });

  test('embedding rule: cosine strictly above 0.9 leaks; the closest evaluation tool is named', () => {
    const unit = (c: number) => [c, Math.sqrt(1 - c * c)];
    const train = new Float32Array([...unit(0.9), ...unit(0.95), ...unit(0.2)]);
    const ev = new Float32Array([1, 0, 0, 1]);
    const r = embeddingLeaks(['at', 'above', 'far'], train, ['x_axis', 'y_axis'], ev, 2, 0.9);
    assert.equal(r[0]!.leaks, false);
    assert.equal(r[0]!.closest!.name, 'x_axis');
    assert.equal(r[1]!.leaks, true);
    assert.ok(Math.abs(r[1]!.closest!.cosine - 0.95) < 1e-6);
    assert.equal(r[2]!.leaks, true); // sqrt(1 - 0.04) = 0.98 to y_axis
    assert.equal(r[2]!.closest!.name, 'y_axis');
  });
});

describe('leakage: the evaluation set through the embedding cache', () => {
  test('a second check embeds only the run\'s tools; the verdicts are the same', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolflow-leak-cache-'));
    try {
      const vec = (t: string): [number, number] => (t.startsWith('get_weather') ? [1, 0] : t.startsWith('compute_tax') ? [0, 1] : [1, 1]);
      const e = fixedEmbedderBy(vec);
      const run = [tool('get_weather', { city: { type: 'string' } }), tool('plan_trip', { to: { type: 'string' } })];
      const evalSet = [tool('get_weather', { city: { type: 'string' } }), tool('compute_tax', { income: { type: 'number' } })];
      const first = await checkLeakage(run, evalSet, { evalSource: 'e', embedder: e, cacheDir: dir });
      assert.equal(e.embedded, 4);
      const second = await checkLeakage(run, evalSet, { evalSource: 'e', embedder: e, cacheDir: dir });
      assert.equal(e.embedded, 6, 'only the 2 run tools were embedded again');
      assert.deepEqual(second, first);
      assert.deepEqual(first.leaking.map((l) => [l.name, l.embedding?.closest]), [['get_weather', 'get_weather']]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** An embedder test double whose vector is a function of the text; counts texts embedded. */
function fixedEmbedderBy(vec: (t: string) => [number, number]): Embedder & { embedded: number } {
  const e = {
    embedded: 0,
    model: { spec: 'fixed', kind: 'local' as const, location: '', folder: '', dtype: 'fp32' as const },
    fingerprint: 'fixed-by-text',
    dimensions: 2,
    async embed(texts: readonly string[]) {
      e.embedded += texts.length;
      const out = new Float32Array(texts.length * 2);
      texts.forEach((t, i) => {
        const [x, y] = vec(t);
        const n = Math.hypot(x, y);
        out[i * 2] = x / n;
        out[i * 2 + 1] = y / n;
      });
      return out;
    },
    dispose: async () => {},
  };
  return e;
}

