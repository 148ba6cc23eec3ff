/**
 * Which dialogues of a run an export takes: reviewer verdicts apply (a person's verdict overrides
 * the filter's), edited messages are already in `messages`; rejected dialogues are left out unless
 * `all` is asked for; `reviewed` keeps only accepted dialogues a person has reviewed. `--dedupe`
 * keeps one dialogue per near-duplicate cluster of `duplicates.json`.
 */
import type { DialogueRecord } from '../pipeline/types';
import type { DuplicateClusters } from '../quality/qualityFiles';
import { effectiveStatus, isReviewed } from '../review/reviewState';
import type { IncludeMode } from './types';

export interface SelectionCounts {
  read: number;
  selected: number;
  /** Left out because their effective status is rejected. */
  rejected: number;
  /** Left out by `reviewed` because no person reviewed them. */
  unreviewed: number;
}

export function selectRecords(records: readonly DialogueRecord[], include: IncludeMode): { records: DialogueRecord[]; counts: SelectionCounts } {
  const counts: SelectionCounts = { read: records.length, selected: 0, rejected: 0, unreviewed: 0 };
  const out: DialogueRecord[] = [];
  for (const r of records) {
    if (include !== 'all' && effectiveStatus(r) === 'rejected') {
      counts.rejected++;
      continue;
    }
    if (include === 'reviewed' && !isReviewed(r)) {
      counts.unreviewed++;
      continue;
    }
    out.push(r);
  }
  counts.selected = out.length;
  return { records: out, counts };
}

export interface DedupeResult {
  records: DialogueRecord[];
  /** Dialogue ids left out, each with the id of the cluster member kept instead. */
  removed: Array<{ id: string; keptId: string; cluster: number }>;
}

/**
 * Keeps, of each cluster, its first member among the selected dialogues (the cluster's first member
 * when it is selected; otherwise the next one, so a cluster whose first member was rejected still
 * gives one dialogue). Dialogues in no cluster are kept.
 */
export function dedupeRecords(records: readonly DialogueRecord[], clusters: DuplicateClusters): DedupeResult {
  const present = new Set(records.map((r) => r.id));
  const drop = new Map<string, { keptId: string; cluster: number }>();
  for (const c of clusters.clusters) {
    if (!Array.isArray(c.members)) continue;
    const members = c.members.filter((m) => typeof m === 'string' && present.has(m));
    const kept = members[0];
    if (kept === undefined) continue;
    for (const m of members.slice(1)) if (!drop.has(m)) drop.set(m, { keptId: kept, cluster: c.id });
  }
  return {
    records: records.filter((r) => !drop.has(r.id)),
    removed: records.filter((r) => drop.has(r.id)).map((r) => ({ id: r.id, ...drop.get(r.id)! })),
  };
}
