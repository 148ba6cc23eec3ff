/**
 * Reads the canonical tool set (`*.tools.json`, written by `toolflow import`) that `generate`
 * samples from, with errors that say which file and JSON pointer is wrong and what to do.
 */
import fs from 'node:fs';
import { TOOLSET_FORMAT, type Tool, type ToolSet } from '../../../engine/model/tool';
import { UserError } from '../../cliSupport';

export async function loadToolSet(file: string): Promise<ToolSet> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, 'Pass the canonical tool set written by `toolflow import` with --tools.');
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const hint = 'Convert your tool definitions first: `toolflow import <files> -o tools.json`.';
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new UserError(`${file}#: expected a tool set object`, hint);
  const set = doc as Partial<ToolSet>;
  if (set.format !== TOOLSET_FORMAT) throw new UserError(`${file}#/format is ${JSON.stringify(set.format)}, not "${TOOLSET_FORMAT}"`, hint);
  if (!Array.isArray(set.tools)) throw new UserError(`${file}#/tools must be an array`, hint);
  set.tools.forEach((t: unknown, i) => {
    const tool = t as Partial<Tool> | null;
    if (!tool || typeof tool !== 'object') throw new UserError(`${file}#/tools/${i} must be an object`);
    if (typeof tool.name !== 'string' || tool.name === '') throw new UserError(`${file}#/tools/${i}/name must be a non-empty string`);
    if (typeof tool.description !== 'string') throw new UserError(`${file}#/tools/${i}/description must be a string`);
    if (!tool.parameters || typeof tool.parameters !== 'object' || tool.parameters.type !== 'object') throw new UserError(`${file}#/tools/${i}/parameters must be a JSON Schema of type "object"`);
  });
  if (set.tools.length === 0) throw new UserError(`${file}#/tools is empty: there is nothing to sample`, hint);
  return set as ToolSet;
}
