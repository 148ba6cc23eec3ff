/** Test data builders for tools and dialogues (pipeline tests). */
import type { ChatMessage, ToolCall } from '../../../src/engine/llm/types';
import type { JsonSchema } from '../../../src/engine/model/jsonSchema';
import { toOpenAITool, type Tool } from '../../../src/engine/model/tool';

export function tool(name: string, params: Record<string, JsonSchema>, required: string[] = Object.keys(params), returns?: JsonSchema): Tool {
  return {
    name,
    description: `${name.replace(/_/g, ' ')} tool`,
    parameters: { type: 'object', properties: params, required },
    ...(returns ? { returns } : {}),
    provenance: { file: 'test', format: 'toolflow', pointer: `/tools/${name}`, originalName: name },
  };
}

export const weatherTool = tool(
  'get_weather',
  { city: { type: 'string', description: 'city name' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'], description: 'temperature unit' } },
  ['city'],
  { type: 'object', properties: { temperature: { type: 'number', description: 'temperature' }, condition: { type: 'string', description: 'sky condition' } } },
);

export const flightTool = tool(
  'search_flights',
  { origin: { type: 'string', description: 'departure city' }, destination: { type: 'string', description: 'arrival city' }, date: { type: 'string', format: 'date', description: 'departure date' } },
  ['origin', 'destination', 'date'],
  { type: 'object', properties: { flights: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, price: { type: 'number' } } } } } },
);

export const offered = [weatherTool, flightTool].map(toOpenAITool);

export function call(id: string, name: string, args: unknown): ToolCall {
  return { id, type: 'function', function: { name, arguments: typeof args === 'string' ? args : JSON.stringify(args) } };
}

/** A well-formed dialogue: question, tool call, result, answer, chitchat. */
export function goodDialogue(): ChatMessage[] {
  return [
    { role: 'user', content: 'What is the weather in Paris?' },
    { role: 'assistant', content: null, tool_calls: [call('c1', 'get_weather', { city: 'Paris' })] },
    { role: 'tool', tool_call_id: 'c1', content: '{"temperature": 18, "condition": "cloudy"}' },
    { role: 'assistant', content: 'It is 18 °C and cloudy in Paris.' },
    { role: 'user', content: 'Thanks! Nice city, right?' },
    { role: 'assistant', content: 'It is lovely, especially in spring.' },
  ];
}
