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
import type { ChatMessage } from '../llm/types';
import type { DialogueRecord, DialogueStatus } from '../pipeline/types';

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
