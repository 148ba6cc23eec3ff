/** Request/reply over postMessage (ids and `inReplyTo`, as vscode-hexeditor's protocol does). */
import type { FromReviewWebview, ReviewResults, ToReviewWebview } from '../../src/shared/review';
import type { VsCodeApi } from '../shared/vscodeApi';

type RequestMethod = keyof ReviewResults;
type ParamsOf<M extends RequestMethod> = Extract<FromReviewWebview, { kind: 'request'; method: M }>['params'];

export class Rpc<S> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(private readonly api: VsCodeApi<S, FromReviewWebview>) {}

  request<M extends RequestMethod>(method: M, params: ParamsOf<M>): Promise<ReviewResults[M]> {
    const id = this.nextId++;
    return new Promise<ReviewResults[M]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.api.postMessage({ kind: 'request', id, method, params } as FromReviewWebview);
    });
  }

  notify(message: Extract<FromReviewWebview, { kind: 'notification' }>): void {
    this.api.postMessage(message);
  }

  /** Settles a pending request; true when the message was a response. */
  handle(m: ToReviewWebview): boolean {
    if (m.kind !== 'response') return false;
    const p = this.pending.get(m.inReplyTo);
    if (!p) return true;
    this.pending.delete(m.inReplyTo);
    if (m.error !== undefined) p.reject(new Error(m.error));
    else p.resolve(m.result);
    return true;
  }
}
