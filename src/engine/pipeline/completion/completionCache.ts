/** A JSON file cache of completion results, keyed by model and tool content (see `completionKey`). */
import fs from 'node:fs';
import type { Fill } from './completeTools';

interface CacheFile {
  format: 'toolflow.completion-cache';
  version: 1;
  entries: Record<string, Fill[]>;
}

export class CompletionCache {
  private dirty = false;

  private constructor(
    readonly file: string,
    private readonly entries: Map<string, Fill[]>,
  ) {}

  /** Loads the cache; a missing or unreadable file gives an empty cache (it is only a cache). */
  static async load(file: string): Promise<CompletionCache> {
    const entries = new Map<string, Fill[]>();
    try {
      const doc = JSON.parse(await fs.promises.readFile(file, 'utf8')) as Partial<CacheFile>;
      if (doc.format === 'toolflow.completion-cache' && doc.entries && typeof doc.entries === 'object') {
        for (const [k, v] of Object.entries(doc.entries)) if (Array.isArray(v)) entries.set(k, v);
      }
    } catch {
      // absent or corrupt: start empty
    }
    return new CompletionCache(file, entries);
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): Fill[] | undefined {
    return this.entries.get(key);
  }

  set(key: string, fills: Fill[]): void {
    this.entries.set(key, fills);
    this.dirty = true;
  }

  async save(): Promise<void> {
    if (!this.dirty) return;
    const doc: CacheFile = { format: 'toolflow.completion-cache', version: 1, entries: Object.fromEntries(this.entries) };
    const tmp = `${this.file}.${process.pid}.tmp`;
    await fs.promises.writeFile(tmp, JSON.stringify(doc, null, 1) + '\n');
    await fs.promises.rename(tmp, this.file);
    this.dirty = false;
  }
}
