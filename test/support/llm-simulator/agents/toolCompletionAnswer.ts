/**
 * Tool-JSON completion (schema `tool_completion`, converter role) in the LLM simulator, a test
 * double: one fill per JSON pointer the schema lists — a sentence for `.../description`, an object
 * schema for `/returns`.
 */
import type { JsonSchema } from '../../../../src/engine/model/jsonSchema';
import type { SeededRandom } from '../seededRandom';
import { humanize } from './words';

function pointerSegments(pointer: string): string[] {
  return pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function fillFor(pointer: string, rng: SeededRandom): unknown {
  const segs = pointerSegments(pointer);
  const lastSeg = segs[segs.length - 1] ?? '';
  if (lastSeg === 'returns') {
    return {
      type: 'object',
      description: 'The result of the call.',
      properties: {
        status: { type: 'string', description: 'Whether the call succeeded.', enum: ['success', 'failure'] },
        data: { type: 'string', description: 'The main content of the answer.' },
      },
      required: ['status'],
    };
  }
  if (lastSeg === 'description') {
    const subject = segs.length >= 2 ? humanize(segs[segs.length - 2]!) : 'tool';
    if (segs.length === 1 || /^\d+$/.test(subject)) return rng.pick(['Looks up information for the user.', 'Performs the requested operation and reports the outcome.']);
    return `The ${subject} ${rng.pick(['to use', 'of the request', 'given by the user'])}.`;
  }
  return `generated ${humanize(lastSeg || 'value')}`;
}

export function toolCompletionAnswer(schema: JsonSchema, rng: SeededRandom): { fills: Array<{ pointer: string; value: unknown }> } {
  const e = schema.properties?.fills?.items?.properties?.pointer?.enum;
  const pointers = Array.isArray(e) ? e.filter((x): x is string => typeof x === 'string') : [];
  return { fills: pointers.map((pointer) => ({ pointer, value: fillFor(pointer, rng) })) };
}
