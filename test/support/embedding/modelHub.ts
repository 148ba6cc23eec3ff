/**
 * A local HTTP server that plays the Hugging Face model hub (same URL layout:
 * `<host>/<org>/<name>/resolve/main/<file>`, with HEAD and byte ranges) over real model folders,
 * so the real transformers.js download code runs without internet.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface ModelHub {
  /** The hub URL to pass as `remoteHost`, with a trailing slash. */
  host: string;
  /** Every request served, as `METHOD url`. */
  requests: string[];
  close(): Promise<void>;
}

/** Serves each hub id of `models` (for example `toolflow-test/glove-mini`) from its folder. */
export async function startModelHub(models: Record<string, string>): Promise<ModelHub> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const m = /^\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/.exec(decodeURIComponent(req.url ?? ''));
    const folder = m ? models[m[1]!] : undefined;
    const file = m && folder ? path.join(folder, m[2]!) : '';
    if (!folder || !file.startsWith(folder) || !fs.existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    const body = fs.readFileSync(file);
    const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (range) {
      const [from, to] = [Number(range[1]), Math.min(Number(range[2]), body.length - 1)];
      res.writeHead(206, { 'content-range': `bytes ${from}-${to}/${body.length}`, 'content-length': to - from + 1 });
      res.end(req.method === 'HEAD' ? undefined : body.subarray(from, to + 1));
      return;
    }
    res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
