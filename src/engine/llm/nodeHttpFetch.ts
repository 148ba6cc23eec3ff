/**
 * A `fetch` for the openai SDK on node:http(s) with keep-alive agents.
 *
 * Why: Node's built-in fetch (undici) costs about 0.8 ms of CPU per request on this kind of
 * machine against about 0.2 ms for node:http (measured with bench/llm-client.ts's simulator at
 * concurrency 32). A generation run makes tens of thousands of calls, so the engine's CPU per call
 * is dominated by the transport. The SDK supports a custom `fetch`; this one handles what the SDK
 * sends (string or byte bodies over http/https) and hands anything else to the global fetch.
 *
 * Behaviour matches fetch where the SDK relies on it: it resolves with a WHATWG Response (JSON
 * bodies buffered, `text/event-stream` bodies streamed), rejects with an `AbortError` DOMException
 * when the signal aborts (also mid-body), and with `TypeError('fetch failed', {cause})` on
 * connection errors.
 */
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';

const httpAgent = new http.Agent({ keepAlive: true, keepAliveMsecs: 10_000, scheduling: 'lifo' });
const httpsAgent = new https.Agent({ keepAlive: true, keepAliveMsecs: 10_000, scheduling: 'lifo' });

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

function abortError(signal: AbortSignal): unknown {
  return signal.reason instanceof DOMException && signal.reason.name === 'AbortError' ? signal.reason : new DOMException('This operation was aborted', 'AbortError');
}

function plainHeaders(init: ConstructorParameters<typeof Headers>[0]): Record<string, string> {
  const out: Record<string, string> = {};
  new Headers(init).forEach((value, key) => {
    out[key] = value;
  });
  return out;
}

export function nodeHttpFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const body = init?.body;
  const simpleBody = body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array;
  const url = typeof input === 'string' ? new URL(input) : input instanceof URL ? input : undefined;
  if (!url || !simpleBody || (url.protocol !== 'http:' && url.protocol !== 'https:')) return fetch(input, init);
  const signal = init?.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(abortError(signal));

  const headers = plainHeaders(init?.headers);
  if (body !== undefined && body !== null && headers['content-length'] === undefined) headers['content-length'] = String(Buffer.byteLength(body));
  const lib = url.protocol === 'https:' ? https : http;

  return new Promise<Response>((resolve, reject) => {
    let settled = false;
    let response: http.IncomingMessage | undefined;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
    };
    const onAbort = () => {
      const err = abortError(signal!);
      finish(() => reject(err));
      // Destroying with the error also errors a streamed body the caller is reading.
      response?.destroy(err as Error);
      req.destroy(err as Error);
    };
    const cleanup = () => signal?.removeEventListener('abort', onAbort);

    const req = lib.request(url, { method: init?.method ?? 'GET', headers, agent: url.protocol === 'https:' ? httpsAgent : httpAgent }, (res) => {
      response = res;
      const status = res.statusCode ?? 0;
      const resHeaders = new Headers();
      for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) resHeaders.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
      const meta = { status, statusText: res.statusMessage ?? '', headers: resHeaders };
      if (NULL_BODY_STATUS.has(status)) {
        res.resume();
        cleanup();
        finish(() => resolve(new Response(null, meta)));
        return;
      }
      if ((res.headers['content-type'] ?? '').includes('text/event-stream')) {
        res.once('close', cleanup);
        finish(() => resolve(new Response(Readable.toWeb(res) as ReadableStream<Uint8Array>, meta)));
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => {
        cleanup();
        finish(() => resolve(new Response(Buffer.concat(chunks), meta)));
      });
      res.once('error', (e) => {
        cleanup();
        finish(() => reject(signal?.aborted ? abortError(signal) : new TypeError('fetch failed', { cause: e })));
      });
      res.once('aborted', () => {
        cleanup();
        finish(() => reject(new TypeError('fetch failed', { cause: new Error('the connection closed before the response body was complete') })));
      });
    });
    req.once('error', (e) => {
      cleanup();
      finish(() => reject(signal?.aborted ? abortError(signal) : new TypeError('fetch failed', { cause: e })));
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    req.end(body ?? undefined);
  });
}
