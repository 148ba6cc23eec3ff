/**
 * The `dataset_info.json` entry LLaMA-Factory needs to load a ShareGPT export with tools:
 * `formatting: sharegpt`, the columns (`messages` → conversations, `system`, `tools`) and the tags
 * (human / gpt / function_call / observation). Merged into an existing file in the output folder,
 * so a LLaMA-Factory `data/` folder keeps its other datasets.
 */
import fs from 'node:fs';
import path from 'node:path';

export const DATASET_INFO_FILE = 'dataset_info.json';

export function datasetInfoEntry(fileName: string): Record<string, unknown> {
  return {
    file_name: fileName,
    formatting: 'sharegpt',
    columns: { messages: 'conversations', system: 'system', tools: 'tools' },
    tags: { role_tag: 'from', content_tag: 'value', user_tag: 'human', assistant_tag: 'gpt', observation_tag: 'observation', function_tag: 'function_call' },
  };
}

/** Reads the existing dataset_info.json of `dir` (if any), adds/replaces `entries`, returns the text to write. */
export function mergedDatasetInfo(dir: string, entries: Record<string, Record<string, unknown>>): string {
  const file = path.join(dir, DATASET_INFO_FILE);
  let existing: Record<string, unknown> = {};
  let text: string | undefined;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    /* none yet */
  }
  if (text !== undefined) {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw new Error(`${file} is not valid JSON (${e instanceof Error ? e.message : String(e)}); fix or move it, then export again`);
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${file} is not a JSON object of datasets; fix or move it, then export again`);
    existing = v as Record<string, unknown>;
  }
  return JSON.stringify({ ...existing, ...entries }, null, 2) + '\n';
}
