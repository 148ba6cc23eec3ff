/**
 * The extension's live-transcript state under a long run: pipeline events for N dialogues (12
 * messages each, 32 in flight at once) applied to the TranscriptStore, plus what one 100 ms update
 * of the webview costs (the dialogue list and the selected dialogue serialised as postMessage
 * does). Prints events/s, µs per event, cost per webview update and heap retained after GC for
 * 1,000 vs 5,000 dialogues (goal: flat, the store keeps a bounded window of finished dialogues).
 *
 * Then the Runs view's refresh of a 5,000-dialogue run folder: a full read against the incremental
 * read (only the lines appended since the last refresh), which the view does every second while a
 * run writes.
 *
 *   node --expose-gc --import tsx bench/live-transcripts.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DialogueIndexCache, readRunSummary } from '../src/extension/runsView/runFolder';
import type { ChatMessage } from '../src/engine/llm/types';
import type { PipelineEvent } from '../src/engine/pipeline/events';
import type { DialogueRecord, RunManifest } from '../src/engine/pipeline/types';
import { TranscriptStore } from '../src/extension/live/transcriptStore';

const CONCURRENCY = 32;
const manifest = (count: number): RunManifest => ({
  format: 'toolflow.run', version: 1, createdAt: new Date().toISOString(), toolflowVersion: 'bench', nodeVersion: process.version,
  options: { count, seed: 1, concurrency: CONCURRENCY, toolsPerDialogue: { min: 2, max: 4 }, planSteps: { min: 2, max: 4 }, maxTurns: 12, toolErrorRate: 0.1, sampling: 'random', plan: true, planRetries: 1 },
  models: {}, toolSetHash: 'bench', toolCount: 100,
});

function messagesOf(i: number): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (let t = 0; t < 3; t++) {
    out.push({ role: 'user', content: `Request ${t} of dialogue ${i}: please look up the weather in city ${t} and book a table for ${t + 2} people.` });
    out.push({ role: 'assistant', content: null, tool_calls: [{ id: `c${i}_${t}`, type: 'function', function: { name: 'get_weather', arguments: JSON.stringify({ city: `city ${t}`, days: t + 1, units: 'metric' }) } }] });
    out.push({ role: 'tool', tool_call_id: `c${i}_${t}`, content: JSON.stringify({ temp_c: 20 + t, sky: 'clear', forecast: [{ day: 'mon', temp: 21 }, { day: 'tue', temp: 19 }] }) });
    out.push({ role: 'assistant', content: `It will be ${20 + t} °C and clear in city ${t}; I booked the table.` });
  }
  return out;
}

function* eventsOf(i: number): Generator<PipelineEvent> {
  const id = `d${String(i).padStart(6, '0')}`;
  const messages = messagesOf(i);
  yield { type: 'dialogue-started', id, index: i, tools: ['get_weather', 'book_table'], style: 'casual' };
  yield { type: 'plan-ready', id, plan: { steps: [{ kind: 'tool', request: 'weather', tools: ['get_weather'] }, { kind: 'tool', request: 'book', tools: ['book_table'] }, { kind: 'chitchat', request: 'thanks' }] } };
  for (const [k, m] of messages.entries()) {
    yield { type: 'message', id, messageIndex: k, author: m.role === 'tool' ? 'tool' : m.role === 'assistant' ? 'assistant' : 'user', message: m };
    if (m.role === 'tool') yield { type: 'tool-result', id, toolCallId: m.tool_call_id, name: 'get_weather', ok: true, content: m.content };
    yield { type: 'usage', id, role: 'assistant', usage: { promptTokens: 300, completionTokens: 40 }, totalTokens: 0 };
  }
  const record: DialogueRecord = {
    id, index: i, status: i % 7 === 0 ? 'rejected' : 'accepted', reasons: i % 7 === 0 ? [{ code: 'missing-required-param', message: 'x' }] : [],
    tools: [], plan: null, system: '', messages, seed: i, style: 'casual', usage: {}, llmCalls: 12,
    timings: { startedAt: '', finishedAt: '', durationMs: 0 },
  };
  yield { type: 'verdict', id, index: i, status: record.status, reasons: record.reasons, record };
}

function run(count: number): { events: number; applyMs: number; updates: number; updateMs: number; heapMb: number } {
  const store = new TranscriptStore();
  store.apply({ type: 'run-started', runDir: '/tmp/bench-run', manifest: manifest(count), alreadyDone: 0 });
  const streams: Array<Generator<PipelineEvent>> = [];
  let next = 0;
  let events = 0;
  let applyNs = 0n;
  let updateNs = 0n;
  let updates = 0;
  let selected: string | undefined;
  while (next < count || streams.length > 0) {
    while (streams.length < CONCURRENCY && next < count) streams.push(eventsOf(next++));
    for (let s = streams.length - 1; s >= 0; s--) {
      const r = streams[s]!.next();
      if (r.done) {
        streams.splice(s, 1);
        continue;
      }
      const t0 = process.hrtime.bigint();
      const change = store.apply(r.value);
      applyNs += process.hrtime.bigint() - t0;
      events++;
      selected ??= [...change.dialogues][0];
    }
    // one webview update per 100 events (a busy run produces a few hundred events per 100 ms)
    if (events % 100 < CONCURRENCY) {
      const t1 = process.hrtime.bigint();
      const payload = JSON.stringify({ run: store.run, list: store.list(), selected: selected ? store.get(selected) : null });
      if (payload.length === 0) throw new Error('empty');
      updateNs += process.hrtime.bigint() - t1;
      updates++;
    }
  }
  (globalThis as { gc?: () => void }).gc?.();
  const heapMb = process.memoryUsage().heapUsed / 1048576;
  if (store.run === null) throw new Error('no run');
  return { events, applyMs: Number(applyNs) / 1e6, updates, updateMs: Number(updateNs) / 1e6, heapMb };
}

if (!(globalThis as { gc?: () => void }).gc) process.stderr.write('note: run with --expose-gc for retained-heap figures\n');
run(200); // warm-up
for (const n of [1000, 5000]) {
  const r = run(n);
  process.stdout.write(
    `${n} dialogues: ${r.events} events in ${r.applyMs.toFixed(1)} ms (${((r.applyMs * 1000) / r.events).toFixed(2)} µs/event, ${Math.round(r.events / (r.applyMs / 1000)).toLocaleString('en-US')} events/s); ` +
      `${r.updates} webview updates, ${(r.updateMs / r.updates).toFixed(3)} ms each; heap after GC ${r.heapMb.toFixed(1)} MB\n`,
  );
}

async function runsRefresh(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolflow-bench-runs-'));
  try {
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest(5010)));
    const line = (i: number) => {
      const events = [...eventsOf(i)];
      const verdict = events[events.length - 1] as Extract<PipelineEvent, { type: 'verdict' }>;
      return JSON.stringify(verdict.record) + '\n';
    };
    const lines: string[] = [];
    for (let i = 0; i < 5000; i++) lines.push(line(i));
    fs.writeFileSync(path.join(dir, 'dialogues.jsonl'), lines.join(''));
    const bytes = fs.statSync(path.join(dir, 'dialogues.jsonl')).size;
    const cache = new DialogueIndexCache();
    let t = performance.now();
    const first = await readRunSummary(dir, cache);
    const fullMs = performance.now() - t;
    fs.appendFileSync(path.join(dir, 'dialogues.jsonl'), Array.from({ length: 10 }, (_, k) => line(5000 + k)).join(''));
    const before = cache.bytesRead;
    t = performance.now();
    const next = await readRunSummary(dir, cache);
    const incMs = performance.now() - t;
    if (first.dialogues.length !== 5000 || next.dialogues.length !== 5010) throw new Error('wrong counts');
    process.stdout.write(
      `Runs view refresh of a 5,000-dialogue run (${(bytes / 1048576).toFixed(1)} MB): full read ${fullMs.toFixed(1)} ms; ` +
        `after 10 more dialogues, incremental ${incMs.toFixed(1)} ms reading ${((cache.bytesRead - before) / 1024).toFixed(1)} KB\n`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

runsRefresh().catch((e: unknown) => {
  process.stderr.write(`${String(e)}\n`);
  process.exitCode = 1;
});
