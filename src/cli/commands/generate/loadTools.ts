/**
 * Reads the canonical tool set (`*.tools.json`, written by `toolflow import`) that `generate`
 * samples from; problems become one-line user errors naming the file and JSON pointer.
 */
import { readToolSet, ToolSetError } from '../../../engine/import';
import type { ToolSet } from '../../../engine/model/tool';
import { UserError } from '../../cliSupport';

const HINT = 'Pass the canonical tool set written by `toolflow import <files> -o tools.json` with --tools.';

export async function loadToolSet(file: string): Promise<ToolSet> {
  let set: ToolSet;
  try {
    set = await readToolSet(file);
  } catch (e) {
    if (e instanceof ToolSetError) throw new UserError(e.message, HINT);
    throw e;
  }
  if (set.tools.length === 0) throw new UserError(`${file}#/tools is empty: there is nothing to sample`, HINT);
  return set;
}
