/** Filters and search of the Runs tree (pure, unit-tested). */
import type { DialogueSummary } from './runFolder';

export type StatusFilter = 'all' | 'accepted' | 'rejected' | 'edited';

export interface DialogueFilter {
  status: StatusFilter;
  /** Only dialogues rejected for this reason code. */
  reason?: string;
  /** Case-insensitive substring of the id, a tool name, a reason code or a reason message. */
  search?: string;
}

export const NO_FILTER: DialogueFilter = { status: 'all' };

export function isFiltering(f: DialogueFilter): boolean {
  return f.status !== 'all' || !!f.reason || !!f.search?.trim();
}

export function matchesFilter(d: DialogueSummary, f: DialogueFilter): boolean {
  if (f.status !== 'all' && d.status !== f.status) return false;
  if (f.reason && !d.reasons.includes(f.reason)) return false;
  const q = f.search?.trim().toLowerCase();
  if (q) {
    const hay = [d.id, d.status, ...d.tools, ...d.reasons, ...d.reasonMessages].join('\n').toLowerCase();
    if (!hay.includes(q)) return false;
  }
  return true;
}

export function filterDialogues(list: readonly DialogueSummary[], f: DialogueFilter): DialogueSummary[] {
  return list.filter((d) => matchesFilter(d, f));
}

/** "status: rejected · reason: turn-limit · “weather”" for the view's description/message. */
export function describeFilter(f: DialogueFilter): string {
  const parts: string[] = [];
  if (f.status !== 'all') parts.push(`status: ${f.status}`);
  if (f.reason) parts.push(`reason: ${f.reason}`);
  if (f.search?.trim()) parts.push(`“${f.search.trim()}”`);
  return parts.join(' · ');
}

/** Reason codes with counts over `list`, most frequent first (for the filter quick pick). */
export function reasonCounts(list: readonly DialogueSummary[]): Array<{ code: string; count: number }> {
  const m = new Map<string, number>();
  for (const d of list) for (const r of new Set(d.reasons)) m.set(r, (m.get(r) ?? 0) + 1);
  return [...m.entries()].map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
}
