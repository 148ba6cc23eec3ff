/** Builders of dialogue records and pipeline events for the extension's unit tests. */
import type { ChatMessage } from '../../../src/engine/llm/types';
import type { OpenAITool } from '../../../src/engine/model/tool';
import type { PipelineEvent } from '../../../src/engine/pipeline/events';
import type { DialogueRecord, RunManifest } from '../../../src/engine/pipeline/types';

export function manifest(count: number): RunManifest {
  return {
    format: 'toolflow.run',
    version: 1,
    createdAt: '2026-11-22T16:00:00.000Z',
    toolflowVersion: '0.1.0',
    nodeVersion: process.version,
    options: { count, seed: 1, concurrency: 2, toolsPerDialogue: { min: 2, max: 3 }, planSteps: { min: 2, max: 3 }, maxTurns: 12, toolErrorRate: 0.1, sampling: 'random', plan: true, planRetries: 1 },
    models: { planner: { baseURL: 'http://127.0.0.1:1/v1', model: 'sim' } },
    toolSetHash: 'abc',
    toolCount: 3,
  };
}

export function toolObject(name: string): OpenAITool {
  return { type: 'function', function: { name, description: `${name} tool`, parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };
}

export function weatherMessages(userText = 'What is the weather in Paris?'): ChatMessage[] {
  return [
    { role: 'user', content: userText },
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
    { role: 'tool', tool_call_id: 'call_1', content: '{"temp_c":21,"sky":"clear"}' },
    { role: 'assistant', content: 'It is 21 °C and clear in Paris.' },
  ];
}

export function record(index: number, over: Partial<DialogueRecord> = {}): DialogueRecord {
  return {
    id: `d${String(index).padStart(6, '0')}`,
    index,
    status: 'accepted',
    reasons: [],
    tools: [toolObject('get_weather'), toolObject('book_flight')],
    plan: { steps: [{ kind: 'tool', request: 'ask the weather', tools: ['get_weather'] }, { kind: 'chitchat', request: 'say thanks' }] },
    system: 'You are a helpful assistant.',
    messages: weatherMessages(),
    seed: 1000 + index,
    style: 'casual',
    usage: { user: { promptTokens: 10, completionTokens: 5 }, assistant: { promptTokens: 20, completionTokens: 7 } },
    llmCalls: 4,
    timings: { startedAt: '2026-11-22T16:00:00.000Z', finishedAt: '2026-11-22T16:00:01.000Z', durationMs: 1000 },
    ...over,
  };
}

export function rejected(index: number, code: DialogueRecord['reasons'][number]['code'], message: string): DialogueRecord {
  return record(index, { status: 'rejected', reasons: [{ code, message }] });
}

/** The events a run of one dialogue emits, in order, ending with its verdict. */
export function dialogueEvents(runDir: string, rec: DialogueRecord): PipelineEvent[] {
  const events: PipelineEvent[] = [
    { type: 'dialogue-started', id: rec.id, index: rec.index, tools: rec.tools.map((t) => t.function.name), style: rec.style },
  ];
  if (rec.plan) events.push({ type: 'plan-ready', id: rec.id, plan: rec.plan });
  rec.messages.forEach((m, i) => {
    const author = m.role === 'tool' ? 'tool' : m.role === 'assistant' ? 'assistant' : 'user';
    events.push({ type: 'message', id: rec.id, messageIndex: i, author, message: m });
    if (m.role === 'tool') events.push({ type: 'tool-result', id: rec.id, toolCallId: m.tool_call_id, name: 'get_weather', ok: true, content: m.content });
  });
  events.push({ type: 'usage', id: rec.id, role: 'assistant', usage: { promptTokens: 20, completionTokens: 7 }, totalTokens: 27 });
  events.push({ type: 'verdict', id: rec.id, index: rec.index, status: rec.status, reasons: rec.reasons, record: rec });
  void runDir;
  return events;
}
