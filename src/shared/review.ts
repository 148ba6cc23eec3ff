/**
 * Protocol of the dialogue review editor (types only; imported by `src/extension/review` and
 * `webview-ui/review`). The extension host owns the document (line index, edits, save); the webview
 * asks for what it shows: the ids matching a query, the rows on screen, the selected dialogue.
 * Requests carry an id and are answered by a `Response` with `inReplyTo` (see `ipc.ts`).
 */
import type { Notification, Request, Response } from './ipc';

export const REVIEW_VIEW_TYPE = 'toolflow.review';

export type ReviewStatus = 'accepted' | 'rejected';

/** One row of the list. `slot` is the dialogue's position in the file (stable while the editor is open). */
export interface ReviewRow {
  slot: number;
  id: string;
  index: number;
  status: ReviewStatus;
  filterStatus: ReviewStatus;
  verdict?: ReviewStatus;
  reasons: string[];
  tags: string[];
  planKinds: PlanKindView[];
  turns: number;
  tools: string[];
  called: string[];
  reviewed: boolean;
  edited: boolean;
  score?: number;
}

/** Counts over the whole file (the engine's `ReviewCounts` is this type). */
export interface ReviewCountsView {
  total: number;
  accepted: number;
  rejected: number;
  reviewed: number;
  edited: number;
  /** Dialogues with a reviewer's verdict. */
  verdicts: number;
  reasons: Record<string, number>;
  tools: Record<string, number>;
  tags: Record<string, number>;
  /** Dialogues with a quality score. */
  scored: number;
}

export interface ReviewQueryView {
  status?: ReviewStatus;
  reason?: string;
  tool?: string;
  tag?: string;
  reviewed?: boolean;
  minScore?: number;
  maxScore?: number;
  search?: string;
}

export interface ToolCallDetail {
  id: string;
  name: string;
  /** Arguments pretty-printed when they parse, else as written. */
  arguments: string;
}

export interface MessageDetail {
  index: number;
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | null;
  toolCalls?: ToolCallDetail[];
  toolCallId?: string;
  /** For a tool result: the tool of the call it answers. */
  toolName?: string;
  /** For a tool result: content pretty-printed when it is JSON. */
  pretty?: string;
  edited?: boolean;
}

export interface ReasonDetail {
  code: string;
  message: string;
  messageIndex?: number;
  pointer?: string;
  tool?: string;
}

/** The plan step kinds of the pipeline (`PlanStepKind`): tool, chitchat, and the steps that teach when not to call. */
export type PlanKindView = 'tool' | 'chitchat' | 'irrelevant' | 'missing-detail';

export interface PlanStepDetail {
  kind: PlanKindView;
  request: string;
  tools?: string[];
  /** Message indices that served this step, when the record says so. */
  turns?: number[];
}

export interface ToolDetail {
  name: string;
  description: string;
  /** The parameter schema, pretty-printed. */
  parameters: string;
}

export interface EditDetail {
  messageIndex: number;
  kind: string;
  at: string;
  by?: string;
  /** The original message, as JSON text. */
  original: string;
}

export interface DialogueDetail {
  slot: number;
  line: number;
  id: string;
  index: number;
  status: ReviewStatus;
  filterStatus: ReviewStatus;
  verdict?: ReviewStatus;
  note?: string;
  tags: string[];
  reviewed: boolean;
  by?: string;
  at?: string;
  edits: EditDetail[];
  reasons: ReasonDetail[];
  plan: PlanStepDetail[] | null;
  messages: MessageDetail[];
  tools: ToolDetail[];
  style: string;
  usage: Array<{ role: string; promptTokens: number; completionTokens: number }>;
  llmCalls: number;
  score?: number;
  quality?: Record<string, number>;
}

/** What a reviewer does to one dialogue (the engine's `ReviewAction` is this type). */
export type ReviewActionView =
  /** `null` clears the verdict (the filter's status stands again). */
  | { type: 'verdict'; verdict: ReviewStatus | null; note?: string }
  | { type: 'note'; note: string }
  | { type: 'tags'; tags: string[] }
  | { type: 'reviewed'; reviewed: boolean }
  | { type: 'edit-content'; messageIndex: number; content: string }
  | { type: 'edit-tool-call'; messageIndex: number; callIndex: number; name: string; arguments: string }
  | { type: 'edit-tool-result'; messageIndex: number; content: string }
  /** Deletes a turn with what is paired with it (an assistant tool-call turn takes its results along; a result takes its call). */
  | { type: 'delete-turn'; messageIndex: number };

export interface ArgumentProblemView {
  pointer: string;
  message: string;
  offset: number;
  line: number;
  column: number;
}

export interface ReviewStateView {
  fileName: string;
  /** Why the document cannot be edited now (a run is being written), or null. */
  readOnly: string | null;
  counts: ReviewCountsView;
  /** Lines that are not dialogues, with their line numbers. */
  problems: string[];
}

/** Keyboard commands (also reachable from the palette and VS Code keybindings). */
export type ReviewCommand = 'next' | 'previous' | 'nextUnreviewed' | 'accept' | 'reject' | 'edit' | 'search' | 'tag' | 'reviewed';

export type ToReviewWebview =
  | Notification<'review/state', ReviewStateView>
  /** Dialogues changed (edit, undo, redo, revert) or were appended: re-query, re-read what is shown. */
  | Notification<'review/changed', { slots: number[]; appended: number; reset: boolean }>
  | Notification<'review/select', { slot: number }>
  | Notification<'review/command', { command: ReviewCommand }>
  | Response<unknown>;

export type FromReviewWebview =
  | Notification<'review/ready', { selectedSlot: number | null }>
  | Request<'review/query', ReviewQueryView>
  | Request<'review/rows', { slots: number[] }>
  | Request<'review/dialogue', { slot: number }>
  | Request<'review/apply', { slot: number; action: ReviewActionView }>
  | Request<'review/checkArguments', { slot: number; name: string; text: string }>
  /** First paint of the list after `ready` (figures for the log and the benchmark). */
  | Notification<'review/painted', { ms: number; rows: number }>;

/** Result types of the requests. */
export interface ReviewResults {
  'review/query': { slots: number[]; ms: number };
  'review/rows': ReviewRow[];
  'review/dialogue': DialogueDetail;
  'review/apply': { ok: true };
  'review/checkArguments': ArgumentProblemView[];
}

/** What the webview keeps with `setState` (restored when the tab is shown again). */
export interface ReviewWebviewState {
  selectedSlot: number | null;
  query: ReviewQueryView;
  scrollTop: number;
}
