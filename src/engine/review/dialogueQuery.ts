/**
 * Filters and search of the review editor. Filters (status, reason code, tool, tag, reviewed, score)
 * read the in-memory summaries; search reads the dialogues' compact search texts (searchText.ts), so
 * the extension host never holds the records as objects. No `vscode` import.
 */
import type { DialogueSummary } from './dialogueIndex';

export interface DialogueQuery {
  status?: 'accepted' | 'rejected';
  /** A reason code: matches dialogues carrying it. */
  reason?: string;
  /** A tool name: offered to or called in the dialogue. */
  tool?: string;
  tag?: string;
  reviewed?: boolean;
  edited?: boolean;
  /** Inclusive bounds on the judge score (dialogues without a score never match a bound). */
  minScore?: number;
  maxScore?: number;
  /** Case-insensitive text searched in the dialogue's strings: messages, tool calls and results, plan, offered tools' names, reasons, note, tags, edit originals (searchText.ts). */
  search?: string;
}

export function matchesFilters(s: DialogueSummary, q: DialogueQuery, score: number | undefined): boolean {
  if (q.status && s.status !== q.status) return false;
  if (q.reason && !s.reasons.includes(q.reason)) return false;
  if (q.tool && !s.tools.includes(q.tool) && !s.called.includes(q.tool)) return false;
  if (q.tag && !s.tags.includes(q.tag)) return false;
  if (q.reviewed !== undefined && s.reviewed !== q.reviewed) return false;
  if (q.edited !== undefined && s.edited !== q.edited) return false;
  if (q.minScore !== undefined && (score === undefined || score < q.minScore)) return false;
  if (q.maxScore !== undefined && (score === undefined || score > q.maxScore)) return false;
  return true;
}
