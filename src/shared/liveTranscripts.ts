/**
 * Protocol of the "ToolFlow: Live Transcripts" webview (types only; imported by the extension and by
 * `webview-ui/live`). The extension owns the state; the webview renders it and remembers the last
 * snapshot with `setState` so it survives being hidden and restored.
 */
import type { Notification } from './ipc';

export type TurnAuthor = 'user' | 'assistant' | 'tool';

export interface ToolCallView {
  id: string;
  name: string;
  /** Arguments pretty-printed as JSON when they parse, else the raw text. */
  arguments: string;
}

export interface TurnView {
  /** Index in the dialogue's messages. */
  index: number;
  author: TurnAuthor;
  /** Text content (null for an assistant turn that only calls tools). */
  text: string | null;
  toolCalls?: ToolCallView[];
  /** For tool results: the call answered, the tool's name and whether it reported success. */
  toolCallId?: string;
  toolName?: string;
  ok?: boolean;
}

export interface PlanStepView {
  kind: 'tool' | 'chitchat' | 'irrelevant' | 'missing-detail';
  request: string;
  tools?: string[];
}

/** `stopped`: the run stopped while the dialogue was in flight; it was not recorded (resuming generates it again). */
export type DialogueState = 'in-flight' | 'accepted' | 'rejected' | 'edited' | 'stopped';

export interface DialogueView {
  /** Unique across runs: `<run name>/<dialogue id>`. */
  key: string;
  id: string;
  index: number;
  runName: string;
  tools: string[];
  style: string;
  plan: PlanStepView[] | null;
  /** Index of the plan step in progress (reported by the pipeline while live), null without a plan. */
  currentStep: number | null;
  turns: TurnView[];
  state: DialogueState;
  reasons: Array<{ code: string; message: string }>;
  tokens: number;
}

export interface DialogueListItem {
  key: string;
  id: string;
  runName: string;
  state: DialogueState;
  turns: number;
}

export interface RunProgressView {
  runName: string;
  state: 'running' | 'completed' | 'aborted' | 'budget-exceeded' | 'failed';
  total: number;
  done: number;
  accepted: number;
  rejected: number;
  inFlight: number;
  tokens: number;
}

export interface LiveSnapshot {
  run: RunProgressView | null;
  dialogues: DialogueListItem[];
  selected: DialogueView | null;
}

export type ToLiveWebview =
  | Notification<'live/snapshot', LiveSnapshot>
  | Notification<'live/run', RunProgressView | null>
  | Notification<'live/dialogues', DialogueListItem[]>
  | Notification<'live/selected', DialogueView | null>;

export type FromLiveWebview =
  /** Sent once the script runs; `selectedKey` is the dialogue the restored state was showing. */
  | Notification<'live/ready', { selectedKey: string | null }>
  | Notification<'live/select', { key: string }>;

/** What the webview keeps with `setState`. */
export interface LiveWebviewState {
  snapshot: LiveSnapshot;
}

export const LIVE_VIEW_TYPE = 'toolflow.live';
