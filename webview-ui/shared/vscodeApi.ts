/** The typed handle of `acquireVsCodeApi()` (callable once per page). */
export interface VsCodeApi<S, M> {
  postMessage(message: M): void;
  getState(): S | undefined;
  setState(state: S): void;
}

declare function acquireVsCodeApi<S, M>(): VsCodeApi<S, M>;

export function getVsCodeApi<S, M>(): VsCodeApi<S, M> {
  return acquireVsCodeApi<S, M>();
}
