/**
 * Engine calls behind `loadEngine()` (loaded on first use). Turns the extension's choices into the
 * pipeline's `startRun` / `resumeRun` with an `LlmClient` for the configured endpoint, and builds
 * tool graphs for the walk sampler (paper Algorithm 1).
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { buildToolGraph, GraphFileError, loadGraph, OFFLINE_MODEL, saveBuiltGraph, type ToolGraph } from '../../engine/graph';
import { LlmClient } from '../../engine/llm/llmClient';
import type { LlmConfig } from '../../engine/llm/config';
import type { LlmRole } from '../../engine/llm/types';
import { readToolSet, ToolSetError } from '../../engine/import';
import type { Tool } from '../../engine/model/tool';
import { readManifest, readRunTools, resumeRun, startRun, uniformSampler } from '../../engine/pipeline';
import { graphWalkSampler } from '../../engine/pipeline/sampler';
import type { RunModelInfo } from '../../engine/pipeline/types';
import { runCompletionStep } from '../../engine/pipeline/completion/completionStep';
import { applyCompletionReview, completionReviewFile, completionReviewSides, decideCompletionReview, writeCompletionReview } from '../../engine/pipeline/completion/completionReviewFile';
import { acquireRunLock } from '../../engine/pipeline/runLock';
import { embeddingModelSpec, graphFileFor } from '../graph/graphLocation';
import type { BuildGraphParams, EngineGateway, EngineLog, GraphSummary, ResumeRunParams, RunOutcome, StartRunParams } from './engineGateway';

/** The LLM client with its retries, fallbacks and re-asks reported to the log (texts come redacted). */
function llmClient(llm: LlmConfig, log: EngineLog): LlmClient {
  return new LlmClient(llm, {
    hooks: {
      onRetry: (e) => log('warn', `${e.role} (${e.model}): attempt ${e.attempt} failed with ${e.code}: ${e.message}; retrying in ${Math.round(e.delayMs)} ms`),
      onFallback: (e) => log('info', `${e.role} (${e.model}): structured output ${e.from} not supported, using ${e.to} (${e.reason})`),
      onRepair: (e) => log('debug', `${e.role}: re-asking for ${e.schemaName} (${e.repair}): ${e.problems.slice(0, 3).join('; ')}`),
    },
  });
}

function manifestModels(llm: LlmConfig): Partial<Record<LlmRole, RunModelInfo>> {
  const out: Partial<Record<LlmRole, RunModelInfo>> = {};
  for (const [role, ep] of Object.entries(llm.roles) as Array<[LlmRole, LlmConfig['roles'][LlmRole]]>) {
    out[role] = { baseURL: ep.baseURL, model: ep.model, ...(ep.temperature !== undefined ? { temperature: ep.temperature } : {}) };
  }
  return out;
}

export class EngineInputError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'EngineInputError';
  }
}

/** The tool set a run samples from, read and validated by the engine exactly as `toolflow generate` does. */
async function loadTools(file: string): Promise<Tool[]> {
  let set;
  try {
    set = await readToolSet(file);
  } catch (e) {
    if (e instanceof ToolSetError) throw new EngineInputError(e.message, 'Re-import the tools (ToolFlow: Import Tools…) to rewrite the tool set.');
    throw e;
  }
  if (set.tools.length === 0) throw new EngineInputError(`${file}#/tools: the tool set is empty`, 'Import tools first (ToolFlow: Import Tools…).');
  return set.tools;
}

async function buildAndSave(tools: Tool[], p: Omit<BuildGraphParams, 'toolsFile'>): Promise<{ graph: ToolGraph; summary: GraphSummary }> {
  const spec = embeddingModelSpec(p.embeddingModel, OFFLINE_MODEL);
  p.onPhase(`embedding ${tools.length} tools with ${spec.model}…`);
  const result = await buildToolGraph(tools, {
    model: spec.model,
    ...(spec.offline ? { offline: true } : {}),
    ...(p.threshold !== undefined ? { threshold: p.threshold } : {}),
    cacheDir: p.cacheDir,
    signal: p.signal,
    onProgress: (e) => {
      const pct = (a: number, b: number) => (b > 0 ? `${Math.floor((a / b) * 100)}%` : `${a}`);
      switch (e.type) {
        case 'phase':
          p.onPhase(`${e.phase}${e.detail ? `: ${e.detail}` : ''}`);
          break;
        case 'model-download':
          p.onPhase(`downloading ${e.model} (${e.file}) ${pct(e.loaded, e.total)}`);
          break;
        case 'model-ready':
          p.onPhase(`model ${e.model} ready (${e.dimensions} dimensions)`);
          break;
        case 'embed':
          p.onPhase(`embedding ${e.done}/${e.total} texts`);
          break;
        case 'similarity':
          p.onPhase(`similarity ${pct(e.done, e.total)}`);
          break;
      }
    },
  });
  await mkdir(path.dirname(p.graphFile), { recursive: true });
  await saveBuiltGraph(result.built, p.graphFile);
  const s = result.stats;
  return {
    graph: result.graph,
    summary: {
      graphFile: p.graphFile,
      model: result.model,
      threshold: result.threshold,
      nodes: s.nodes,
      edges: s.edges,
      components: s.components,
      isolated: s.isolated,
      meanDegree: s.degree.mean,
      totalMs: result.timings.totalMs,
    },
  };
}

async function buildGraph(p: BuildGraphParams): Promise<GraphSummary> {
  const tools = await loadTools(p.toolsFile);
  return (await buildAndSave(tools, p)).summary;
}

/**
 * Runs `body` holding the run folder's lock (one writer per run folder): refused with the holder named
 * when the CLI or another window writes it; released when the run ends, fails or is cancelled (and
 * on exit of the extension host).
 */
async function withRunLock<T>(runDir: string, body: () => Promise<T>): Promise<T> {
  await mkdir(runDir, { recursive: true });
  const lock = acquireRunLock(runDir, 'VS Code');
  try {
    return await body();
  } finally {
    lock.release();
  }
}

function start(p: StartRunParams): Promise<RunOutcome> {
  return withRunLock(p.runDir, () => startLocked(p));
}

async function startLocked(p: StartRunParams): Promise<RunOutcome> {
  const tools = await loadTools(p.toolsFile);
  let sampler = uniformSampler(tools);
  let graphSource: string | undefined;
  if (p.useGraph) {
    // The graph built by "Build Tool Graph" beside the tool set, else a new one kept in the run folder
    // (a resume walks the same graph).
    const beside = graphFileFor(p.toolsFile);
    let graph: ToolGraph;
    if (existsSync(beside)) {
      graph = await loadGraphFile(beside);
      graphSource = beside;
    } else {
      graphSource = path.join(p.runDir, 'graph.json');
      graph = (await buildAndSave(tools, { graphFile: graphSource, threshold: p.threshold, embeddingModel: p.embeddingModel, cacheDir: p.cacheDir, signal: p.signal, onPhase: () => undefined })).graph;
    }
    sampler = graphWalkSampler(graph, tools);
  }
  const model = llmClient(p.llm, p.log);
  const toolsPerDialogue = { min: Math.min(2, p.toolsPerDialogue), max: p.toolsPerDialogue };
  let runTools = tools;
  if (p.completeTools) {
    // Same step as `toolflow generate`: only the tools this run will sample; cached beside the tool set;
    // the generated values are written to <run>/completion.diff for review.
    const done = await runCompletionStep({
      tools, toolsFile: p.toolsFile, outDir: p.runDir, sampler, count: p.count, seed: p.seed, toolsPerDialogue,
      model, modelName: p.llm.roles.converter.model, concurrency: p.concurrency, signal: p.signal, log: (line) => p.log('info', line),
    });
    runTools = done.tools;
    if (done.reviewFile) p.log('info', `completed ${done.completedTools} tool(s); the generated values are in ${done.reviewFile}`);
    if (done.review && p.reviewCompletion) {
      // The user decides in the diff editor; the decisions are kept in the run folder beside the diff.
      const accepted = await p.reviewCompletion({ runDir: p.runDir, review: done.review, ...completionReviewSides(done.todo, done.review) });
      if (!accepted) {
        const stop = new Error('the completion review was closed: nothing generated');
        stop.name = 'AbortError';
        throw stop;
      }
      const decided = decideCompletionReview(done.review, accepted);
      const file = completionReviewFile(p.runDir);
      await writeCompletionReview(file, decided);
      const applied = applyCompletionReview(tools, done.todo, decided, file);
      runTools = applied.tools;
      p.log('info', `completion review ${file}: ${applied.accepted.length} tool(s) accepted${applied.accepted.length ? ` (${applied.accepted.join(', ')})` : ''}, ${applied.rejected.length} keep their source text`);
    }
  }
  const result = await startRun(
    {
      dir: p.runDir,
      tools: runTools,
      sampler,
      model,
      models: manifestModels(p.llm),
      toolsSource: p.toolsFile,
      ...(graphSource ? { graphSource } : {}),
      options: {
        count: p.count,
        concurrency: p.concurrency,
        seed: p.seed,
        toolsPerDialogue,
        planSteps: { min: Math.min(2, p.planSteps), max: p.planSteps },
        maxTurns: p.maxTurns,
        ...(p.irrelevanceRate !== undefined ? { irrelevanceRate: p.irrelevanceRate } : {}),
        plan: p.usePlan,
      },
    },
    { signal: p.signal, onEvent: p.onEvent },
  );
  return { reason: result.reason, counts: result.counts };
}

function resume(p: ResumeRunParams): Promise<RunOutcome> {
  return withRunLock(p.runDir, () => resumeLocked(p));
}

/** A graph file this version cannot read (older format, truncated) is bad input whose hint says to rebuild it. */
async function loadGraphFile(file: string): Promise<ToolGraph> {
  try {
    return await loadGraph(file);
  } catch (e) {
    if (e instanceof GraphFileError) throw new EngineInputError(e.message, e.hint ?? 'Rebuild the tool graph.');
    throw e;
  }
}

async function resumeLocked(p: ResumeRunParams): Promise<RunOutcome> {
  const manifest = await readManifest(p.runDir);
  const tools = await readRunTools(p.runDir);
  let sampler = uniformSampler(tools);
  if (manifest.options.sampling === 'walk') {
    if (!manifest.graphSource || !existsSync(manifest.graphSource)) {
      throw new EngineInputError(`${path.join(p.runDir, 'manifest.json')}: the run walked the tool graph ${manifest.graphSource ?? '(unknown)'}, which is gone`, 'Restore the graph file to resume this run.');
    }
    sampler = graphWalkSampler(await loadGraphFile(manifest.graphSource), tools);
  }
  const model = llmClient(p.llm, p.log);
  const result = await resumeRun(p.runDir, { model, sampler }, { signal: p.signal, onEvent: p.onEvent });
  return { reason: result.reason, counts: result.counts };
}

export const engineGateway: EngineGateway = { startRun: start, resumeRun: resume, buildGraph };
