/**
 * The tool-JSON completion step of a run, shared by `toolflow generate` and the extension's
 * Generate Dataset (paper 3.4) (paper 3.4): before a new run, the tools the run will
 * sample that lack descriptions or return schemas are completed by the converter model. Results are
 * cached in the run folder (`<out>/completion-cache.json`; nothing is written beside the input tool
 * set), written for review as
 * `<out>/completion.diff`, and marked in each tool's `generated` list. With `review` the step
 * returns the fills as a completion review (completionReviewFile.ts) for a person to decide on;
 * `applyReviewStep` uses a decided review instead of the model.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ChatModel } from '../../llm/types';
import { formatDiagnostic } from '../../model/diagnostic';
import type { Tool } from '../../model/tool';
import { completeTools } from './completeTools';
import { CompletionCache } from './completionCache';
import { formatCompletionReview } from './completionReview';
import { applyCompletionReview, buildCompletionReview, readCompletionReviewWithSource, type AppliedReview, type CompletionReview } from './completionReviewFile';
import { findMissing } from './missingFields';
import { sampleDialogueTools } from '../runner';
import type { ToolSampler } from '../sampler';

export interface CompletionStepInput {
  tools: Tool[];
  toolsFile: string;
  outDir: string;
  sampler: ToolSampler;
  count: number;
  seed: number;
  toolsPerDialogue: { min: number; max: number };
  model: ChatModel;
  modelName: string;
  concurrency: number;
  signal: AbortSignal;
  log: (line: string) => void;
}

export interface CompletionStepResult {
  tools: Tool[];
  reviewFile?: string;
  completedTools: number;
  /** The fills as a review, every decision "pending" (absent when nothing was completed). */
  review?: CompletionReview;
  /** The source tools the step completed (what a review is checked against). */
  todo: Tool[];
}

/** The completion cache of a run: in the run folder, so a run writes nothing outside it and the cache folder. */
export function completionCacheFile(outDir: string): string {
  return path.join(outDir, 'completion-cache.json');
}

type SamplingInput = Pick<CompletionStepInput, 'tools' | 'sampler' | 'count' | 'seed' | 'toolsPerDialogue'>;

/** The source tools this run will offer that lack a description or return schema (no model call). */
export async function toolsToComplete(input: SamplingInput): Promise<Tool[]> {
  // Only the tools this run will offer: sampling depends on (seed, index) alone.
  const used = new Set<string>();
  for (let i = 0; i < input.count && used.size < input.tools.length; i++) {
    for (const t of await sampleDialogueTools(input.sampler, { seed: input.seed, toolsPerDialogue: input.toolsPerDialogue }, i)) used.add(t.name);
  }
  return input.tools.filter((t) => used.has(t.name) && findMissing(t).length > 0);
}

/**
 * Uses a decided review (file) instead of the converter model: the run's tools with the accepted fills.
 * Throws `CompletionReviewError` (file, line, JSON pointer) for a malformed, stale or undecided review.
 */
export async function applyReviewStep(input: SamplingInput, file: string): Promise<AppliedReview> {
  const { review, source } = await readCompletionReviewWithSource(file);
  return applyCompletionReview(input.tools, await toolsToComplete(input), review, source);
}

export async function runCompletionStep(input: CompletionStepInput): Promise<CompletionStepResult> {
  const todo = await toolsToComplete(input);
  if (todo.length === 0) return { tools: input.tools, completedTools: 0, todo };
  await fs.promises.mkdir(input.outDir, { recursive: true });
  const cacheFile = completionCacheFile(input.outDir);
  const cache = await CompletionCache.load(cacheFile);
  input.log(`completing missing descriptions/return schemas of ${todo.length} tool(s) with the converter model (cache: ${cacheFile})`);
  let lastLog = 0;
  const res = await completeTools(todo, input.model, {
    modelName: input.modelName,
    cache,
    concurrency: input.concurrency,
    signal: input.signal,
    onProgress: (done, total) => {
      if (Date.now() - lastLog > 2000 || done === total) {
        lastLog = Date.now();
        input.log(`  completion ${done}/${total}`);
      }
    },
  });
  await cache.save();
  for (const d of res.diagnostics) input.log(formatDiagnostic(d));
  const reviewFile = path.join(input.outDir, 'completion.diff');
  await fs.promises.writeFile(reviewFile, formatCompletionReview(todo, res.completions));
  const byName = new Map(res.tools.map((t) => [t.name, t]));
  return {
    tools: input.tools.map((t) => byName.get(t.name) ?? t),
    reviewFile,
    completedTools: res.completions.length,
    todo,
    ...(res.completions.length > 0 ? { review: buildCompletionReview(todo, res.completions, { toolsFile: input.toolsFile, model: input.modelName }) } : {}),
  };
}
