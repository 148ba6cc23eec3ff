/** Small helpers shared by the per-format validators. */
import type { SampleViolation } from '../types';

export const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** OpenAI's function name rule, which every trainer's parser also copes with. */
export const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export class Findings {
  readonly list: SampleViolation[] = [];
  add(rule: string, message: string, pointer?: string, severity: 'error' | 'warning' = 'error'): void {
    this.list.push({ rule, message, ...(pointer !== undefined ? { pointer } : {}), severity });
  }
}

/** Checks a tool list of `{type: "function", function: {name, description, parameters}}` objects; returns the names. */
export function checkToolList(tools: unknown, f: Findings, pointer = '/tools'): Set<string> | undefined {
  if (tools === undefined) return undefined;
  const names = new Set<string>();
  if (!Array.isArray(tools)) {
    f.add('tools_invalid', 'tools must be a list of {"type": "function", "function": {...}} objects', pointer);
    return names;
  }
  tools.forEach((t, i) => {
    const p = `${pointer}/${i}`;
    if (!isObject(t) || t.type !== 'function' || !isObject(t.function)) {
      f.add('tools_invalid', 'each tool must be {"type": "function", "function": {"name", "description", "parameters"}}', p);
      return;
    }
    checkFunctionDef(t.function, f, `${p}/function`, names);
  });
  return names;
}

export function checkFunctionDef(fn: Record<string, unknown>, f: Findings, p: string, names: Set<string>): void {
  if (typeof fn.name !== 'string' || !FUNCTION_NAME.test(fn.name)) f.add('tools_invalid', `function name must match ${FUNCTION_NAME.source}`, `${p}/name`);
  else if (names.has(fn.name)) f.add('tools_invalid', `tool "${fn.name}" is defined twice`, `${p}/name`);
  else names.add(fn.name);
  if (fn.description !== undefined && typeof fn.description !== 'string') f.add('tools_invalid', 'description must be a string', `${p}/description`);
  if (fn.parameters !== undefined && (!isObject(fn.parameters) || (fn.parameters.type !== undefined && fn.parameters.type !== 'object'))) {
    f.add('tools_invalid', 'parameters must be a JSON Schema object with "type": "object"', `${p}/parameters`);
  }
}

/** Parses a JSON string, or returns undefined. */
export function tryJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}
