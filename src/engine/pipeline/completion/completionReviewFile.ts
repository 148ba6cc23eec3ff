/**
 * The completion review (paper 3.4, issue 10 item 6): a person decides, tool by tool, which of the
 * converter model's fills a run may use. One format for both front ends: `toolflow generate
 * --review-completion` writes it as `<run>/completion-review.json` (every decision "pending") and the
 * next `toolflow generate` reads it; the extension writes it with the decisions taken in its diff
 * editor. Format: docs/completion-review.md. No `vscode` import.
 *
 * Applying a review: an accepted tool gets the review's `completed` values (a person may have edited
 * them; they pass the same checks as a model answer), a rejected tool keeps its source text exactly
 * (a description that was empty stays empty and the tool is offered so, as with `--no-complete`). A
 * review made for other tools (tool set, count, seed or tools per dialogue changed since) is stale
 * and refused; so is one with a decision still pending.
 */
import fs from 'node:fs';
import path from 'node:path';
import { formatLocation, jsonPointer } from '../../model/diagnostic';
import type { Tool } from '../../model/tool';
import { parseJsonDocument } from '../../import/source/sourceDocuments';
import { toolSetHash } from '../runStore';
import { applyFills, validateFills, type Fill, type ToolCompletion } from './completeTools';
import { findMissing, getAt } from './missingFields';

export const COMPLETION_REVIEW_FORMAT = 'toolflow.completion-review';
export const COMPLETION_REVIEW_VERSION = 1;
export const COMPLETION_REVIEW_FILE = 'completion-review.json';

export type CompletionDecision = 'pending' | 'accepted' | 'rejected';

export interface ReviewedFill {
  pointer: string;
  /** The source's value at `pointer` (null when absent). */
  original: unknown;
  /** The converter model's value; may be edited before accepting. */
  completed: unknown;
}

export interface ReviewedTool {
  name: string;
  decision: CompletionDecision;
  fills: ReviewedFill[];
}

export interface CompletionReview {
  format: typeof COMPLETION_REVIEW_FORMAT;
  version: typeof COMPLETION_REVIEW_VERSION;
  /** The tool set the run samples from (informative). */
  toolsFile: string;
  /** Converter model that wrote the fills (informative). */
  model: string;
  /** `toolSetHash` of the source tools this run would complete: a different set makes the review stale. */
  sourceHash: string;
  tools: ReviewedTool[];
}

/** The review file of a run folder. */
export function completionReviewFile(outDir: string): string {
  return path.join(outDir, COMPLETION_REVIEW_FILE);
}

/** A review file that cannot be used: where (file, line:column, JSON pointer) and what to do. */
export class CompletionReviewError extends Error {
  constructor(
    readonly file: string,
    readonly pointer: string,
    message: string,
    readonly hint: string,
    readonly line?: number,
  ) {
    super(`${formatLocation({ file, pointer, ...(line !== undefined ? { line } : {}) })}: ${message}`);
    this.name = 'CompletionReviewError';
  }
}

/** The review of `completions` of the source tools `todo` (decisions all `decision`). */
export function buildCompletionReview(
  todo: readonly Tool[],
  completions: readonly ToolCompletion[],
  meta: { toolsFile: string; model: string },
  decision: CompletionDecision = 'pending',
): CompletionReview {
  const byName = new Map(todo.map((t) => [t.name, t]));
  return {
    format: COMPLETION_REVIEW_FORMAT,
    version: COMPLETION_REVIEW_VERSION,
    toolsFile: meta.toolsFile,
    model: meta.model,
    sourceHash: toolSetHash(todo),
    tools: completions
      .filter((c) => byName.has(c.tool))
      .map((c) => ({
        name: c.tool,
        decision,
        fills: c.fills.map((f) => ({ pointer: f.pointer, original: getAt(byName.get(c.tool), f.pointer) ?? null, completed: structuredClone(f.value) })),
      })),
  };
}

/** The same review with `accepted` tools accepted and every other tool rejected. */
export function decideCompletionReview(review: CompletionReview, accepted: ReadonlySet<string>): CompletionReview {
  return { ...review, tools: review.tools.map((t) => ({ ...t, decision: accepted.has(t.name) ? 'accepted' : 'rejected' })) };
}

/** Writes the review atomically (temporary file + rename), one fill per line group, readable in any editor. */
export async function writeCompletionReview(file: string, review: CompletionReview): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.promises.writeFile(tmp, JSON.stringify(review, null, 2) + '\n');
  await fs.promises.rename(tmp, file);
}

const DECISIONS: readonly CompletionDecision[] = ['pending', 'accepted', 'rejected'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Where a review came from, to point at its lines in errors. */
export interface ReviewSource {
  file: string;
  /** 1-based line of a JSON pointer in the file, when known. */
  lineOf?: (pointer: string) => number | undefined;
}

/** Reads and checks the shape of a review file. Every problem names the file, line and JSON pointer. */
export async function readCompletionReview(file: string): Promise<CompletionReview> {
  return (await readCompletionReviewWithSource(file)).review;
}

export async function readCompletionReviewWithSource(file: string): Promise<{ review: CompletionReview; source: ReviewSource }> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new CompletionReviewError(file, '', `cannot read the completion review (${code})`, 'Write it with `toolflow generate ... --review-completion`, or give the right path.');
  }
  const parsed = parseJsonDocument(file, text);
  if (!parsed.doc) {
    const d = parsed.error!;
    throw new CompletionReviewError(file, '', d.message, 'Fix the JSON syntax at this position (or write the review again with --review-completion).', d.location.line);
  }
  const doc = parsed.doc;
  const fail = (pointer: string, message: string, hint = 'See docs/completion-review.md for the format.'): never => {
    throw new CompletionReviewError(file, pointer, message, hint, doc.locate(pointer).line);
  };
  const v = doc.value;
  if (!isObject(v)) return fail('', 'must be a JSON object');
  if (v.format !== COMPLETION_REVIEW_FORMAT) fail('/format', `must be "${COMPLETION_REVIEW_FORMAT}"`);
  if (v.version !== COMPLETION_REVIEW_VERSION) fail('/version', `must be ${COMPLETION_REVIEW_VERSION} (this version of ToolFlow reads version ${COMPLETION_REVIEW_VERSION})`);
  if (typeof v.sourceHash !== 'string') fail('/sourceHash', 'must be a string (the hash written with the review)');
  if (!Array.isArray(v.tools)) return fail('/tools', 'must be an array of reviewed tools');
  const names = new Set<string>();
  v.tools.forEach((t: unknown, i: number) => checkTool(t, i, names, fail));
  const review: CompletionReview = {
    format: COMPLETION_REVIEW_FORMAT,
    version: COMPLETION_REVIEW_VERSION,
    toolsFile: typeof v.toolsFile === 'string' ? v.toolsFile : '',
    model: typeof v.model === 'string' ? v.model : '',
    sourceHash: v.sourceHash as string,
    tools: v.tools as ReviewedTool[],
  };
  return { review, source: { file, lineOf: (pointer) => doc.locate(pointer).line } };
}

function checkTool(t: unknown, i: number, names: Set<string>, fail: (pointer: string, message: string, hint?: string) => never): void {
  const at = jsonPointer('tools', i);
  if (!isObject(t)) fail(at, 'must be an object {name, decision, fills}');
  const tool = t as Record<string, unknown>;
  if (typeof tool.name !== 'string' || tool.name === '') fail(`${at}/name`, 'must be the tool\'s name');
  if (names.has(tool.name as string)) fail(`${at}/name`, `"${String(tool.name)}" is reviewed twice`, 'Keep one entry per tool.');
  names.add(tool.name as string);
  if (!(DECISIONS as readonly unknown[]).includes(tool.decision)) fail(`${at}/decision`, `must be "accepted", "rejected" or "pending", got ${JSON.stringify(tool.decision)}`);
  if (!Array.isArray(tool.fills)) fail(`${at}/fills`, 'must be an array of {pointer, original, completed}');
  (tool.fills as unknown[]).forEach((f, j) => {
    const fp = `${at}/fills/${j}`;
    if (!isObject(f)) fail(fp, 'must be an object {pointer, original, completed}');
    if (typeof (f as Record<string, unknown>).pointer !== 'string') fail(`${fp}/pointer`, 'must be a JSON pointer string');
    if (!('completed' in (f as Record<string, unknown>))) fail(`${fp}/completed`, 'is missing');
  });
}

export interface AppliedReview {
  tools: Tool[];
  accepted: string[];
  rejected: string[];
}

/**
 * Applies a review to the run's tool set. `todo` are the source tools this run would complete (as
 * `toolsToComplete` finds them): the review must have been made for exactly these.
 */
export function applyCompletionReview(tools: readonly Tool[], todo: readonly Tool[], review: CompletionReview, from: string | ReviewSource): AppliedReview {
  const { file, lineOf } = typeof from === 'string' ? { file: from, lineOf: undefined } : from;
  const error = (pointer: string, message: string, hint: string) => new CompletionReviewError(file, pointer, message, hint, lineOf?.(pointer));
  const stale = (message: string): never => {
    throw error('/sourceHash', `the review is stale: ${message}`, 'Write a new review with `toolflow generate ... --review-completion` (the same --tools, --count, --seed and --tools-per-dialogue as the run), or delete the file to generate without one.');
  };
  if (review.sourceHash !== toolSetHash(todo)) stale('it was made for other tools than this run would complete (the tool set, --count, --seed or --tools-per-dialogue changed)');
  const byName = new Map(todo.map((t) => [t.name, t]));
  const pending = review.tools.flatMap((t, i) => (t.decision === 'pending' ? [jsonPointer('tools', i, 'decision')] : []));
  if (pending.length > 0) {
    throw error(pending[0]!, `${pending.length} decision(s) still "pending" (${pending.join(', ')})`, 'Set each "decision" to "accepted" or "rejected", then run the same command again.');
  }
  const filled = new Map<string, Tool>();
  const accepted: string[] = [];
  const rejected: string[] = [];
  review.tools.forEach((r, i) => {
    const source = byName.get(r.name);
    if (!source) stale(`${jsonPointer('tools', i, 'name')} names "${r.name}", which this run does not complete`);
    if (r.decision === 'rejected') {
      rejected.push(r.name);
      return;
    }
    const wanted = findMissing(source!);
    r.fills.forEach((f, j) => {
      if (!wanted.includes(f.pointer)) throw error(jsonPointer('tools', i, 'fills', j, 'pointer'), `"${f.pointer}" is not missing in ${r.name}`, `Only these can be filled: ${wanted.join(', ')}.`);
    });
    const pointers = r.fills.map((f) => f.pointer);
    const checked = validateFills({ fills: r.fills.map((f): Fill => ({ pointer: f.pointer, value: f.completed })) }, pointers);
    if (!checked.ok) {
      // validateFills names /fills/<j>/value: point into the review instead.
      const m = /^\/fills\/(\d+)\/value/.exec(checked.errors[0]!);
      const pointer = m ? jsonPointer('tools', i, 'fills', Number(m[1]), 'completed') : jsonPointer('tools', i, 'fills');
      throw error(pointer, `${r.name}: ${checked.errors.join('; ')}`, 'Fix the completed value, or set the decision to "rejected".');
    }
    filled.set(r.name, applyFills(source!, checked.value));
    accepted.push(r.name);
  });
  return { tools: tools.map((t) => filled.get(t.name) ?? t), accepted, rejected };
}

/**
 * The two sides of the review's diff: the reviewed tools as in the source, and with every fill
 * applied, as pretty JSON arrays of {name, description, parameters, returns} in review order.
 */
export function completionReviewSides(todo: readonly Tool[], review: CompletionReview): { original: string; completed: string } {
  const byName = new Map(todo.map((t) => [t.name, t]));
  const shown = (t: Tool) => ({ name: t.name, description: t.description, parameters: t.parameters, ...(t.returns ? { returns: t.returns } : {}) });
  const original: unknown[] = [];
  const completed: unknown[] = [];
  for (const r of review.tools) {
    const source = byName.get(r.name);
    if (!source) continue;
    original.push(shown(source));
    completed.push(shown(applyFills(source, r.fills.map((f) => ({ pointer: f.pointer, value: f.completed })))));
  }
  return { original: JSON.stringify(original, null, 2) + '\n', completed: JSON.stringify(completed, null, 2) + '\n' };
}
