/**
 * The only door from the extension to the generation engine. Engine modules are loaded lazily, on
 * the first generation, so activation stays fast.
 */
import type { LlmConfig } from '../../engine/llm/config';
import type { PipelineEventListener, RunStopReason } from '../../engine/pipeline/events';
import type { RunCounts } from '../../engine/pipeline/types';
import type { CompletionReview } from '../../engine/pipeline/completion/completionReviewFile';

/** Where the engine's own diagnostics (LLM retries, structured-output fallbacks) go. */
export type EngineLog = (level: 'debug' | 'info' | 'warn', line: string) => void;

export interface StartRunParams {
  log: EngineLog;
  toolsFile: string;
  runDir: string;
  count: number;
  concurrency: number;
  seed: number;
  toolsPerDialogue: number;
  planSteps: number;
  maxTurns: number;
  /** Share of dialogues whose plan has an `irrelevant` step (absent: the engine's default). */
  irrelevanceRate?: number;
  useGraph: boolean;
  usePlan: boolean;
  /** Complete missing tool descriptions and return schemas with the converter model first (paper 3.4). */
  completeTools: boolean;
  /**
   * Asks the user which tools' fills the run may use (issue 10 item 6): the names accepted, or
   * undefined when the review was closed (the run stops, nothing generated).
   */
  reviewCompletion?: (r: CompletionReviewRequest) => Promise<ReadonlySet<string> | undefined>;
  threshold: number | undefined;
  embeddingModel: string;
  /** Folder of the persistent embedding cache. */
  cacheDir: string;
  llm: LlmConfig;
  onEvent: PipelineEventListener;
  signal: AbortSignal;
}

/** What the completion review shows: the fills per tool and the two sides of the diff (source, completed). */
export interface CompletionReviewRequest {
  runDir: string;
  review: CompletionReview;
  original: string;
  completed: string;
}

export interface ResumeRunParams {
  log: EngineLog;
  runDir: string;
  llm: LlmConfig;
  onEvent: PipelineEventListener;
  signal: AbortSignal;
}

export interface RunOutcome {
  reason: RunStopReason;
  counts: RunCounts;
}

export interface BuildGraphParams {
  toolsFile: string;
  /** Where the graph is saved (graph file, format version 2). */
  graphFile: string;
  threshold: number | undefined;
  embeddingModel: string;
  cacheDir: string;
  signal: AbortSignal;
  onPhase: (message: string) => void;
}

export interface GraphSummary {
  graphFile: string;
  model: string;
  threshold: number;
  nodes: number;
  edges: number;
  components: number;
  isolated: number;
  meanDegree: number;
  totalMs: number;
}

export interface EngineGateway {
  startRun(p: StartRunParams): Promise<RunOutcome>;
  resumeRun(p: ResumeRunParams): Promise<RunOutcome>;
  buildGraph(p: BuildGraphParams): Promise<GraphSummary>;
}

let loaded: Promise<EngineGateway> | undefined;

export function loadEngine(): Promise<EngineGateway> {
  loaded ??= import('./engineGatewayImpl').then((m) => m.engineGateway);
  return loaded;
}
