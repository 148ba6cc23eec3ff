/** Shared by `toolflow graph` and `toolflow calibrate`: read tools, map engine errors to UserErrors. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { importPaths } from '../../engine/import';
import { formatLocation } from '../../engine/model/diagnostic';
import type { ToolSet } from '../../engine/model/tool';
import { ModelFilesMissingError, ModelLoadError } from '../../engine/embedding/modelRegistry';
import { GraphTooLargeError } from '../../engine/graph';
import { UserError, log, type CliIO } from '../cliSupport';

export async function readTools(inputs: string[], io: CliIO, usage: string): Promise<ToolSet> {
  if (inputs.length === 0) throw new UserError('no input: name a tools file (e.g. from `toolflow import`) or tool definition files', `usage: ${usage}`);
  for (const p of inputs) {
    try {
      await fs.access(path.resolve(io.cwd, p));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UserError(`cannot read "${p}": ${code === 'ENOENT' ? 'no such file or folder' : (code ?? String(e))}`);
    }
  }
  const result = await importPaths(inputs, { cwd: io.cwd, signal: io.signal });
  if (result.toolSet.tools.length === 0) {
    const first = result.diagnostics.find((d) => d.severity === 'error');
    throw new UserError(
      `no tools in ${inputs.join(', ')}${first ? ` (first error: ${formatLocation(first.location)}: ${first.message})` : ''}`,
      'pass a *.tools.json written by `toolflow import`, or tool definitions in a supported format',
    );
  }
  log(io, `read ${result.toolSet.tools.length} tools from ${inputs.length} input${inputs.length === 1 ? '' : 's'}`);
  return result.toolSet;
}

export function listOption(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

/** Engine errors caused by the user's setup become one-line UserErrors. */
export function asUserError(e: unknown): unknown {
  if (e instanceof ModelFilesMissingError || e instanceof ModelLoadError) return new UserError(e.message, e.hint);
  if (e instanceof GraphTooLargeError) {
    return new UserError(`${e.message}; such a graph does not fit in memory`, 'raise --threshold, add --ignore-generic or --ignore-params, or cap hubs with --max-degree');
  }
  if (e instanceof RangeError) return new UserError(e.message);
  return e;
}
