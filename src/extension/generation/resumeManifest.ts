/**
 * The manifest of a run the user asked to resume, read by the engine's reader (as `toolflow
 * generate --resume` reads it), so a bad manifest is refused with the same message: the file, what
 * is wrong and what to do. Pure Node (no `vscode`), unit-tested.
 */
import { readManifest, RunFolderError } from '../../engine/pipeline/runStore';
import type { RunManifest } from '../../engine/pipeline/types';
import { GenerationRefused } from './generationRefused';

export async function readManifestToResume(runDir: string): Promise<RunManifest> {
  try {
    return await readManifest(runDir);
  } catch (e) {
    if (e instanceof RunFolderError) throw new GenerationRefused(`${e.message}. This folder cannot be resumed${e.hint ? `: ${e.hint}` : '.'}`);
    throw e;
  }
}
