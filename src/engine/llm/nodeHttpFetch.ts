/**
 * A `fetch` for the openai SDK on node:http(s) with keep-alive agents.
 *
 * Why: Node's built-in fetch (undici) costs about 0.8 ms of CPU per request on this kind of
 * machine against about 0.2 ms for node:http (measured with bench/llm-client.ts's simulator at
 * concurrency 32). A generation run makes tens of thousands of calls, so the engine's CPU per call
 * is dominated by the transport. The SDK supports a custom `fetch`; this one handles what the SDK
 * sends (string or byte bodies over http/https) and hands anything else to the global fetch.
 *
 * Behaviour matches fetch where the SDK relies on it: it resolves with a Response (JSON bodies
 * buffered into a light Response-compatible object, `text/event-stream` bodies as a real streamed
 * Response), rejects with an `AbortError` DOMException
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

/** Read-only response headers with the parts of the WHATWG `Headers` API the SDK uses. */
class BufferedHeaders {
  private readonly map = new Map<string, string>();

  constructor(raw: http.IncomingHttpHeaders) {
    for (const [k, v] of Object.entries(raw)) if (v !== undefined) this.map.set(k.toLowerCase(), Array.isArray(v) ? v.join(', ') : v);
  }
  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
  forEach(fn: (value: string, key: string) => void): void {
    this.map.forEach((v, k) => fn(v, k));
  }
  entries(): IterableIterator<[string, string]> {
    return this.map.entries();
  }
  keys(): IterableIterator<string> {
    return this.map.keys();
  }
  values(): IterableIterator<string> {
    return this.map.values();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.map.entries();
  }
}

/**
 * A fully received (non-streaming) response with the WHATWG `Response` members the SDK reads:
 * status, ok, url, headers, text(), json(), arrayBuffer(). Avoids the cost of undici's Response and
 * its web-stream body for every JSON answer; streamed answers still get a real Response.
 */
class BufferedResponse {
  readonly ok: boolean;
  readonly headers: BufferedHeaders;
  readonly body = null;
  readonly redirected = false;
  readonly type = 'basic';
  bodyUsed = false;

  constructor(
    private readonly bytes: Buffer,
    readonly status: number,
    readonly statusText: string,
    raw: http.IncomingHttpHeaders,
    readonly url: string,
  ) {
    this.ok = status >= 200 && status < 300;
    this.headers = new BufferedHeaders(raw);
  }
  private consume(): Buffer {
    if (this.bodyUsed) throw new TypeError('Body is unusable: Body has already been read');
    this.bodyUsed = true;
    return this.bytes;
  }
  text(): Promise<string> {
    try {
      return Promise.resolve(this.consume().toString('utf8'));
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }
  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }
  arrayBuffer(): Promise<ArrayBuffer> {
    try {
      const b = this.consume();
      return Promise.resolve(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }
  clone(): BufferedResponse {
    const raw: http.IncomingHttpHeaders = {};
    this.headers.forEach((v, k) => (raw[k] = v));
    return new BufferedResponse(this.bytes, this.status, this.statusText, raw, this.url);
  }
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
      if (NULL_BODY_STATUS.has(status) || (res.headers['content-type'] ?? '').includes('text/event-stream')) {
        const meta = { status, statusText: res.statusMessage ?? '', headers: new Headers() };
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) meta.headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
        if (NULL_BODY_STATUS.has(status)) {
          res.resume();
          cleanup();
          finish(() => resolve(new Response(null, meta)));
        } else {
          res.once('close', cleanup);
          finish(() => resolve(new Response(Readable.toWeb(res) as ReadableStream<Uint8Array>, meta)));
        }
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => {
        cleanup();
        finish(() => resolve(new BufferedResponse(Buffer.concat(chunks), status, res.statusMessage ?? '', res.headers, url.href) as unknown as Response));
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
