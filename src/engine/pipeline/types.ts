/**
 * Data types of the generation pipeline: the dialogue plan, rejection reasons, the dialogue record
 * written (one per line) to a run's `dialogues.jsonl`, and the run manifest. These are the shared
 * contract with the CLI, the VS Code extension (live views, Runs tree) and the exporters.
 */
import type { ChatMessage, LlmRole, TokenUsage } from '../llm/types';
import type { OpenAITool } from '../model/tool';

// ---------------------------------------------------------------------------------------------
// Plans (paper 3.2)

export type PlanStepKind =
  | 'tool'
  | 'chitchat'
  /** The user asks for something none of the offered tools can do: the assistant answers or declines without a call. */
  | 'irrelevant'
  /** A tool step whose request leaves out a required detail: the assistant must ask for it before calling. */
  | 'missing-detail';

export interface PlanStep {
  kind: PlanStepKind;
  /** What the user asks for in this step, in the planner's words. */
  request: string;
  /** Names of the sampled tools this step is expected to use (tool steps only; may be empty). */
  tools?: string[];
}

export interface DialoguePlan {
  steps: PlanStep[];
}

// ---------------------------------------------------------------------------------------------
// Rejection reasons

/** Codes of the rule-based filter (see `filter.ts`). */
export type FilterReasonCode =
  /** An assistant tool call names a tool that was not offered in this dialogue. */
  | 'unknown-tool'
  /** Tool call `arguments` is not a JSON object. */
  | 'arguments-not-json'
  /** Arguments do not validate against the tool's parameter schema (other than missing required). */
  | 'arguments-invalid'
  /** A required parameter is absent from the arguments. */
  | 'missing-required-param'
  /** A tool call has no `tool` message answering it. */
  | 'missing-tool-result'
  /** A `tool` message answers no preceding tool call (or answers one twice). */
  | 'orphan-tool-result'
  /** A tool result is not parseable JSON. */
  | 'tool-result-unparseable'
  /** After tool results the assistant never replied in text. */
  | 'no-answer-after-results'
  /** The dialogue did not end with an assistant text reply, or has no user turn. */
  | 'incomplete-dialogue'
  /** A user or assistant turn with no content (and, for the assistant, no tool calls). */
  | 'empty-turn'
  /** The plan has tool steps but the dialogue makes no tool call at all. */
  | 'plan-no-tool-call'
  /** A tool step got user turns but no tool call (of one of the tools the step names, when it names any). */
  | 'plan-step-not-served'
  /** No user turn served a plan step although a later step was reached. */
  | 'plan-step-skipped'
  /** The user ended the dialogue before reaching the plan's last step. */
  | 'plan-unfinished'
  /** The assistant called a tool during an `irrelevant` step, which no offered tool can do. */
  | 'call-in-irrelevant-step'
  /** In a `missing-detail` step the assistant called a tool before asking the user for the missing detail. */
  | 'missing-detail-not-asked';

/** Codes for dialogues that failed before the filter could judge them. */
export type FailureReasonCode =
  /** The planner produced no usable plan after re-asking. */
  | 'plan-unusable'
  /** The dialogue hit the turn limit before the user finished. */
  | 'turn-limit'
  /** An LLM call failed for good; `llmCode` says how (timeout, rate-limited, invalid-output, ...). */
  | 'llm-failed'
  /** The run stopped (budget exhausted or cancelled) while this dialogue was in flight. */
  | 'run-stopped'
  /** The sampler could not give tools for this dialogue. */
  | 'sampling-failed'
  /** A bug in the engine; the message holds the error. */
  | 'internal-error';

export type ReasonCode = FilterReasonCode | FailureReasonCode;

export interface RejectionReason {
  code: ReasonCode;
  message: string;
  /** Index into `messages` of the message concerned, when there is one. */
  messageIndex?: number;
  toolCallId?: string;
  tool?: string;
  /** JSON pointer into the arguments or result concerned (validator's instancePath). */
  pointer?: string;
  /** For `llm-failed`: which role failed and the LLM error code. */
  role?: LlmRole;
  llmCode?: string;
}

// ---------------------------------------------------------------------------------------------
// Dialogue record (one line of dialogues.jsonl)

export type DialogueStatus = 'accepted' | 'rejected';

export type UsageByRole = Partial<Record<LlmRole, TokenUsage>>;

export interface DialogueTimings {
  /** ISO time the dialogue started and finished. */
  startedAt: string;
  finishedAt: string;
  durationMs: number;
}

export interface DialogueRecord {
  /** Stable id within the run: `d` + zero-padded index, e.g. `d000042`. */
  id: string;
  /** 0-based position in the run; dialogue i always samples the same tools for the same run seed. */
  index: number;
  status: DialogueStatus;
  /** Empty when accepted. */
  reasons: RejectionReason[];
  /** The OpenAI tool objects offered to the assistant in this dialogue. */
  tools: OpenAITool[];
  /** null with `--no-plan`, or when planning failed. */
  plan: DialoguePlan | null;
  /** The assistant's system prompt used during generation (not part of `messages`). */
  system: string;
  /** OpenAI chat messages: user / assistant (content, tool_calls) / tool (tool_call_id, content). */
  messages: ChatMessage[];
  /** Per-dialogue seed derived from the run seed and `index`. */
  seed: number;
  /** The user's language style drawn for this dialogue. */
  style: string;
  usage: UsageByRole;
  /** Number of LLM requests made for this dialogue (including re-asks). */
  llmCalls: number;
  timings: DialogueTimings;
  /**
   * Which plan step each user message served: `step` is a 0-based index into `plan.steps`,
   * `messageIndex` the user message's index in `messages`. Absent without a plan (and in records
   * written before it existed).
   */
  userTurnSteps?: Array<{ messageIndex: number; step: number }>;
  /**
   * Answers that were re-asked per role because they broke the protocol (a user turn finishing or
   * skipping a step early, an assistant call of an unknown tool or with invalid arguments, a tool
   * result off its schema, an invalid plan); the failed attempts are not in `messages`.
   */
  repairs?: Partial<Record<LlmRole, number>>;
}

// ---------------------------------------------------------------------------------------------
// Run manifest (manifest.json in the run folder). NEVER holds an API key or headers.

export interface RunModelInfo {
  baseURL: string;
  model: string;
  temperature?: number;
}

export interface RunGenerationOptions {
  /** Number of dialogues the run must end with. */
  count: number;
  seed: number;
  /** LLM requests in flight (the client's limit); the runner keeps `dialogueSlots(concurrency)` dialogues going. */
  concurrency: number;
  /** Tools sampled per dialogue: an inclusive range. */
  toolsPerDialogue: { min: number; max: number };
  /** Plan steps per dialogue: an inclusive range (`Target steps` in the planner prompt). */
  planSteps: { min: number; max: number };
  /** Hard limit on user turns per dialogue (each may take several assistant replies and tool rounds). */
  maxTurns: number;
  /** Probability that a simulated tool call returns an error. */
  toolErrorRate: number;
  /** `walk` = graph random walk (paper Algorithm 1); `random` = uniform (`--no-graph`). */
  sampling: 'walk' | 'random';
  /** false = `--no-plan` ablation. */
  plan: boolean;
  /** Re-asks of the planner after an unusable plan. */
  planRetries: number;
  /** Optional budget in tokens (prompt + completion); the run stops cleanly when reached. */
  maxTokens?: number;
  /**
   * Share of dialogues whose plan gets one `irrelevant` step (a request no offered tool can do, that
   * the assistant must answer or decline without calling a tool). Absent = 0 (runs made before it).
   */
  irrelevanceRate?: number;
  /**
   * Share of dialogues whose plan gets one `missing-detail` step (a request that leaves out a required
   * detail, that the assistant must ask for before calling). Absent = 0.
   */
  missingDetailRate?: number;
  /** Re-samples of an assistant turn that called an unknown tool or sent invalid arguments (default 2). */
  assistantRepairs?: number;
}

export interface RunManifest {
  format: 'toolflow.run';
  version: 1;
  createdAt: string;
  /** Versions of ToolFlow Studio and Node that created the run. */
  toolflowVersion: string;
  nodeVersion: string;
  options: RunGenerationOptions;
  /** Per-role endpoint and model (no key). */
  models: Partial<Record<LlmRole, RunModelInfo>>;
  /** sha256 of the canonical JSON of the tools used, so a resume on changed tools is refused. */
  toolSetHash: string;
  toolCount: number;
  /** Where the tools and graph came from, as given. */
  toolsSource?: string;
  graphSource?: string;
  /** Resumes that changed something (a flag given on resume): when, and the values that took effect. */
  resumes?: RunResumeRecord[];
}

/** One resume that overrode the manifest (`toolflow generate --out DIR --resume --model m`). Never a key. */
export interface RunResumeRecord {
  at: string;
  toolflowVersion: string;
  changed: Record<string, string | number>;
}

export interface RunCounts {
  total: number;
  done: number;
  accepted: number;
  rejected: number;
  /** Rejections per reason code (a dialogue with two reasons counts in both). */
  byReason: Partial<Record<ReasonCode, number>>;
  /** Protocol repairs per role over the recorded dialogues (`DialogueRecord.repairs`). */
  repairs?: Partial<Record<LlmRole, number>>;
}
