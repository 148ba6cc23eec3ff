/**
 * The choices of "ToolFlow: Export Dataset…" as plain data (no `vscode` import, unit-tested): the
 * quick-pick items for format, what to include and the split, and the engine options they map to.
 */
import * as path from 'node:path';
import type { ExportFormat, IncludeMode, SplitBy } from '../../engine/export/types';

export interface Choice<T> {
  label: string;
  description?: string;
  detail?: string;
  value: T;
}

export const FORMAT_CHOICES: Choice<ExportFormat>[] = [
  { label: 'OpenAI fine-tuning', description: 'chat JSONL: messages, tools, parallel_tool_calls', value: 'openai' },
  { label: 'Hugging Face', description: 'messages + tools for apply_chat_template / TRL; JSONL, Parquet and a dataset card', value: 'hf' },
  { label: 'LLaMA-Factory ShareGPT', description: 'function_call / observation turns, with dataset_info.json', value: 'sharegpt' },
  { label: 'Hermes function calling', description: '<tool_call> / <tool_response> blocks', value: 'hermes' },
];

export const INCLUDE_CHOICES: Choice<IncludeMode>[] = [
  { label: 'Accepted dialogues', description: 'reviewer verdicts applied; rejected left out', value: 'accepted' },
  { label: 'Reviewed and accepted', description: 'only dialogues a person reviewed', value: 'reviewed' },
  { label: 'All dialogues', description: 'rejected ones too', value: 'all' },
];

export interface SplitChoice {
  ratio?: number;
  by: SplitBy;
}

export const SPLIT_CHOICES: Choice<SplitChoice>[] = [
  { label: 'No split', description: 'one train file', value: { by: 'dialogue' } },
  { label: '90 % train / 10 % validation', description: 'by dialogue, seeded', value: { ratio: 0.9, by: 'dialogue' } },
  { label: '80 % train / 20 % validation', description: 'by dialogue, seeded', value: { ratio: 0.8, by: 'dialogue' } },
  { label: '90 % / 10 % by tools', description: 'no tool in both splits: validation measures unseen tools', value: { ratio: 0.9, by: 'tools' } },
];

/** Where an export goes when written next to its run. */
export function defaultExportPath(runDir: string, format: ExportFormat): string {
  return path.join(runDir, 'export', `${format}.jsonl`);
}

/** One line for the notification that ends an export. */
export function exportSummary(r: { counts: Partial<Record<'train' | 'validation', number>>; valid: boolean; validation: Array<{ errors: number }>; split?: { dropped: number; by: SplitBy } }, shownPath: string): string {
  const n = (r.counts.train ?? 0) + (r.counts.validation ?? 0);
  const splitText = r.counts.validation !== undefined ? ` (${r.counts.train ?? 0} train, ${r.counts.validation} validation${r.split?.by === 'tools' ? `, ${r.split.dropped} dropped` : ''})` : '';
  const errors = r.validation.reduce((a, v) => a + v.errors, 0);
  return `ToolFlow: exported ${n} dialogue${n === 1 ? '' : 's'}${splitText} to ${shownPath}; ${r.valid ? 'every file passes its format checks' : `${errors} format violation(s): see the ToolFlow output`}`;
}
