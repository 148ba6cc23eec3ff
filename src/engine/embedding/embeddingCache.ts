/**
 * Persistent embedding cache keyed by model fingerprint and text: rebuilding a graph for the same
 * (or an overlapping) tool set runs no inference for texts seen before.
 *
 * Layout: `<cacheDir>/embeddings/<model-key>/texts.json` (the texts, in row order) and
 * `vectors.f32` (row-major little-endian float32, rows x dimensions). Both are replaced atomically
 * (write to a temporary file, then rename), so an interrupted run never leaves a torn cache.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Embedder, EmbedderEvent } from './embedder';

export interface CacheStats {
  hits: number;
  misses: number;
}

interface CacheFile {
  fingerprint: string;
  dimensions: number;
  texts: string[];
}

function cacheFolder(cacheDir: string, fingerprint: string): string {
  const safe = fingerprint.replace(/[^a-zA-Z0-9._-]+/g, '_').slice(0, 60);
  const hash = crypto.createHash('sha256').update(fingerprint).digest('hex').slice(0, 12);
  return path.join(cacheDir, 'embeddings', `${safe}-${hash}`);
}

function writeAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

export class EmbeddingCache {
  private readonly folder: string;
  private texts: string[] = [];
  private index = new Map<string, number>();
  private vectors: Float32Array = new Float32Array(0);

  private dims = 0;

  constructor(
    cacheDir: string,
    readonly fingerprint: string,
  ) {
    this.folder = cacheFolder(cacheDir, fingerprint);
    this.load();
  }

  /** Vector length of the cached rows (0 while the cache is empty). */
  get dimensions(): number {
    return this.dims;
  }

  private reset(): void {
    this.texts = [];
    this.index.clear();
    this.vectors = new Float32Array(0);
    this.dims = 0;
  }

  private load(): void {
    const meta = path.join(this.folder, 'texts.json');
    const bin = path.join(this.folder, 'vectors.f32');
    if (!fs.existsSync(meta) || !fs.existsSync(bin)) return;
    try {
      const parsed = JSON.parse(fs.readFileSync(meta, 'utf8')) as CacheFile;
      const buf = fs.readFileSync(bin);
      if (parsed.fingerprint !== this.fingerprint || !(parsed.dimensions > 0)) return;
      if (buf.byteLength !== parsed.texts.length * parsed.dimensions * 4) return; // torn or foreign: start afresh
      this.vectors = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
      this.texts = parsed.texts;
      this.dims = parsed.dimensions;
      this.texts.forEach((t, i) => this.index.set(t, i));
    } catch {
      // An unreadable cache is only a lost speed-up: rebuild it.
      this.reset();
    }
  }

  get size(): number {
    return this.texts.length;
  }

  /**
   * Returns unit vectors for `texts` (row-major), embedding only texts not in the cache, then
   * saves the cache. `texts` should already be distinct. `getEmbedder` is called only when some
   * text is missing, so a fully cached rebuild does not even load the model.
   */
  async embedAll(
    getEmbedder: () => Promise<Embedder>,
    texts: readonly string[],
    opts: { signal?: AbortSignal; onProgress?: (e: EmbedderEvent) => void } = {},
  ): Promise<{ vectors: Float32Array; dimensions: number; stats: CacheStats }> {
    const missing: string[] = [];
    const missingRows: number[] = [];
    const hitRows: Array<[row: number, cached: number]> = [];
    texts.forEach((t, row) => {
      const hit = this.dims > 0 ? this.index.get(t) : undefined;
      if (hit === undefined) {
        missing.push(t);
        missingRows.push(row);
      } else hitRows.push([row, hit]);
    });
    let fresh: Float32Array = new Float32Array(0);
    if (missing.length > 0) {
      const embedder = await getEmbedder();
      if (embedder.dimensions !== this.dims) {
        // A different vector size under the same fingerprint: the cache is stale.
        if (this.dims !== 0) return this.resetAndRetry(getEmbedder, texts, opts);
        this.dims = embedder.dimensions;
      }
      fresh = await embedder.embed(missing, opts);
    }
    const dims = this.dims;
    const out = new Float32Array(texts.length * dims);
    for (const [row, hit] of hitRows) out.set(this.vectors.subarray(hit * dims, (hit + 1) * dims), row * dims);
    missingRows.forEach((row, i) => out.set(fresh.subarray(i * dims, (i + 1) * dims), row * dims));
    if (missing.length > 0) this.append(missing, fresh);
    return { vectors: out, dimensions: dims, stats: { hits: hitRows.length, misses: missing.length } };
  }

  private resetAndRetry(
    getEmbedder: () => Promise<Embedder>,
    texts: readonly string[],
    opts: { signal?: AbortSignal; onProgress?: (e: EmbedderEvent) => void },
  ): ReturnType<EmbeddingCache['embedAll']> {
    this.reset();
    return this.embedAll(getEmbedder, texts, opts);
  }

  private append(texts: string[], vectors: Float32Array): void {
    const merged = new Float32Array(this.vectors.length + vectors.length);
    merged.set(this.vectors);
    merged.set(vectors, this.vectors.length);
    for (const t of texts) {
      this.index.set(t, this.texts.length);
      this.texts.push(t);
    }
    this.vectors = merged;
    fs.mkdirSync(this.folder, { recursive: true });
    writeAtomic(path.join(this.folder, 'vectors.f32'), new Uint8Array(merged.buffer, merged.byteOffset, merged.byteLength));
    const meta: CacheFile = { fingerprint: this.fingerprint, dimensions: this.dims, texts: this.texts };
    writeAtomic(path.join(this.folder, 'texts.json'), JSON.stringify(meta));
  }
}
