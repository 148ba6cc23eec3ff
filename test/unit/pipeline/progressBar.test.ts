import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { formatProgress, ProgressLine } from '../../../src/cli/commands/generate/progressBar';
import type { RunProgressEvent } from '../../../src/engine/pipeline/events';

const event = (done: number, etaMs: number | null): RunProgressEvent => ({
  type: 'run-progress',
  counts: { total: 200, done, accepted: done - 7, rejected: 7, byReason: {} },
  inFlight: 4,
  tokens: 1_234_567,
  elapsedMs: 60_000,
  perMinute: 12.5,
  etaMs,
});

test('progress line shows done, rejected, tokens, rate and ETA', () => {
  const line = formatProgress(event(50, 754_000));
  assert.match(line, /^\[######\.{18}\] 50\/200 done · 7 rejected · 1\.2M tokens · 12\.5\/min · ETA 12m34s$/);
  assert.match(formatProgress(event(0, null)), /ETA --/);
});

test('without a TTY, lines are throttled and each ends with a newline', () => {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  const p = new ProgressLine(out, 10_000);
  p.update(event(1, 1000));
  p.update(event(2, 1000));
  p.update(event(3, 1000), true);
  p.end();
  assert.equal(text.split('\n').filter(Boolean).length, 2);
  assert.ok(!text.includes('\r'));
});
