/** Test data builders for review-editor tests: dialogue records and run files on disk. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChatMessage } from '../../../src/engine/llm/types';
import type { DialogueRecord } from '../../../src/engine/pipeline/types';
import { filterDialogue } from '../../../src/engine/pipeline/filter';
import { call, goodDialogue, offered } from '../pipeline/builders';

/** A record as the pipeline writes it: status and reasons from the real filter. */
export function record(index: number, messages: ChatMessage[] = goodDialogue(), extra: Partial<DialogueRecord> = {}): DialogueRecord {
  // The plan's tool step names the tool the dialogue calls, so the plan-adherence rules hold for it.
  // A dialogue without calls gets a chitchat-only plan.
  const called = messages.flatMap((m) => (m.role === 'assistant' ? (m.tool_calls ?? []).map((c) => c.function.name) : []))[0];
  const chitchat = { kind: 'chitchat' as const, request: 'small talk' };
  const plan = { steps: [called ? { kind: 'tool' as const, request: 'weather in Paris', tools: [called] } : { kind: 'chitchat' as const, request: 'weather in Paris' }, chitchat] };
  const reasons = filterDialogue(messages, offered, { plan });
  return {
    id: `d${String(index).padStart(6, '0')}`,
    index,
    status: reasons.length ? 'rejected' : 'accepted',
    reasons,
    tools: offered,
    plan,
    system: 'You are a helpful assistant with access to tools.',
    messages,
    seed: 1000 + index,
    style: 'casual',
    usage: { assistant: { promptTokens: 300, completionTokens: 40 }, user: { promptTokens: 100, completionTokens: 20 } },
    llmCalls: 6,
    timings: { startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:04.000Z', durationMs: 4000 },
    ...extra,
  };
}

/** A dialogue the filter rejects: a required parameter is missing (then no result, no answer). */
export function missingParamDialogue(): ChatMessage[] {
  return [
    { role: 'user', content: 'Find me a flight from Paris to Rome.' },
    { role: 'assistant', content: null, tool_calls: [call('c9', 'search_flights', { origin: 'Paris', destination: 'Rome' })] },
    { role: 'tool', tool_call_id: 'c9', content: '{"flights": []}' },
    { role: 'assistant', content: 'No flights found.' },
  ];
}

export function tempDir(name: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `toolflow-${name}-`));
}

/** Writes a run folder's dialogues.jsonl with the given lines (strings are written as they are). */
export function writeRun(dir: string, lines: Array<DialogueRecord | string>, tail = ''): string {
  const file = path.join(dir, 'dialogues.jsonl');
  fs.writeFileSync(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n' + tail);
  return file;
}

/** The file's lines as byte buffers (split on \n). */
export function lineBytes(file: string): Buffer[] {
  const buf = fs.readFileSync(file);
  const out: Buffer[] = [];
  let start = 0;
  for (;;) {
    const nl = buf.indexOf(0x0a, start);
    if (nl === -1) {
      if (start < buf.length) out.push(buf.subarray(start));
      return out;
    }
    out.push(buf.subarray(start, nl));
    start = nl + 1;
  }
}
