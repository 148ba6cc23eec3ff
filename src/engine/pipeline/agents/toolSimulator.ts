/**
 * The tool agent (paper 3.3, tool role): simulates a tool's result as JSON that follows the tool's
 * `returns` schema, or a plausible error when the pipeline's seeded RNG decided this call fails.
 *
 * Protocol: `structured()` with schemaName `tool_result`; the user message holds the earlier results
 * (`- name {args} -> result` lines, when there are any), `Call: <name>`, the arguments JSON, and
 * `Simulate error: yes|no`.
 */
import type { ChatMessage, ChatModel, TokenUsage } from '../../llm/types';
import type { JsonSchema } from '../../model/jsonSchema';
import type { Tool } from '../../model/tool';
import { validateAgainst } from '../schemaValidator';

export const TOOL_RESULT_SCHEMA_NAME = 'tool_result';

export interface SimulatedResult {
  ok: boolean;
  result?: unknown;
  error?: string;
}

export function toolResultSchema(tool: Tool): JsonSchema {
  return {
    type: 'object',
    required: ['ok'],
    properties: { ok: { type: 'boolean' }, result: tool.returns ?? {}, error: { type: 'string' } },
  };
}

export function validateToolResult(value: unknown, simulateError: boolean, returns?: JsonSchema): { ok: true; value: SimulatedResult } | { ok: false; errors: string[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, errors: ['the answer must be a JSON object with "ok"'] };
  const v = value as Record<string, unknown>;
  if (typeof v.ok !== 'boolean') return { ok: false, errors: ['"ok" must be true or false'] };
  if (simulateError) {
    if (v.ok) return { ok: false, errors: ['this call must fail: set "ok" to false and explain the error in "error"'] };
    if (typeof v.error !== 'string' || v.error.trim() === '') return { ok: false, errors: ['"error" must be a non-empty message when "ok" is false'] };
    return { ok: true, value: { ok: false, error: v.error } };
  }
  if (!v.ok) return { ok: false, errors: ['this call succeeds: set "ok" to true and put the result in "result"'] };
  if (!('result' in v)) return { ok: false, errors: ['"result" is missing'] };
  if (returns) {
    // A return schema ajv cannot compile is the tool's fault, not the model's: accept the result.
    const problems = validateAgainst(returns, v.result).filter((p) => p.keyword !== 'schema');
    if (problems.length > 0) return { ok: false, errors: problems.slice(0, 8).map((p) => `"result"${p.message.replace(/^\//, '/')} (follow the tool's return schema)`) };
  }
  return { ok: true, value: { ok: true, result: v.result } };
}

/** An earlier call of the same dialogue and what it returned, which a later result must agree with. */
export interface EarlierResult {
  /** Exact tool name. */
  name: string;
  arguments: string;
  /** The result (or `{"error": ...}`) as the dialogue holds it. */
  content: string;
}

/** Earlier results shown to the tool simulator: the newest first, up to this many characters in all. */
export const EARLIER_RESULTS_CHARS = 2000;
/** One earlier call or result longer than this is cut (with an ellipsis). */
const EARLIER_ITEM_CHARS = 400;

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** One line whatever the model wrote: JSON compacted, other text with its line breaks turned to spaces. */
function oneLine(s: string): string {
  try {
    return JSON.stringify(JSON.parse(s));
  } catch {
    return s.replace(/\s*\n\s*/g, ' ');
  }
}

/** `- name {args} -> result` lines, newest last, within `EARLIER_RESULTS_CHARS`. */
export function earlierLines(earlier: readonly EarlierResult[]): string[] {
  const lines: string[] = [];
  let chars = 0;
  for (let i = earlier.length - 1; i >= 0; i--) {
    const e = earlier[i]!;
    const line = `- ${e.name} ${cut(oneLine(e.arguments), EARLIER_ITEM_CHARS)} -> ${cut(oneLine(e.content), EARLIER_ITEM_CHARS)}`;
    if (chars + line.length > EARLIER_RESULTS_CHARS) break;
    chars += line.length;
    lines.unshift(line);
  }
  return lines;
}

/**
 * What the tool simulator sees: the called tool only (name, description, parameters and `returns`;
 * the other offered tools are none of its business), the call, whether to fail, and the earlier
 * results of this dialogue it must stay consistent with (not the chat around them).
 */
export function toolSimulatorMessages(tool: Tool, args: string, simulateError: boolean, earlier: readonly EarlierResult[] = []): ChatMessage[] {
  const before = earlierLines(earlier);
  return [
    {
      role: 'system',
      content: [
        'You simulate a real API. Answer a call with what the API would return, as JSON: the result must follow the tool\'s return schema and agree with the arguments and earlier results, with realistic values, no placeholders.',
        'When asked to simulate an error, return {"ok": false, "error": "..."} with an error a real API could give for these arguments (not found, invalid value, quota, ...).',
        `Tool: ${JSON.stringify({ name: tool.name, description: tool.description, parameters: tool.parameters, returns: tool.returns ?? null })}`,
      ].join('\n'),
    },
    { role: 'user', content: [...(before.length > 0 ? ['Earlier results in this conversation:', ...before] : []), `Call: ${tool.name}`, args, `Simulate error: ${simulateError ? 'yes' : 'no'}`].join('\n') },
  ];
}

export async function simulateTool(
  model: ChatModel,
  tool: Tool,
  args: string,
  simulateError: boolean,
  signal?: AbortSignal,
  maxRepairs?: number,
  earlier: readonly EarlierResult[] = [],
): Promise<{ result: SimulatedResult; content: string; usage: TokenUsage }> {
  const { value, usage } = await model.structured<SimulatedResult>({
    role: 'tool',
    messages: toolSimulatorMessages(tool, args, simulateError, earlier),
    schemaName: TOOL_RESULT_SCHEMA_NAME,
    schema: toolResultSchema(tool),
    validate: (v) => validateToolResult(v, simulateError, tool.returns),
    signal,
    ...(maxRepairs !== undefined ? { maxRepairs } : {}),
  });
  const content = JSON.stringify(value.ok ? value.result : { error: value.error });
  return { result: value, content, usage };
}
