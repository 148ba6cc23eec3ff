/**
 * The status a dialogue is shown with: `edited` marks an accepted dialogue a reviewer changed (the
 * review issue writes `edited: true`); a rejected one stays rejected until it is filtered again.
 * One rule for the Runs tree and the live view, so they never disagree.
 */
export function displayStatus<S extends string>(status: S, edited: unknown): S | 'edited' {
  return edited === true && status === 'accepted' ? 'edited' : status;
}
