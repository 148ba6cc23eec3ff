/**
 * Envelope of every message between the extension host and a webview (types only; imported by
 * both sides). Each webview's protocol lives in its own file in this folder and defines discriminated
 * unions `ToWebview` / `FromWebview` carried in these envelopes.
 */
export interface Notification<M extends string, P> {
  kind: 'notification';
  method: M;
  params: P;
}

export interface Request<M extends string, P> {
  kind: 'request';
  id: number;
  method: M;
  params: P;
}

export interface Response<R> {
  kind: 'response';
  inReplyTo: number;
  result?: R;
  error?: string;
}
