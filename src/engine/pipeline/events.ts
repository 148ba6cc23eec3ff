/**
 * The typed event stream of a generation run. The CLI's progress bar and the extension's live
 * views consume these; `onEvent` is called synchronously, in order per dialogue, and must not throw
 * (a throwing listener is caught and ignored so it cannot break the run).
 */
import type { ChatMessage, LlmRole, TokenUsage, ToolCall } from '../llm/types';
import type { DialoguePlan, DialogueRecord, DialogueStatus, RejectionReason, RunCounts, RunManifest } from './types';

/** Which agent wrote a message. */
export type MessageAuthor = 'user' | 'assistant' | 'tool';

export type RunStopReason = 'completed' | 'aborted' | 'budget-exceeded';

export interface RunStartedEvent {
  type: 'run-started';
  runDir: string;
  manifest: RunManifest;
  /** Dialogues already in `dialogues.jsonl` (a resumed run). */
  alreadyDone: number;
}

export interface RunProgressEvent {
  type: 'run-progress';
  counts: RunCounts;
  inFlight: number;
  /** Prompt + completion tokens used by this process so far. */
  tokens: number;
  elapsedMs: number;
  /** Dialogues finished per minute by this process. */
  perMinute: number;
  /** Estimated time to finish, or null before the first dialogue finishes. */
  etaMs: number | null;
}

export interface DialogueStartedEvent {
  type: 'dialogue-started';
  id: string;
  index: number;
  /** Names of the sampled tools. */
  tools: string[];
  style: string;
}

export interface PlanReadyEvent {
  type: 'plan-ready';
  id: string;
  plan: DialoguePlan;
}

export interface MessageEvent {
  type: 'message';
  id: string;
  /** Index of the message in the dialogue's `messages`. */
  messageIndex: number;
  author: MessageAuthor;
  message: ChatMessage;
  /** 0-based index of the plan step the dialogue is on when this message is written (with a plan). */
  planStep?: number;
}

export interface ToolCallEvent {
  type: 'tool-call';
  id: string;
  call: ToolCall;
}

export interface ToolResultEvent {
  type: 'tool-result';
  id: string;
  toolCallId: string;
  name: string;
  /** false when the simulated tool returned an error. */
  ok: boolean;
  content: string;
}

export interface VerdictEvent {
  type: 'verdict';
  id: string;
  index: number;
  status: DialogueStatus;
  reasons: RejectionReason[];
  /** The record as written to `dialogues.jsonl`. */
  record: DialogueRecord;
}

export interface UsageEvent {
  type: 'usage';
  id: string;
  role: LlmRole;
  usage: TokenUsage;
  /** Total tokens used by this process so far. */
  totalTokens: number;
}

export interface RunLogEvent {
  type: 'log';
  level: 'info' | 'warning' | 'error';
  message: string;
}

export interface RunFinishedEvent {
  type: 'run-finished';
  runDir: string;
  reason: RunStopReason;
  counts: RunCounts;
  elapsedMs: number;
  tokens: number;
}

export type PipelineEvent =
  | RunStartedEvent
  | RunProgressEvent
  | DialogueStartedEvent
  | PlanReadyEvent
  | MessageEvent
  | ToolCallEvent
  | ToolResultEvent
  | VerdictEvent
  | UsageEvent
  | RunLogEvent
  | RunFinishedEvent;

export type PipelineEventType = PipelineEvent['type'];

export type PipelineEventListener = (event: PipelineEvent) => void;

/** Wraps a listener so that an exception inside it never breaks the run. */
export function safeListener(listener: PipelineEventListener | undefined): PipelineEventListener {
  if (!listener) return () => {};
  return (event) => {
    try {
      listener(event);
    } catch {
      // A view's bug must not lose a dialogue.
    }
  };
}

/** Narrows an event by its type, for `switch`-free consumers. */
export function isEvent<T extends PipelineEventType>(event: PipelineEvent, type: T): event is Extract<PipelineEvent, { type: T }> {
  return event.type === type;
}
