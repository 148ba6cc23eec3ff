/** Dialogue records for export tests: parallel calls, text beside calls, a tool error, chitchat. */
import type { DialogueRecord } from '../../../src/engine/pipeline/types';
import type { DialogueReview } from '../../../src/engine/review/reviewState';
import { toOpenAITool } from '../../../src/engine/model/tool';
import { call, flightTool, tool, weatherTool } from '../pipeline/builders';
import type { ChatMessage } from '../../../src/engine/llm/types';

export const hotelTool = tool('book_hotel', { city: { type: 'string', description: 'city' }, nights: { type: 'integer', description: 'nights' } }, ['city', 'nights']);

export function record(id: string, messages: ChatMessage[], over: Partial<DialogueRecord> & { review?: DialogueReview } = {}): DialogueRecord {
  const index = Number(id.replace(/\D/g, '')) || 0;
  return {
    id,
    index,
    status: 'accepted',
    reasons: [],
    tools: [weatherTool, flightTool, hotelTool].map(toOpenAITool),
    plan: null,
    system: 'You are a helpful assistant with access to tools.',
    messages,
    seed: 1000 + index,
    style: 'casual',
    usage: {},
    llmCalls: 5,
    timings: { startedAt: '2025-01-01T00:00:00.000Z', finishedAt: '2025-01-01T00:00:01.000Z', durationMs: 1000 },
    ...over,
  };
}

/**
 * A dialogue with everything converters get wrong: two parallel calls whose results arrive in the
 * reverse order, an assistant turn with text AND a call, a simulated tool error, unicode and quotes
 * in arguments, a second tool round, chitchat.
 */
export function richMessages(): ChatMessage[] {
  return [
    { role: 'user', content: 'Weather in Paris and flights from Lyon to Paris on 2025-05-01?' },
    {
      role: 'assistant',
      content: null,
      tool_calls: [call('call_a', 'get_weather', { city: 'Paris', unit: 'celsius' }), call('call_b', 'search_flights', { origin: 'Lyon', destination: 'Paris', date: '2025-05-01' })],
    },
    { role: 'tool', tool_call_id: 'call_b', content: '{"flights":[{"id":"AF7","price":89.5}]}' },
    { role: 'tool', tool_call_id: 'call_a', content: '{"temperature":18,"condition":"cloudy"}' },
    { role: 'assistant', content: 'It is 18 °C and cloudy in Paris; flight AF7 costs 89.50 €.' },
    { role: 'user', content: 'Book 2 nights at "Hôtel du Nord" — in Paris.' },
    { role: 'assistant', content: 'Sure, booking it now.', tool_calls: [call('call_c', 'book_hotel', { city: 'Paris "Nord" ☂', nights: 2 })] },
    { role: 'tool', tool_call_id: 'call_c', content: '{"error":"no rooms left"}' },
    { role: 'assistant', content: 'Sorry, the hotel has no rooms left. Shall I try another one?' },
    { role: 'user', content: 'No thanks, bye!' },
    { role: 'assistant', content: 'Goodbye!' },
  ];
}

/** A plain single-call dialogue. */
export function simpleMessages(city = 'Paris'): ChatMessage[] {
  return [
    { role: 'user', content: `What is the weather in ${city}?` },
    { role: 'assistant', content: null, tool_calls: [call('c1', 'get_weather', { city })] },
    { role: 'tool', tool_call_id: 'c1', content: '{"temperature": 18}' },
    { role: 'assistant', content: `It is 18 °C in ${city}.` },
  ];
}
