/** Writes small run folders (manifest, tools, dialogues.jsonl) for the quality tests. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { ChatMessage } from '../../../src/engine/llm/types';
import type { Tool } from '../../../src/engine/model/tool';
import type { DialogueRecord } from '../../../src/engine/pipeline/types';
import { manifest, record } from '../extension/dialogueBuilders';
import { flightTool, weatherTool } from '../pipeline/builders';

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `toolflow-${prefix}-`));
}

export function writeRun(dir: string, records: DialogueRecord[], opts: { tools?: Tool[]; sampling?: 'walk' | 'random'; plan?: boolean } = {}): string {
  fs.mkdirSync(dir, { recursive: true });
  const m = manifest(records.length);
  m.options.sampling = opts.sampling ?? 'walk';
  m.options.plan = opts.plan ?? true;
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(m));
  fs.writeFileSync(path.join(dir, 'tools.json'), JSON.stringify({ tools: opts.tools ?? [weatherTool, flightTool] }));
  fs.writeFileSync(path.join(dir, 'dialogues.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return dir;
}

/** A dialogue of user/assistant text rounds (no tools) from [request, response] pairs. */
export function textDialogue(index: number, rounds: Array<[string, string]>, over: Partial<DialogueRecord> = {}): DialogueRecord {
  const messages: ChatMessage[] = [];
  for (const [u, a] of rounds) messages.push({ role: 'user', content: u }, { role: 'assistant', content: a });
  return record(index, { messages, ...over });
}

const root = path.resolve(__dirname, '..', '..', '..');

/** Builds the tiny untrained NLI test model (scripts/build-tiny-nli-model.mjs) into `dir`. */
export function buildTinyNliModel(dir: string): string {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build-tiny-nli-model.mjs'), dir], { stdio: 'pipe' });
  return dir;
}

/** Builds the embedded GloVe model once (no-op when up to date) and returns its name. */
export function ensureOfflineEmbeddingModel(): string {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build-offline-model.mjs')], { stdio: 'pipe' });
  return 'toolflow-glove-100d';
}
