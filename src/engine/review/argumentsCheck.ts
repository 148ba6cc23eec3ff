/**
 * Checks tool-call arguments typed in the review editor against the tool's parameter schema (ajv,
 * the same validator as the filter), and says where in the typed text each problem is, so the editor
 * can point at the failing field while the reviewer types. No `vscode` import.
 */
import { indexJsonPointers, LineIndex, nearestOffset } from '../import/source/jsonLocations';
import { jsonSyntaxErrorOffset } from '../import/source/jsonSyntaxError';
import type { OpenAITool } from '../model/tool';
import { validateAgainst } from '../pipeline/schemaValidator';

export interface ArgumentProblem {
  /** JSON pointer into the arguments ('' = the whole object). */
  pointer: string;
  message: string;
  /** Where in the text: 0-based offset, 1-based line and column. */
  offset: number;
  line: number;
  column: number;
}

export function checkToolArguments(tools: readonly OpenAITool[], name: string, text: string): ArgumentProblem[] {
  const lines = new LineIndex(text);
  const at = (offset: number, pointer: string, message: string): ArgumentProblem => ({ pointer, message, offset, ...lines.position(offset) });
  const tool = tools.find((t) => t.function.name === name);
  if (!tool) return [at(0, '', `"${name}" is not among the tools offered in this dialogue (${tools.map((t) => t.function.name).join(', ')})`)];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const offset = jsonSyntaxErrorOffset(text) ?? 0;
    return [at(offset, '', `not valid JSON: ${e instanceof Error ? e.message : String(e)}`)];
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [at(0, '', 'arguments must be a JSON object')];
  const problems = validateAgainst(tool.function.parameters, value);
  if (problems.length === 0) return [];
  const pointers = indexJsonPointers(text);
  return problems.map((p) => {
    // A missing property is reported on its parent; name the property itself.
    const pointer = p.keyword === 'required' && p.missingProperty !== undefined ? `${p.pointer}/${p.missingProperty}` : p.pointer;
    const message = p.keyword === 'required' ? `required parameter "${p.missingProperty}" is missing` : p.message;
    return at(pointers.get(p.pointer) ?? nearestOffset(pointers, p.pointer) ?? 0, pointer, message);
  });
}
