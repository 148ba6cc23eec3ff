/**
 * Orchestrates a generation run: samples the tools of each dialogue from (seed, index), simulates
 * `dialogueSlots(concurrency)` dialogues at once (a few more than the LLM client's request limit, so
 * the endpoint always has `concurrency` requests to work on while some dialogues are between
 * calls), appends each finished record to the run folder, reports
 * typed events, and stops cleanly on abort or when the token budget is used up (dialogues in flight
 * are then not recorded, so `resumeRun` generates them again).
 */
import type { ChatModel, LlmRole } from '../llm/types';
import type { Tool } from '../model/tool';
import { version as toolflowVersion } from '../../../package.json';
import { dialogueId, DialogueStopped, generateDialogue } from './dialogue';
import { safeListener, type PipelineEventListener, type RunStopReason } from './events';
import { TokenMeter } from './meteredModel';
import { createRng, dialogueSeed, intBetween } from './random';
import { addToCounts, countRecords, readDialogues, readManifest, readRunTools, redactBaseUrl, RunStore, toolSetHash, writeFileAtomic, DIALOGUES_FILE, MANIFEST_FILE } from './runStore';
import { uniformSampler, type ToolSampler } from './sampler';
import type { DialogueRecord, RunCounts, RunGenerationOptions, RunManifest, RunModelInfo } from './types';
import path from 'node:path';
import { setMaxListeners } from 'node:events';

export const DEFAULT_OPTIONS: Omit<RunGenerationOptions, 'count' | 'sampling'> = {
  seed: 1,
  concurrency: 4,
  toolsPerDialogue: { min: 2, max: 4 },
  planSteps: { min: 2, max: 4 },
  maxTurns: 12,
  toolErrorRate: 0.1,
  plan: true,
  planRetries: 1,
  irrelevanceRate: 0.1,
};

/**
 * Dialogues in flight for a request concurrency C: C + ⌈C/4⌉. Each dialogue makes one request at a
 * time (tool simulations of parallel calls excepted), so with exactly C dialogues the endpoint would
 * idle whenever a dialogue is between requests; the LLM client still caps requests at C.
 */
export function dialogueSlots(concurrency: number): number {
  return concurrency + Math.ceil(concurrency / 4);
}

export interface RunConfig {
  /** The run folder (created if needed; must not already hold dialogues). */
  dir: string;
  /** The tools to sample from (after completion). */
  tools: Tool[];
  /** Defaults to uniform sampling (`--no-graph`). */
  sampler?: ToolSampler;
  model: ChatModel;
  /** Endpoint and model per role for the manifest; keys are never stored (and base URLs are redacted). */
  models?: Partial<Record<LlmRole, RunModelInfo>>;
  options: Partial<Omit<RunGenerationOptions, 'sampling'>> & { count: number };
  toolsSource?: string;
  graphSource?: string;
}

export interface RunHandlers {
  signal?: AbortSignal;
  onEvent?: PipelineEventListener;
}

export interface RunResult {
  dir: string;
  reason: RunStopReason;
  counts: RunCounts;
  tokens: number;
  elapsedMs: number;
}

function checkOptions(o: RunGenerationOptions): void {
  if (!o || typeof o !== 'object' || !o.toolsPerDialogue || !o.planSteps) throw new RangeError('invalid run options: toolsPerDialogue and planSteps are required');
  const bad = (what: string) => {
    throw new RangeError(`invalid run option: ${what}`);
  };
  if (!Number.isInteger(o.count) || o.count < 1) bad(`count must be a positive integer, got ${o.count}`);
  if (!Number.isInteger(o.concurrency) || o.concurrency < 1) bad(`concurrency must be a positive integer, got ${o.concurrency}`);
  if (!Number.isInteger(o.seed)) bad(`seed must be an integer, got ${o.seed}`);
  if (o.toolsPerDialogue.min < 1 || o.toolsPerDialogue.max < o.toolsPerDialogue.min) bad('toolsPerDialogue must satisfy 1 ≤ min ≤ max');
  if (o.planSteps.min < 1 || o.planSteps.max < o.planSteps.min) bad('planSteps must satisfy 1 ≤ min ≤ max');
  if (!(o.toolErrorRate >= 0 && o.toolErrorRate <= 1)) bad('toolErrorRate must be between 0 and 1');
  if (o.irrelevanceRate !== undefined && !(o.irrelevanceRate >= 0 && o.irrelevanceRate <= 1)) bad('irrelevanceRate must be between 0 and 1');
  if (o.missingDetailRate !== undefined && !(o.missingDetailRate >= 0 && o.missingDetailRate <= 1)) bad('missingDetailRate must be between 0 and 1');
  if (!Number.isInteger(o.maxTurns) || o.maxTurns < 1) bad('maxTurns must be a positive integer');
}

/**
 * The tools of dialogue `index`: a size drawn from the dialogue's seed, then the sampler. Depends
 * only on (seed, index), so callers can also use it ahead of a run (e.g. to complete only the tools
 * a run will use).
 */
export function sampleDialogueTools(sampler: ToolSampler, options: Pick<RunGenerationOptions, 'seed' | 'toolsPerDialogue'>, index: number): Tool[] | Promise<Tool[]> {
  const seed = dialogueSeed(options.seed, index);
  const size = intBetween(createRng((seed ^ 0x27d4eb2f) >>> 0), options.toolsPerDialogue.min, options.toolsPerDialogue.max);
  return sampler.sample({ index, seed, size });
}

/** Starts a new run in `config.dir`. */
export async function startRun(config: RunConfig, handlers: RunHandlers = {}): Promise<RunResult> {
  if (config.tools.length === 0) throw new RangeError('the tool set is empty: nothing to sample from');
  const sampler = config.sampler ?? uniformSampler(config.tools);
  const options: RunGenerationOptions = { ...DEFAULT_OPTIONS, ...config.options, sampling: sampler.strategy };
  checkOptions(options);
  const models: Partial<Record<LlmRole, RunModelInfo>> = {};
  for (const [role, m] of Object.entries(config.models ?? {}) as Array<[LlmRole, RunModelInfo]>) {
    models[role] = { baseURL: redactBaseUrl(m.baseURL), model: m.model, ...(m.temperature !== undefined ? { temperature: m.temperature } : {}) };
  }
  const manifest: RunManifest = {
    format: 'toolflow.run',
    version: 1,
    createdAt: new Date().toISOString(),
    toolflowVersion,
    nodeVersion: process.version,
    options,
    models,
    toolSetHash: toolSetHash(config.tools),
    toolCount: config.tools.length,
    ...(config.toolsSource ? { toolsSource: config.toolsSource } : {}),
    ...(config.graphSource ? { graphSource: config.graphSource } : {}),
  };
  const store = await RunStore.create(config.dir, manifest, config.tools);
  return execute(store, manifest, config.tools, sampler, config.model, [], handlers);
}

export interface ResumeConfig {
  model: ChatModel;
  /** Must be built over the run's own tools (`readRunTools(dir)`); defaults to uniform when the run used `random`. */
  sampler?: ToolSampler;
  /** Overrides the run's concurrency for this process (scheduling only: dialogues do not change). */
  concurrency?: number;
  /**
   * Endpoints and models in effect for this resume, when they differ from the manifest (flags given on
   * resume): written to the manifest's `models`, and `changed` appended to its `resumes`.
   */
  record?: { models?: Partial<Record<LlmRole, RunModelInfo>>; changed: Record<string, string | number> };
}

/** Continues a run: dialogues already in `dialogues.jsonl` are kept, the missing indices generated. */
export async function resumeRun(dir: string, config: ResumeConfig, handlers: RunHandlers = {}): Promise<RunResult> {
  const manifest = await readManifest(dir);
  try {
    checkOptions(manifest.options);
  } catch (e) {
    throw new RangeError(`${path.join(dir, MANIFEST_FILE)}#/options: ${e instanceof Error ? e.message : String(e)}`);
  }
  const tools = await readRunTools(dir);
  if (toolSetHash(tools) !== manifest.toolSetHash) throw new RangeError(`${path.join(dir, 'tools.json')} was changed since the run started (its hash differs from the manifest)`);
  const sampler = config.sampler ?? (manifest.options.sampling === 'random' ? uniformSampler(tools) : undefined);
  if (!sampler) throw new RangeError('this run samples tools by graph walk: pass a sampler built from the same graph to resume it');
  if (sampler.strategy !== manifest.options.sampling) throw new RangeError(`the run used "${manifest.options.sampling}" sampling but the sampler given is "${sampler.strategy}"`);
  if (config.concurrency !== undefined) {
    if (!Number.isInteger(config.concurrency) || config.concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${config.concurrency}`);
    manifest.options = { ...manifest.options, concurrency: config.concurrency };
  }
  if (config.record && Object.keys(config.record.changed).length > 0) {
    const models: Partial<Record<LlmRole, RunModelInfo>> = { ...manifest.models };
    for (const [role, m] of Object.entries(config.record.models ?? {}) as Array<[LlmRole, RunModelInfo]>) {
      models[role] = { baseURL: redactBaseUrl(m.baseURL), model: m.model, ...(m.temperature !== undefined ? { temperature: m.temperature } : {}) };
    }
    manifest.models = models;
    manifest.resumes = [...(manifest.resumes ?? []), { at: new Date().toISOString(), toolflowVersion, changed: config.record.changed }];
    // The manifest as read above, with this resume's concurrency, models and record.
    await writeFileAtomic(path.join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
  }
  const { store, existing } = await RunStore.open(dir);
  const notes: string[] = [];
  const file = path.join(dir, DIALOGUES_FILE);
  if (existing.tornTail) notes.push(`${file}: cut a partly written last line (the previous process was killed while writing it); that dialogue is generated again`);
  if (existing.badLines.length > 0) notes.push(`${file}: skipped unreadable line(s) ${existing.badLines.slice(0, 10).join(', ')}${existing.badLines.length > 10 ? ', …' : ''}; their dialogues are generated again`);
  if (existing.duplicates > 0) notes.push(`${file}: ignored ${existing.duplicates} duplicate record(s) (the first of each id counts)`);
  return execute(store, manifest, tools, sampler, config.model, existing.records, handlers, notes);
}

async function execute(
  store: RunStore,
  manifest: RunManifest,
  tools: Tool[],
  sampler: ToolSampler,
  model: ChatModel,
  existing: readonly DialogueRecord[],
  handlers: RunHandlers,
  notes: readonly string[] = [],
): Promise<RunResult> {
  const emit = safeListener(handlers.onEvent);
  const options = manifest.options;
  const started = Date.now();
  const done = new Set(existing.filter((r) => r.index >= 0 && r.index < options.count).map((r) => r.index));
  const counts = countRecords(existing.filter((r) => done.has(r.index)), options.count);
  const pending: number[] = [];
  for (let i = 0; i < options.count; i++) if (!done.has(i)) pending.push(i);

  const stop = new AbortController();
  // Every request in flight listens to this signal.
  setMaxListeners(0, stop.signal);
  const onOuterAbort = () => stop.abort();
  if (handlers.signal?.aborted) stop.abort();
  handlers.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const meter = new TokenMeter(options.maxTokens);
  let reason: RunStopReason = 'completed';
  let fatal: unknown;
  let next = 0;
  let inFlight = 0;
  let finishedHere = 0;
  const byName = new Map(tools.map((t) => [t.name, t]));

  emit({ type: 'run-started', runDir: store.dir, manifest, alreadyDone: counts.done });
  for (const message of notes) emit({ type: 'log', level: 'warning', message });
  const progress = () => {
    const elapsedMs = Date.now() - started;
    const perMinute = elapsedMs > 0 ? (finishedHere * 60_000) / elapsedMs : 0;
    const remaining = counts.total - counts.done;
    emit({ type: 'run-progress', counts: structuredClone(counts), inFlight, tokens: meter.total, elapsedMs, perMinute, etaMs: finishedHere > 0 ? (remaining * elapsedMs) / finishedHere : null });
  };
  progress();

  const oneDialogue = async (index: number): Promise<void> => {
    const seed = dialogueSeed(options.seed, index);
    let sampled: Tool[];
    try {
      sampled = (await sampleDialogueTools(sampler, options, index)).map((t) => byName.get(t.name) ?? t);
      if (sampled.length === 0) throw new Error('the sampler returned no tools');
    } catch (e) {
      const now = new Date().toISOString();
      const record: DialogueRecord = {
        id: dialogueId(index), index, status: 'rejected',
        reasons: [{ code: 'sampling-failed', message: e instanceof Error ? e.message : String(e) }],
        tools: [], plan: null, system: '', messages: [], seed, style: '', usage: {}, llmCalls: 0,
        timings: { startedAt: now, finishedAt: now, durationMs: 0 },
      };
      await finish(record);
      return;
    }
    const record = await generateDialogue({ index, seed, tools: sampled, model, meter, options, signal: stop.signal, emit });
    await finish(record);
  };
  const finish = async (record: DialogueRecord) => {
    await store.append(record);
    addToCounts(counts, record);
    finishedHere++;
    emit({ type: 'verdict', id: record.id, index: record.index, status: record.status, reasons: record.reasons, record });
  };

  const worker = async () => {
    while (!stop.signal.aborted && next < pending.length) {
      const index = pending[next++]!;
      inFlight++;
      try {
        await oneDialogue(index);
      } catch (e) {
        if (e instanceof DialogueStopped) {
          if (e.why === 'budget-exceeded' && reason === 'completed') reason = 'budget-exceeded';
        } else {
          // The run folder cannot be written, or an endpoint failed (EndpointFailureError, see
          // endpointFailure.ts): stop everything, record none of the dialogues in flight, report it.
          fatal ??= e;
        }
        stop.abort();
      } finally {
        inFlight--;
      }
      progress();
    }
  };

  try {
    await Promise.all(Array.from({ length: Math.min(dialogueSlots(options.concurrency), pending.length) }, worker));
  } finally {
    handlers.signal?.removeEventListener('abort', onOuterAbort);
    await store.close();
  }
  if (fatal) throw fatal;
  if (reason === 'completed' && counts.done < counts.total) reason = 'aborted';
  const result: RunResult = { dir: store.dir, reason, counts, tokens: meter.total, elapsedMs: Date.now() - started };
  emit({ type: 'run-finished', runDir: store.dir, reason, counts: structuredClone(counts), elapsedMs: result.elapsedMs, tokens: meter.total });
  return result;
}

/** A run as the extension's Runs tree shows it: manifest, records and counts. */
export interface RunSnapshot {
  dir: string;
  manifest: RunManifest;
  dialogues: DialogueRecord[];
  counts: RunCounts;
  /** 1-based numbers of lines that could not be read; a torn last line is not counted. */
  badLines: number[];
  tornTail: boolean;
}

export async function readRun(dir: string): Promise<RunSnapshot> {
  const manifest = await readManifest(dir);
  const r = await readDialogues(path.join(dir, DIALOGUES_FILE));
  const dialogues = r.records.filter((d) => d.index >= 0 && d.index < manifest.options.count).sort((a, b) => a.index - b.index);
  return { dir, manifest, dialogues, counts: countRecords(dialogues, manifest.options.count), badLines: r.badLines, tornTail: r.tornTail };
}
