/** The Runs view's rows for some dialogues.jsonl text, read from a real run folder as the view reads it. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readRunSummary, type RunSummary } from '../../../src/extension/runsView/runFolder';
import { manifest } from './dialogueBuilders';

export async function runsViewRows(dialoguesJsonl: string): Promise<Pick<RunSummary, 'dialogues' | 'badLines'>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tf-runs-rows-'));
  try {
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest(1)));
    await writeFile(path.join(dir, 'dialogues.jsonl'), dialoguesJsonl);
    const { dialogues, badLines } = await readRunSummary(dir);
    return { dialogues, badLines };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
