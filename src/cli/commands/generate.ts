/**
 * `toolflow generate`: synthesises N dialogues into a run folder (manifest.json, tools.json,
 * dialogues.jsonl), with a progress line on stderr. `--resume` continues a run after a crash or
 * Ctrl-C: finished dialogues are kept, the rest are generated with the same per-dialogue tools.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LlmClient } from '../../engine/llm/llmClient';
import type { LlmClientHooks } from '../../engine/llm/clientEvents';
import { LlmConfigError, resolveLlmConfig, type LlmConfig } from '../../engine/llm/config';
import type { LlmRole } from '../../engine/llm/types';
import { LLM_ROLES, LlmError } from '../../engine/llm/types';
import type { Tool } from '../../engine/model/tool';
import { readManifest, readRunTools, RunFolderError, toolSetHash } from '../../engine/pipeline/runStore';
import { DEFAULT_OPTIONS, resumeRun, startRun, type RunResult } from '../../engine/pipeline/runner';
import type { PipelineEvent } from '../../engine/pipeline/events';
import type { RunManifest, RunModelInfo } from '../../engine/pipeline/types';
import { uniformSampler, type ToolSampler } from '../../engine/pipeline/sampler';
import { log, numberOption, parseOptionTable, UserError, writeJson, type CliCommand, type CliIO, type OptionTable } from '../cliSupport';
import { loadToolSet } from './generate/loadTools';
import { ProgressLine } from './generate/progressBar';
import { graphSampler } from './generate/graphSampler';
import { applyReviewStep, runCompletionStep } from '../../engine/pipeline/completion/completionStep';
import { completionReviewFile, CompletionReviewError, writeCompletionReview } from '../../engine/pipeline/completion/completionReviewFile';
import { EndpointFailureError, endpointFailureHint } from '../../engine/pipeline/endpointFailure';
import { acquireRunLock, describeHolder, RunLockedError, type RunLock } from '../../engine/pipeline/runLock';
import { resumeChanges, resumeRoleOverrides, type ResumeOverrides } from '../../engine/pipeline/resumeConfig';

const USAGE =
  'toolflow generate --tools tools.json [--graph graph.json] --count N --out DIR [--concurrency C] [--seed S] ' +
  '[--base-url URL] [--model M] [--api-key K] [--request-timeout SECONDS] [--resume] [--no-graph] [--no-plan] [--offline] ' +
  '[--tools-per-dialogue MIN-MAX] [--plan-steps MIN-MAX] [--tool-error-rate P] [--irrelevance-rate P] [--missing-detail-rate P] [--max-turns T] [--max-tokens BUDGET] [--no-complete] [--review-completion] [--completion-review FILE] [--json]';

/** Exported so `ablation` reuses the entries that mean the same there. */
export const OPTIONS = {
  tools: { type: 'string', value: 'FILE', description: 'the tool set to sample from, written by `toolflow import`', default: 'required; on resume: the run\'s tools.json', example: '--tools my.tools.json' },
  graph: { type: 'string', value: 'FILE', description: 'a tool graph from `toolflow graph` to sample tools by random walk', default: 'built from the tools into DIR/graph.json', example: '--graph graph.json' },
  count: { type: 'string', short: 'n', value: 'N', description: 'how many dialogues the run holds', default: 'required; on resume: the run\'s', example: '--count 1000' },
  out: { type: 'string', short: 'o', value: 'DIR', description: 'the run folder to write, or to continue with --resume', default: 'required', example: '--out runs/first' },
  concurrency: { type: 'string', short: 'c', value: 'C', description: 'LLM requests in flight at once; on resume, overrides the run\'s and is recorded', default: '4', example: '--concurrency 16' },
  seed: { type: 'string', value: 'S', description: 'seed of tool sampling: the same seed offers the same tools to dialogue i', default: '1', example: '--seed 7' },
  'base-url': { type: 'string', value: 'URL', description: 'OpenAI-compatible endpoint for every role; on resume, overrides the manifest and is recorded', default: 'OPENAI_BASE_URL, else https://api.openai.com/v1; on resume: the manifest\'s', example: '--base-url http://localhost:11434/v1' },
  model: { type: 'string', value: 'M', description: 'model for every role; on resume, overrides the manifest and is recorded', default: 'TOOLFLOW_MODEL, else gpt-4o-mini on OpenAI; on resume: the manifest\'s', example: '--model qwen2.5:14b' },
  'api-key': { type: 'string', value: 'K', description: 'API key for the endpoint, never stored (prefer the environment: it stays out of shell history)', default: 'OPENAI_API_KEY', example: '--api-key sk-...' },
  'request-timeout': { type: 'string', value: 'SECONDS', description: 'timeout of one LLM request', default: '120', example: '--request-timeout 300' },
  resume: { type: 'boolean', description: 'continue the run in --out: endpoints, models and options from its manifest; finished dialogues kept', example: '--out runs/first --resume' },
  'no-graph': { type: 'boolean', description: 'sample tools uniformly instead of by graph walk (the paper\'s ablation)', example: '--no-graph' },
  'no-plan': { type: 'boolean', description: 'let the agents talk without a dialogue plan (the paper\'s ablation)', example: '--no-plan' },
  offline: { type: 'boolean', description: 'build the tool graph with the embedded offline model (no download)', example: '--offline' },
  'tool-error-rate': { type: 'string', value: 'P', description: 'share of simulated tool calls that return an error', default: '0.1', example: '--tool-error-rate 0.2' },
  'irrelevance-rate': { type: 'string', value: 'P', description: 'share of dialogues whose plan has one request no offered tool can serve: the assistant must answer or decline without calling', default: '0.1', example: '--irrelevance-rate 0.2' },
  'missing-detail-rate': { type: 'string', value: 'P', description: 'share of dialogues whose plan leaves a required detail out on purpose: the assistant must ask for it before calling', default: '0', example: '--missing-detail-rate 0.1' },
  'tools-per-dialogue': { type: 'string', value: 'MIN-MAX', description: 'tools sampled for each dialogue, N or MIN-MAX', default: '2-4', example: '--tools-per-dialogue 3' },
  'plan-steps': { type: 'string', value: 'MIN-MAX', description: 'steps of each dialogue plan, N or MIN-MAX', default: '2-4', example: '--plan-steps 3-5' },
  'max-turns': { type: 'string', value: 'T', description: 'user turns per dialogue before it is rejected as turn-limit', default: '12', example: '--max-turns 8' },
  'max-tokens': { type: 'string', value: 'BUDGET', description: 'token budget of the run: it stops cleanly when used up (resume later)', default: 'no limit', example: '--max-tokens 2000000' },
  'no-complete': { type: 'boolean', description: 'skip the LLM completion of missing tool descriptions and return schemas', example: '--no-complete' },
  'review-completion': { type: 'boolean', description: 'stop after the completion and write DIR/completion-review.json (every tool "pending"): set each decision to accepted or rejected, then run the same command without this flag', example: '--review-completion' },
  'completion-review': { type: 'string', value: 'FILE', description: 'generate with the decisions of this completion review (accepted fills used, rejected tools keep their source text; no completion calls)', default: 'DIR/completion-review.json when it exists', example: '--completion-review reviewed.json' },
  json: { type: 'boolean', description: 'print a JSON summary on stdout', example: '--json' },
} as const satisfies OptionTable;

type GenerateValues = ReturnType<typeof parseOptionTable<typeof OPTIONS>>['values'];

function modelsOf(config: LlmConfig): Partial<Record<LlmRole, RunModelInfo>> {
  const out: Partial<Record<LlmRole, RunModelInfo>> = {};
  for (const role of LLM_ROLES) {
    const ep = config.roles[role];
    out[role] = { baseURL: ep.baseURL, model: ep.model, ...(ep.temperature !== undefined ? { temperature: ep.temperature } : {}) };
  }
  return out;
}

function summary(r: RunResult) {
  return { out: r.dir, reason: r.reason, total: r.counts.total, done: r.counts.done, accepted: r.counts.accepted, rejected: r.counts.rejected, byReason: r.counts.byReason, tokens: r.tokens, elapsedMs: r.elapsedMs };
}

export const generateCommand: CliCommand = {
  name: 'generate',
  summary: 'synthesise multi-turn tool-calling dialogues into a run folder',
  usage: USAGE,
  options: OPTIONS,
  examples: [
    'toolflow generate --tools my.tools.json --graph graph.json --count 1000 --out runs/first --model gpt-4o-mini --concurrency 16',
    'toolflow generate --tools my.tools.json --count 200 --out runs/local --base-url http://localhost:11434/v1 --model qwen2.5:14b',
    'toolflow generate --out runs/first --resume',
  ],
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values: v } = parseOptionTable(argv, OPTIONS, 'generate', false);
    if (!v.out) throw new UserError('--out DIR is required: the run folder to write (or to resume with --resume)', `usage: ${USAGE}`);
    const out = path.resolve(io.cwd, v.out);
    const timeoutS = numberOption(v['request-timeout'], 'request-timeout', 120, 1);
    const concurrencyOpt = v.concurrency === undefined ? undefined : numberOption(v.concurrency, 'concurrency', 4, 1, 1024);
    if (concurrencyOpt !== undefined && !Number.isInteger(concurrencyOpt)) throw new UserError(`--concurrency must be a whole number, got "${v.concurrency}"`);

    // A resume takes endpoints and models from the run's manifest; flags given now override them.
    const resumeManifest = v.resume ? await readManifest(out).catch((e: unknown) => {
      if (e instanceof RunFolderError) throw new UserError(e.message, e.hint);
      throw e;
    }) : undefined;
    const resumeGiven: ResumeOverrides = {
      ...(v['base-url'] !== undefined ? { baseURL: v['base-url'] } : {}),
      ...(v.model !== undefined ? { model: v.model } : {}),
      ...(concurrencyOpt !== undefined ? { concurrency: concurrencyOpt } : {}),
    };
    let llmConfig: LlmConfig;
    try {
      llmConfig = resolveLlmConfig(io.env, {
        ...(v['base-url'] !== undefined ? { baseURL: v['base-url'] } : {}),
        ...(v['api-key'] !== undefined ? { apiKey: v['api-key'] } : {}),
        ...(v.model !== undefined ? { model: v.model } : {}),
        ...(resumeManifest ? { roles: resumeRoleOverrides(resumeManifest, resumeGiven) } : {}),
        limits: { requestTimeoutMs: timeoutS * 1000 },
      });
    } catch (e) {
      if (e instanceof LlmConfigError) throw new UserError(e.message, e.hint);
      throw e;
    }
    // One writer per run folder: refused (with the holder named) if another process writes it.
    await fs.promises.mkdir(out, { recursive: true }).catch(() => undefined);
    let lock: RunLock;
    try {
      lock = acquireRunLock(out, 'toolflow generate');
    } catch (e) {
      if (e instanceof RunLockedError) throw new UserError(e.message);
      const sysErr = e as NodeJS.ErrnoException;
      if (sysErr && typeof sysErr.code === 'string') throw new UserError(`cannot write ${out}: ${sysErr.code}`, 'Check the --out folder (permissions, free space).');
      throw e;
    }
    if (lock.tookOver) log(io, `took over the lock of ${describeHolder(lock.tookOver)}, which is no longer running`);
    try {
      return await generateLocked(v, io, out, llmConfig, concurrencyOpt, resumeManifest, resumeGiven);
    } finally {
      lock.release();
    }
  },
};

async function generateLocked(
  v: GenerateValues,
  io: CliIO,
  out: string,
  llmConfig: LlmConfig,
  concurrencyOpt: number | undefined,
  resumeManifest: RunManifest | undefined,
  resumeGiven: ResumeOverrides,
): Promise<number> {
  const progress = new ProgressLine(io.stderr);
  let finalShown = false;
  const onEvent = (e: PipelineEvent) => {
    // The line that reaches the total is always shown (the others at most every 2 s).
    if (e.type === 'run-progress') progress.update(e, e.counts.done === e.counts.total && !finalShown && (finalShown = true));
    else if (e.type === 'log') {
      progress.end();
      log(io, `${e.level}: ${e.message}`);
    }
  };

  let result: RunResult;
  try {
    if (resumeManifest) {
      const manifest = resumeManifest;
      if (v['completion-review'] !== undefined) throw new UserError('--completion-review applies to a new run: a resume uses the tools the run started with (its tools.json)', 'Resume without --completion-review.');
      const tools = await readRunTools(out);
      if (v.tools) {
        const given = await loadToolSet(path.resolve(io.cwd, v.tools));
        if (toolSetHash(given.tools) !== manifest.toolSetHash) throw new UserError(`${v.tools} differs from the tools this run started with (${path.join(out, 'tools.json')})`, 'Resume without --tools, or start a new run in another folder.');
      }
      if (v.count !== undefined && numberOption(v.count, 'count', 0, 1) !== manifest.options.count) {
        throw new UserError(`--count ${v.count} differs from the run's count ${manifest.options.count}`, 'Resume with the original count (or omit --count).');
      }
      llmConfig.limits.concurrency = concurrencyOpt ?? manifest.options.concurrency;
      const { sampler } = await samplerFor(manifest.options.sampling === 'random', tools, v, io, out, manifest.graphSource);
      const model = new LlmClient(llmConfig, { hooks: retryLogger(io, progress) });
      log(io, `resuming ${out}`);
      const changed = resumeChanges(manifest, resumeGiven);
      if (Object.keys(changed).length > 0) log(io, `overriding the manifest for this and later resumes: ${Object.entries(changed).map(([k, x]) => `${k} ${x}`).join(', ')}`);
      result = await resumeRun(
        out,
        { model, sampler, ...(concurrencyOpt !== undefined ? { concurrency: concurrencyOpt } : {}), record: { models: modelsOf(llmConfig), changed } },
        { signal: io.signal, onEvent },
      );
    } else {
      const existing = await fs.promises.stat(path.join(out, 'dialogues.jsonl')).catch(() => undefined);
      if (existing && existing.size > 0) throw new UserError(`${out} already holds a run`, 'Add --resume to continue it, or choose another --out folder.');
      if (!v.tools) throw new UserError('--tools FILE is required (the tool set written by `toolflow import`)', `usage: ${USAGE}`);
      if (v.count === undefined) throw new UserError('--count N is required: how many dialogues to generate', `usage: ${USAGE}`);
      const count = numberOption(v.count, 'count', 0, 1);
      if (!Number.isInteger(count)) throw new UserError(`--count must be a whole number, got "${v.count}"`);
      const toolsFile = path.resolve(io.cwd, v.tools);
      const set = await loadToolSet(toolsFile);
      const seed = v.seed === undefined ? 1 : numberOption(v.seed, 'seed', 1, 0, 2 ** 32 - 1);
      const concurrency = concurrencyOpt ?? 4;
      llmConfig.limits.concurrency = concurrency;
      const toolsPerDialogue = rangeOption(v['tools-per-dialogue'], 'tools-per-dialogue', DEFAULT_OPTIONS.toolsPerDialogue);
      const planSteps = rangeOption(v['plan-steps'], 'plan-steps', DEFAULT_OPTIONS.planSteps);
      // All options are checked before the (slow) graph build and completion.
      const options = {
        count,
        seed: Math.trunc(seed),
        concurrency,
        plan: v['no-plan'] !== true,
        toolsPerDialogue,
        planSteps,
        ...(v['tool-error-rate'] !== undefined ? { toolErrorRate: numberOption(v['tool-error-rate'], 'tool-error-rate', 0.1, 0, 1) } : {}),
        ...(v['irrelevance-rate'] !== undefined ? { irrelevanceRate: numberOption(v['irrelevance-rate'], 'irrelevance-rate', 0.1, 0, 1) } : {}),
        ...(v['missing-detail-rate'] !== undefined ? { missingDetailRate: numberOption(v['missing-detail-rate'], 'missing-detail-rate', 0, 0, 1) } : {}),
        ...(v['max-turns'] !== undefined ? { maxTurns: Math.trunc(numberOption(v['max-turns'], 'max-turns', 12, 1)) } : {}),
        ...(v['max-tokens'] !== undefined ? { maxTokens: numberOption(v['max-tokens'], 'max-tokens', 0, 1) } : {}),
      };
      const { sampler, graphFile } = await samplerFor(v['no-graph'] === true, set.tools, v, io, out, undefined);
      const model = new LlmClient(llmConfig, { hooks: retryLogger(io, progress) });
      let tools = set.tools;
      // A decided completion review (given, or left in the run folder by --review-completion) replaces the model's say.
      const givenReview = v['completion-review'] !== undefined ? path.resolve(io.cwd, v['completion-review']) : undefined;
      if (givenReview && (v['no-complete'] === true || v['review-completion'] === true)) {
        throw new UserError(`--completion-review cannot be combined with --${v['no-complete'] === true ? 'no-complete' : 'review-completion'}`, 'Give --completion-review FILE to generate with a decided review, --review-completion to write one.');
      }
      const reviewFile = givenReview ?? (v['no-complete'] !== true && v['review-completion'] !== true && fs.existsSync(completionReviewFile(out)) ? completionReviewFile(out) : undefined);
      if (reviewFile) {
        const applied = await applyReviewStep({ tools, sampler, count, seed: Math.trunc(seed), toolsPerDialogue }, reviewFile);
        tools = applied.tools;
        log(io, `completion review ${reviewFile}: ${applied.accepted.length} tool(s) accepted${applied.accepted.length ? ` (${applied.accepted.join(', ')})` : ''}, ${applied.rejected.length} rejected (keep their source text)${applied.rejected.length ? ` (${applied.rejected.join(', ')})` : ''}`);
      } else if (v['no-complete'] !== true) {
        const done = await runCompletionStep({
          tools, toolsFile, outDir: out, sampler, count, seed: Math.trunc(seed), toolsPerDialogue, model, modelName: llmConfig.roles.converter.model,
          concurrency, signal: io.signal, log: (line) => log(io, line),
        });
        tools = done.tools;
        if (done.reviewFile) log(io, `completed ${done.completedTools} tool(s); the generated values are in ${done.reviewFile}`);
        if (v['review-completion'] === true) {
          const file = done.review ? completionReviewFile(out) : undefined;
          if (file && done.review) {
            await writeCompletionReview(file, done.review);
            log(io, `stopping for review (--review-completion): set each "decision" in ${file} to "accepted" or "rejected" (the fills are also shown in ${done.reviewFile}), then run the same command without --review-completion`);
          } else log(io, 'stopping for review (--review-completion): no tool of this run needed a completion, nothing to review');
          if (v.json) writeJson(io, { out, reviewFile: file ?? null, diffFile: done.reviewFile ?? null, completedTools: done.completedTools });
          return 0;
        }
      }
      result = await startRun(
        {
          dir: out,
          tools,
          sampler,
          model,
          models: modelsOf(llmConfig),
          toolsSource: toolsFile,
          ...(graphFile ? { graphSource: graphFile } : {}),
          options,
        },
        { signal: io.signal, onEvent },
      );
    }
  } catch (e) {
    progress.end();
    if (e instanceof RunFolderError) throw new UserError(e.message, e.hint);
    if (e instanceof CompletionReviewError) throw new UserError(e.message, e.hint);
    if (e instanceof RangeError) throw new UserError(e.message);
    if (e instanceof EndpointFailureError) {
      const resumable = fs.existsSync(path.join(out, 'manifest.json'));
      const next = resumable ? `toolflow generate --out ${v.out} --resume` : 'run the same command again';
      throw new UserError(`${e.message}; stopped with nothing recorded for the dialogues in flight (${endpointFailureHint(e.failure).replace(/, then resume the run$/, '')}, then: ${next})`);
    }
    if (e instanceof LlmError && e.code !== 'aborted') throw new UserError(`the model endpoint failed: ${e.message}`, 'Check --base-url, --model and the API key (OPENAI_API_KEY).');
    const sysErr = e as NodeJS.ErrnoException;
    if (sysErr && typeof sysErr.code === 'string' && typeof sysErr.syscall === 'string') {
      throw new UserError(`cannot ${sysErr.syscall} ${sysErr.path ?? out}: ${sysErr.code}`, 'Check the --out folder (permissions, free space); finished dialogues are kept, continue with --resume.');
    }
    throw e;
  }
  progress.end();
  const c = result.counts;
  log(io, `${result.reason === 'completed' ? 'done' : `stopped (${result.reason})`}: ${c.done}/${c.total} dialogues, ${c.accepted} accepted, ${c.rejected} rejected, ${result.tokens} tokens in ${(result.elapsedMs / 1000).toFixed(1)}s → ${path.join(out, 'dialogues.jsonl')}`);
  const reasons = Object.entries(c.byReason).sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0));
  if (reasons.length > 0) log(io, `rejections: ${reasons.map(([k, n]) => `${k} ${n}`).join(', ')}`);
  if (result.reason !== 'completed') log(io, `run \`toolflow generate --out ${v.out} --resume\` to continue`);
  if (v.json) writeJson(io, summary(result));
  if (result.reason === 'aborted') return 130;
  return 0;
}

/** `3` or `2-4`: an inclusive range of whole numbers ≥ 1. */
function rangeOption(value: string | undefined, name: string, fallback: { min: number; max: number }): { min: number; max: number } {
  if (value === undefined) return fallback;
  const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(value);
  const min = m ? Number(m[1]) : NaN;
  const max = m ? Number(m[2] ?? m[1]) : NaN;
  if (!m || min < 1 || max < min) throw new UserError(`--${name} must be N or MIN-MAX with 1 ≤ MIN ≤ MAX, got "${value}"`);
  return { min, max };
}

/** Reports the LLM client's retries on stderr, at most one line every 5 s (with the count since). */
function retryLogger(io: CliIO, progress: ProgressLine): LlmClientHooks {
  let last = 0;
  let skipped = 0;
  return {
    onRetry(e) {
      const now = Date.now();
      if (now - last < 5000) {
        skipped++;
        return;
      }
      last = now;
      progress.end();
      log(io, `warning: ${e.role} request ${e.code} (attempt ${e.attempt}), retrying in ${(e.delayMs / 1000).toFixed(1)} s${skipped > 0 ? ` (+${skipped} more retries)` : ''}`);
      skipped = 0;
    },
  };
}

async function samplerFor(
  uniform: boolean,
  tools: Tool[],
  v: { graph?: string; offline?: boolean },
  io: CliIO,
  outDir: string,
  recordedGraph: string | undefined,
): Promise<{ sampler: ToolSampler; graphFile?: string }> {
  if (uniform) return { sampler: uniformSampler(tools) };
  await fs.promises.mkdir(outDir, { recursive: true });
  return graphSampler(tools, {
    graphFile: v.graph ? path.resolve(io.cwd, v.graph) : recordedGraph,
    outDir,
    offline: v.offline === true,
    env: io.env,
    cwd: io.cwd,
    signal: io.signal,
    log: (line) => log(io, line),
  });
}
