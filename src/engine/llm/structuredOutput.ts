/**
 * Structured output: the three ways of asking for JSON, the schema instruction used when the
 * endpoint cannot enforce the schema itself, and JSON extraction from free text.
 *
 * Modes, tried in this order per endpoint (the client remembers what works):
 *   `json_schema`  response_format {type: 'json_schema', json_schema: {name, schema, strict}}
 *   `json_object`  response_format {type: 'json_object'} + the schema instruction in the prompt
 *   `text`         no response_format + the schema instruction; JSON extracted from the reply
 *
 * The schema instruction's wording is a fixed convention: the LLM simulator (a test double)
 * reads it back with `parseSchemaInstruction`.
 */
import type { JsonSchema } from '../model/jsonSchema';
import type { ChatMessage } from './types';

export type StructuredMode = 'json_schema' | 'json_object' | 'text';
export const STRUCTURED_MODES: readonly StructuredMode[] = ['json_schema', 'json_object', 'text'];

const INSTRUCTION_LEAD = 'Reply with only one JSON object (no prose, no comments) for the schema named';

export function schemaInstruction(schemaName: string, schema: JsonSchema): string {
  return [
    '## Response format',
    `${INSTRUCTION_LEAD} "${schemaName}". It must validate against this JSON Schema:`,
    '```json',
    JSON.stringify(schema),
    '```',
  ].join('\n');
}

/** Reads back a schema instruction from prompt text (used by the LLM simulator). */
export function parseSchemaInstruction(text: string): { schemaName: string; schema: JsonSchema } | undefined {
  const at = text.indexOf(INSTRUCTION_LEAD);
  if (at < 0) return undefined;
  const m = /"([^"]+)"[^\n]*\n```json\n([^\n]*)\n```/.exec(text.slice(at + INSTRUCTION_LEAD.length));
  if (!m) return undefined;
  try {
    const schema = JSON.parse(m[2]!) as unknown;
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return undefined;
    return { schemaName: m[1]!, schema: schema as JsonSchema };
  } catch {
    return undefined;
  }
}

/**
 * The messages to send in a fallback mode: the schema instruction is appended to the first system
 * message (or becomes the first message), because some chat templates accept only one system
 * message and only at the start.
 */
export function withSchemaInstruction(messages: ChatMessage[], schemaName: string, schema: JsonSchema): ChatMessage[] {
  const instruction = schemaInstruction(schemaName, schema);
  const out = messages.slice();
  const i = out.findIndex((m) => m.role === 'system');
  if (i >= 0) {
    const sys = out[i] as Extract<ChatMessage, { role: 'system' }>;
    out[i] = { role: 'system', content: `${sys.content}\n\n${instruction}` };
  } else {
    out.unshift({ role: 'system', content: instruction });
  }
  return out;
}

/** The re-ask after an unusable answer: lists the problems. */
export function repairMessage(problems: string[]): string {
  const listed = problems.slice(0, 20).map((p) => `- ${p}`);
  if (problems.length > 20) listed.push(`- … and ${problems.length - 20} more`);
  return ['Your previous reply could not be used:', ...listed, 'Reply again with only the corrected JSON object.'].join('\n');
}

export type JsonExtraction = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * Finds the JSON value in a model's reply (after dropping `<think>…</think>` reasoning): the whole
 * text, else a fenced block (```json or ```), else the first balanced {...} or [...] span that parses.
 */
export function extractJson(raw: string): JsonExtraction {
  // Reasoning models served by Ollama/vLLM (Qwen3, DeepSeek-R1) put their thinking in the content.
  const text = raw.replace(/<think>[\s\S]*?<\/think>/g, '');
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, error: 'the reply was empty' };
  const direct = tryParse(trimmed);
  if (direct.ok) return direct;
  const fence = /```[a-zA-Z0-9_-]*[ \t]*\r?\n([\s\S]*?)\r?\n?```/g;
  for (let m = fence.exec(text); m; m = fence.exec(text)) {
    const r = tryParse(m[1]!.trim());
    if (r.ok) return r;
  }
  for (let start = firstOpener(text, 0); start >= 0; start = firstOpener(text, start + 1)) {
    const end = balancedEnd(text, start);
    if (end < 0) continue;
    const r = tryParse(text.slice(start, end + 1));
    if (r.ok) return r;
  }
  return { ok: false, error: `the reply is not valid JSON (${direct.error})` };
}

function tryParse(s: string): JsonExtraction {
  try {
    return { ok: true, value: JSON.parse(s) as unknown };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

function firstOpener(text: string, from: number): number {
  for (let i = from; i < text.length; i++) if (text[i] === '{' || text[i] === '[') return i;
  return -1;
}

/** Index of the bracket closing the one at `start`, skipping strings; -1 when unbalanced. */
function balancedEnd(text: string, start: number): number {
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') stack.push('}');
    else if (c === '[') stack.push(']');
    else if (c === '}' || c === ']') {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}
