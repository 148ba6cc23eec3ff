// A small HTTP proxy in front of the LLM simulator that makes "model output" hostile: it appends
// HTML/script markup to every plain-text answer, to every user-turn message and to every plan step.
// Used by the XSS test of the live transcript view (the simulator itself stays untouched).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const HOSTILE_MARKUP = '<img src=x onerror="window.__toolflowXss=1;alert(1)"></script><script>window.__toolflowXss=2;alert(2)</script><b id="tf-xss-bold">bold</b>';

function poisonContent(content: string): string {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    return `${content} ${HOSTILE_MARKUP}`; // plain text answer (assistant reply)
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    if (typeof o.message === 'string' && o.message.trim() !== '') o.message = `${o.message} ${HOSTILE_MARKUP}`;
    if (Array.isArray(o.steps)) {
      for (const s of o.steps) if (s && typeof s === 'object' && typeof (s as { request?: unknown }).request === 'string') (s as { request: string }).request += ` ${HOSTILE_MARKUP}`;
    }
    return JSON.stringify(o);
  }
  return content;
}

function poisonCompletion(body: string): string {
  try {
    const v = JSON.parse(body) as { choices?: Array<{ message?: { content?: unknown } }> };
    for (const c of v.choices ?? []) if (c.message && typeof c.message.content === 'string' && c.message.content !== '') c.message.content = poisonContent(c.message.content);
    return JSON.stringify(v);
  } catch {
    return body;
  }
}

/** Rewrites an SSE stream: the first text delta of a streamed answer gets the markup in front. */
function poisonSse(text: string, state: { done: boolean }): string {
  return text
    .split('\n')
    .map((line) => {
      if (state.done || !line.startsWith('data: ') || line === 'data: [DONE]') return line;
      try {
        const v = JSON.parse(line.slice(6)) as { choices?: Array<{ delta?: { content?: unknown } }> };
        const d = v.choices?.[0]?.delta;
        if (d && typeof d.content === 'string' && d.content !== '') {
          d.content = `${HOSTILE_MARKUP} ${d.content}`;
          state.done = true;
          return `data: ${JSON.stringify(v)}`;
        }
      } catch {
        // not JSON: leave it
      }
      return line;
    })
    .join('\n');
}

export interface MarkupProxy {
  url: string;
  close(): Promise<void>;
}

/** Starts the proxy for `targetBaseUrl` (e.g. http://127.0.0.1:PORT/v1); returns its own /v1 URL. */
export async function startMarkupInjectingProxy(targetBaseUrl: string): Promise<MarkupProxy> {
  const target = new URL(targetBaseUrl);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host, 'accept-encoding': 'identity' } },
        (up) => {
          const isChat = (req.url ?? '').includes('/chat/completions');
          const isSse = String(up.headers['content-type'] ?? '').includes('text/event-stream');
          const headers = { ...up.headers };
          delete headers['content-length'];
          res.writeHead(up.statusCode ?? 502, headers);
          if (isChat && isSse) {
            const state = { done: false };
            let pending = '';
            up.on('data', (c: Buffer) => {
              pending += c.toString('utf8');
              const cut = pending.lastIndexOf('\n');
              if (cut >= 0) {
                res.write(poisonSse(pending.slice(0, cut + 1), state));
                pending = pending.slice(cut + 1);
              }
            });
            up.on('end', () => res.end(poisonSse(pending, state)));
          } else {
            const body: Buffer[] = [];
            up.on('data', (c: Buffer) => body.push(c));
            up.on('end', () => {
              const text = Buffer.concat(body).toString('utf8');
              res.end(isChat && (up.statusCode ?? 500) < 300 ? poisonCompletion(text) : text);
            });
          }
        },
      );
      upstream.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${target.pathname.replace(/\/$/, '')}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
