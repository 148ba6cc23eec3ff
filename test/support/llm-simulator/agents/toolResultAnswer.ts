/**
 * Tool simulator (schema `tool_result`) in the LLM simulator, a test double: reads `Call: <name>`,
 * the arguments JSON after it and `Simulate error: yes|no`, and answers `{ok, result|error}` with a
 * result built from the `result` schema in the request (the tool's `returns`), reusing argument
 * values for result fields of the same name.
 */
import type { JsonSchema } from '../../../../src/engine/model/jsonSchema';
import { extractJson } from '../../../../src/engine/llm/structuredOutput';
import type { SeededRandom } from '../seededRandom';
import { schemaInstance } from '../schemaInstance';
import { textOf, type ChatCompletionBody } from '../requestShape';
import { humanize } from './words';

const ERRORS = ['the service is temporarily unavailable', 'no matching record was found', 'the request was rejected: invalid input', 'the quota for this API is exhausted'];

export function toolResultAnswer(body: ChatCompletionBody, schema: JsonSchema, rng: SeededRandom): Record<string, unknown> {
  // The request's own user message (a re-ask appends our answer and the client's feedback after it).
  const users = body.messages.filter((m) => m.role === 'user').map(textOf);
  const text = users.filter((t) => /^Call:/m.test(t)).pop() ?? users.pop() ?? body.messages.map(textOf).join('\n');
  const name = /^Call:\s*(\S+)\s*$/m.exec(text)?.[1] ?? 'tool';
  const wantError = /^Simulate error:\s*yes\b/im.test(text);
  let args: Record<string, unknown> = {};
  const afterCall = text.split(/^Call:.*$/m)[1]?.split(/^Simulate error:.*$/m)[0] ?? '';
  const parsed = extractJson(afterCall);
  if (parsed.ok && parsed.value && typeof parsed.value === 'object' && !Array.isArray(parsed.value)) args = parsed.value as Record<string, unknown>;
  if (wantError) return { ok: false, error: `${humanize(name)} failed: ${rng.pick(ERRORS)}` };
  const resultSchema = schema.properties?.result;
  const result = resultSchema && Object.keys(resultSchema).length > 0 ? schemaInstance(resultSchema, rng, { optionalRate: 0.7, known: args }) : { status: 'success', ...args };
  return { ok: true, result };
}
