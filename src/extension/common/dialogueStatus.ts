import { effectiveStatus, isEdited } from '../../engine/review/reviewState';
import type { DialogueRecord } from '../../engine/pipeline/types';

/**
 * The status a dialogue is shown with: the effective status (the reviewer's verdict over the filter's,
 * `effectiveStatus` of the engine's review state), and `edited` for an accepted dialogue whose messages
 * a reviewer changed (`review.edits`; also the early `edited: true` mark). One rule for the Runs tree and
 * the live view, so they never disagree.
 */
export function displayStatus(record: DialogueRecord): DialogueRecord['status'] | 'edited' {
  const status = effectiveStatus(record);
  const edited = (record as { edited?: unknown }).edited === true || isEdited(record);
  return edited && status === 'accepted' ? 'edited' : status;
}
