/** The parts of an OpenAI chat-completions request body the LLM simulator (a test double) reads. */
import type { JsonSchema } from '../../../src/engine/model/jsonSchema';
import { parseSchemaInstruction } from '../../../src/engine/llm/structuredOutput';

export interface SimToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface SimMessage {
  role: string;
  content?: string | null | Array<{ type: string; text?: string }>;
  tool_calls?: SimToolCall[];
  tool_call_id?: string;
}

export interface SimTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: JsonSchema };
}

export interface ChatCompletionBody {
  model?: string;
  messages: SimMessage[];
  tools?: SimTool[];
  tool_choice?: unknown;
  parallel_tool_calls?: boolean;
  response_format?: { type?: string; json_schema?: { name?: string; schema?: JsonSchema; strict?: boolean } };
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
}

export function textOf(m: SimMessage | undefined): string {
  if (!m || m.content === undefined || m.content === null) return '';
  if (typeof m.content === 'string') return m.content;
  return m.content.map((p) => (typeof p.text === 'string' ? p.text : '')).join('');
}

/** Which agent of the ToolFlow protocol the request is from (see the agent protocol in the README). */
export type RequestKind = 'planner' | 'user' | 'assistant' | 'tool' | 'converter' | 'judge' | 'structured' | 'chat';

export const KIND_OF_SCHEMA: Record<string, RequestKind> = {
  dialogue_plan: 'planner',
  user_turn: 'user',
  tool_result: 'tool',
  tool_completion: 'converter',
  dialogue_judgement: 'judge',
};

export type StructuredAsk = { schemaName: string; schema: JsonSchema; mode: 'json_schema' | 'json_object' | 'text' };

export interface RecognisedRequest {
  kind: RequestKind;
  structured?: StructuredAsk;
}

export function recognise(body: ChatCompletionBody): RecognisedRequest {
  const rf = body.response_format;
  if (rf?.type === 'json_schema' && rf.json_schema && typeof rf.json_schema.name === 'string') {
    const structured: StructuredAsk = { schemaName: rf.json_schema.name, schema: rf.json_schema.schema ?? {}, mode: 'json_schema' };
    return { kind: KIND_OF_SCHEMA[structured.schemaName] ?? 'structured', structured };
  }
  for (const m of body.messages) {
    if (m.role !== 'system' && m.role !== 'user') continue;
    const found = parseSchemaInstruction(textOf(m));
    if (found) {
      const structured: StructuredAsk = { ...found, mode: rf?.type === 'json_object' ? 'json_object' : 'text' };
      return { kind: KIND_OF_SCHEMA[found.schemaName] ?? 'structured', structured };
    }
  }
  if (Array.isArray(body.tools) && body.tools.length > 0) return { kind: 'assistant' };
  return { kind: 'chat' };
}
