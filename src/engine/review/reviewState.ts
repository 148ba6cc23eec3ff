/**
 * The review state of a dialogue: what a person decided about it in the review editor (verdict, note,
 * tags, reviewed mark, who and when) and the edits they made, each with the original it replaced.
 *
 * It lives in the dialogue record itself (`record.review`, see docs/dataset-format.md), so a run folder
 * stays one self-describing file. Edits are applied to `messages` in place when saved; `review.edits`
 * keeps what each edited message was before, so nothing generated is ever lost.
 *
 * This module is the one reader of that state: the Runs view, the review editor, the CLI and the
 * exporters all ask it what a dialogue's effective status is. No `vscode` import.
 */
import type { ReviewActionView } from '../../shared/review';
import type { ChatMessage, ToolCall } from '../llm/types';
import { filterDialogue } from '../pipeline/filter';
import type { DialogueRecord, DialogueStatus, RejectionReason } from '../pipeline/types';

export type ReviewVerdict = 'accepted' | 'rejected';

/** One edit of one message; `original` is the message as it was before the first edit of it. */
export interface MessageEdit {
  /** Index into `messages` after the edit (for a deletion: where the message was). */
  messageIndex: number;
  kind: 'content' | 'tool-call' | 'tool-result' | 'delete';
  /** The message before this edit (whole), so it can be restored or audited. */
  original: ChatMessage;
  /** ISO time of the edit. */
  at: string;
  by?: string;
}

export interface DialogueReview {
  /** The person's verdict; absent = the filter's status stands. */
  verdict?: ReviewVerdict;
  /** Optional note, typically the reason of a rejection. */
  note?: string;
  tags?: string[];
  /** true once a person looked at the dialogue (with or without a verdict). */
  reviewed?: boolean;
  /** Who reviewed (OS user name or a configured name) and when (ISO time). */
  by?: string;
  at?: string;
  /** Edits with originals, oldest first. */
  edits?: MessageEdit[];
}

/** A dialogue record as read from disk, possibly carrying review state. */
export type ReviewedRecord = DialogueRecord & { review?: DialogueReview };

/** Reads `record.review` defensively (records are untrusted input: the file may be hand-edited). */
export function reviewOf(record: unknown): DialogueReview | undefined {
  if (!record || typeof record !== 'object') return undefined;
  const r = (record as { review?: unknown }).review;
  if (!r || typeof r !== 'object' || Array.isArray(r)) return undefined;
  const v = r as Record<string, unknown>;
  const out: DialogueReview = {};
  if (v.verdict === 'accepted' || v.verdict === 'rejected') out.verdict = v.verdict;
  if (typeof v.note === 'string') out.note = v.note;
  if (Array.isArray(v.tags)) out.tags = v.tags.filter((t): t is string => typeof t === 'string');
  if (typeof v.reviewed === 'boolean') out.reviewed = v.reviewed;
  if (typeof v.by === 'string') out.by = v.by;
  if (typeof v.at === 'string') out.at = v.at;
  if (Array.isArray(v.edits)) out.edits = v.edits.filter((e): e is MessageEdit => !!e && typeof e === 'object' && typeof (e as MessageEdit).messageIndex === 'number');
  return out;
}

/** The status that counts: the reviewer's verdict when there is one, else the filter's. */
export function effectiveStatus(record: DialogueRecord): DialogueStatus {
  return reviewOf(record)?.verdict ?? record.status;
}

/** true when a person edited any message of the dialogue. */
export function isEdited(record: DialogueRecord): boolean {
  return (reviewOf(record)?.edits?.length ?? 0) > 0;
}

/** true when a person reviewed the dialogue (a verdict counts as a review). */
export function isReviewed(record: DialogueRecord): boolean {
  const r = reviewOf(record);
  return !!r && (r.reviewed === true || r.verdict !== undefined);
}

// ---------------------------------------------------------------------------------------------
// Changing the review state (issue 10). Every change is a pure function record -> record, so the
// review editor, the CLI and tests share one implementation and undo is "put the old line back".


/**
 * Reason codes that describe how a dialogue failed before the filter could judge it. They are kept
 * when a dialogue is filtered again after an edit (an edit cannot undo a failed LLM call); every other
 * reason is the filter's and is recomputed, so codes the filter gains later flow in by themselves.
 */
export const FAILURE_REASON_CODES: ReadonlySet<string> = new Set(['plan-unusable', 'turn-limit', 'llm-failed', 'run-stopped', 'sampling-failed', 'internal-error']);

/** What a reviewer can do to one dialogue: the protocol's action (src/shared/review.ts), one declaration for both. */
export type ReviewAction = ReviewActionView;

export interface ReviewContext {
  /** Who acts (OS user name or a configured name). */
  by?: string;
  /** ISO time; defaults to now. */
  at?: string;
}

/** A short label for an action (undo/redo menus, logs). */
export function describeAction(a: ReviewAction): string {
  switch (a.type) {
    case 'verdict':
      return a.verdict ? `${a.verdict === 'accepted' ? 'Accept' : 'Reject'}${a.note ? ' with note' : ''}` : 'Clear verdict';
    case 'note':
      return 'Edit note';
    case 'tags':
      return 'Edit tags';
    case 'reviewed':
      return a.reviewed ? 'Mark reviewed' : 'Mark unreviewed';
    case 'edit-content':
      return `Edit message ${a.messageIndex}`;
    case 'edit-tool-call':
      return `Edit tool call in message ${a.messageIndex}`;
    case 'edit-tool-result':
      return `Edit tool result ${a.messageIndex}`;
    case 'delete-turn':
      return `Delete turn ${a.messageIndex}`;
  }
}

/** Thrown for an action that does not fit the dialogue (wrong message index or role). */
export class ReviewActionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReviewActionError';
  }
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/**
 * The filter again, on the edited messages: filter reasons are replaced, failure reasons kept, and
 * `status` follows (rejected while any reason remains).
 */
export function refilter(record: ReviewedRecord): ReviewedRecord {
  const kept = (record.reasons ?? []).filter((r) => FAILURE_REASON_CODES.has(r.code));
  // The plan and the steps the user turns served go to the filter too: its plan-adherence rules
  // (a tool step no call serves, a call during an irrelevant step, ...) hold after an edit as well.
  const plan = record.plan && Array.isArray(record.plan.steps) ? record.plan : undefined;
  const trace = plan ? { plan, ...(Array.isArray(record.userTurnSteps) ? { userTurnSteps: record.userTurnSteps } : {}) } : undefined;
  const reasons: RejectionReason[] = [...kept, ...filterDialogue(record.messages, record.tools ?? [], trace)];
  return { ...record, reasons, status: reasons.length > 0 ? 'rejected' : 'accepted' };
}

function messageAt(record: ReviewedRecord, i: number): ChatMessage {
  const m = record.messages[i];
  if (!m) throw new ReviewActionError(`${record.id} has no message ${i} (it has ${record.messages.length})`);
  return m;
}

/**
 * Applies one action to a record and returns the new record (the input is not changed). Message
 * edits keep the original message in `review.edits` and re-run the filter.
 */
export function applyReviewAction(input: ReviewedRecord, action: ReviewAction, ctx: ReviewContext = {}): ReviewedRecord {
  const at = ctx.at ?? new Date().toISOString();
  const record = clone(input);
  const review: DialogueReview = reviewOf(record) ?? {};
  const stamp = () => {
    if (ctx.by !== undefined) review.by = ctx.by;
    review.at = at;
  };
  const edits = review.edits ?? [];
  const addEdit = (messageIndex: number, kind: MessageEdit['kind'], original: ChatMessage) => {
    // The original is the message before its *first* edit: a second edit of the same message keeps it.
    const earlier = kind === 'delete' ? undefined : edits.find((e) => e.messageIndex === messageIndex && e.kind !== 'delete');
    edits.push({ messageIndex, kind, original: earlier ? earlier.original : clone(original), at, ...(ctx.by !== undefined ? { by: ctx.by } : {}) });
  };
  let messagesChanged = false;

  switch (action.type) {
    case 'verdict':
      if (action.verdict) review.verdict = action.verdict;
      else delete review.verdict;
      if (action.note !== undefined) {
        if (action.note.trim()) review.note = action.note;
        else delete review.note;
      }
      review.reviewed = true;
      stamp();
      break;
    case 'note':
      if (action.note.trim()) review.note = action.note;
      else delete review.note;
      stamp();
      break;
    case 'tags': {
      const tags = [...new Set(action.tags.map((t) => t.trim()).filter((t) => t !== ''))];
      if (tags.length) review.tags = tags;
      else delete review.tags;
      stamp();
      break;
    }
    case 'reviewed':
      review.reviewed = action.reviewed;
      stamp();
      break;
    case 'edit-content': {
      const m = messageAt(record, action.messageIndex);
      if (m.role === 'tool') throw new ReviewActionError(`message ${action.messageIndex} of ${record.id} is a tool result: edit it as a tool result`);
      addEdit(action.messageIndex, 'content', m);
      if (m.role === 'assistant') m.content = action.content === '' && (m.tool_calls?.length ?? 0) > 0 ? null : action.content;
      else m.content = action.content;
      messagesChanged = true;
      break;
    }
    case 'edit-tool-call': {
      const m = messageAt(record, action.messageIndex);
      const call = m.role === 'assistant' ? m.tool_calls?.[action.callIndex] : undefined;
      if (!call) throw new ReviewActionError(`message ${action.messageIndex} of ${record.id} has no tool call ${action.callIndex}`);
      addEdit(action.messageIndex, 'tool-call', m);
      call.function = { name: action.name, arguments: action.arguments };
      messagesChanged = true;
      break;
    }
    case 'edit-tool-result': {
      const m = messageAt(record, action.messageIndex);
      if (m.role !== 'tool') throw new ReviewActionError(`message ${action.messageIndex} of ${record.id} is not a tool result`);
      addEdit(action.messageIndex, 'tool-result', m);
      m.content = action.content;
      messagesChanged = true;
      break;
    }
    case 'delete-turn': {
      const target = messageAt(record, action.messageIndex);
      const remove = new Set<number>([action.messageIndex]);
      if (target.role === 'assistant') {
        // The turn's calls go, so do the results answering them.
        const ids = new Set((target.tool_calls ?? []).map((c: ToolCall) => c.id));
        record.messages.forEach((m, i) => {
          if (m.role === 'tool' && ids.has(m.tool_call_id)) remove.add(i);
        });
      } else if (target.role === 'tool') {
        // The result goes with its call: drop the call from its assistant turn, and the turn if nothing is left of it.
        for (let i = action.messageIndex - 1; i >= 0; i--) {
          const m = record.messages[i]!;
          if (m.role !== 'assistant' || !m.tool_calls?.some((c) => c.id === target.tool_call_id)) continue;
          const rest = m.tool_calls.filter((c) => c.id !== target.tool_call_id);
          if (rest.length === 0 && !(typeof m.content === 'string' && m.content.trim())) {
            remove.add(i);
            // Other results of that turn cannot outlive it.
          } else {
            addEdit(i, 'tool-call', m);
            if (rest.length) m.tool_calls = rest;
            else delete m.tool_calls;
          }
          break;
        }
      }
      const order = [...remove].sort((a, b) => b - a);
      for (const i of order) {
        addEdit(i, 'delete', record.messages[i]!);
        // Earlier edits of later messages now point one lower.
        for (const e of edits) if (e.kind !== 'delete' && e.messageIndex > i) e.messageIndex--;
        // So does the record of which plan step each user message served (a deleted user turn served none).
        if (Array.isArray(record.userTurnSteps)) {
          record.userTurnSteps = record.userTurnSteps.filter((u) => u.messageIndex !== i).map((u) => (u.messageIndex > i ? { ...u, messageIndex: u.messageIndex - 1 } : u));
        }
        record.messages.splice(i, 1);
      }
      messagesChanged = true;
      break;
    }
  }
  if (messagesChanged) {
    review.edits = edits;
    stamp();
  }
  const out: ReviewedRecord = { ...(messagesChanged ? refilter(record) : record), review };
  return out;
}
