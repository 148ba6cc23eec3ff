/**
 * The extension's live-transcript state under a long run: pipeline events for N dialogues (12
 * messages each, 32 in flight at once) applied to the TranscriptStore, plus what one 100 ms update
 * of the webview costs (the dialogue list and the selected dialogue serialised as postMessage
 * does). Prints events/s, µs per event, cost per webview update and heap retained after GC for
 * 1,000 vs 5,000 dialogues (goal: flat, the store keeps a bounded window of finished dialogues).
 *
 *   node --expose-gc --import tsx bench/live-transcripts.ts
 */
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
