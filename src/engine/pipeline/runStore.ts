/**
 * The run folder: `manifest.json` (configuration, seed, models, versions, tool-set hash; never an
 * API key), `tools.json` (the tools the run samples from) and the append-only `dialogues.jsonl`.
 *
 * Durability: each dialogue is one line written with a single `write` on an O_APPEND descriptor
 * followed by `fdatasync`, so after a crash the file holds whole lines plus at most one torn last
 * line. Opening a run for resume truncates a torn tail; finished ids are skipped.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { LlmRole } from '../llm/types';
import type { Tool } from '../model/tool';
import type { DialogueRecord, ReasonCode, RunCounts, RunManifest } from './types';

export const MANIFEST_FILE = 'manifest.json';
export const TOOLS_FILE = 'tools.json';
export const DIALOGUES_FILE = 'dialogues.jsonl';

/** A problem found while reading a run folder (e.g. a corrupt line); the run stays readable. */
export class RunFolderError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'RunFolderError';
  }
}

/** Stable JSON (sorted keys) for hashing. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha256 over what the model sees of each tool (name, description, parameters, returns). */
export function toolSetHash(tools: readonly Tool[]): string {
  const h = createHash('sha256');
  h.update(canonicalJson(tools.map((t) => ({ name: t.name, description: t.description, parameters: t.parameters, returns: t.returns }))));
  return `sha256:${h.digest('hex')}`;
}

/** Removes credentials that may hide in a base URL (user:password@, query string). */
export function redactBaseUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '<invalid url>';
  }
}

/** Replaces a file whole (write, fsync, rename): a reader sees the old or the new file, never a part. */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  const fh = await fs.promises.open(tmp, 'w');
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.promises.rename(tmp, file);
}

export interface ReadDialoguesResult {
  /** Records in file order, first occurrence of each id only. */
  records: DialogueRecord[];
  /** Lines that could not be parsed (1-based line numbers), excluding a torn last line. */
  badLines: number[];
  /** Byte length of the file up to the end of its last complete line. */
  validLength: number;
  /** true when the file ends with a partial line (a crash mid-write). */
  tornTail: boolean;
  duplicates: number;
}

function isRecord(v: unknown): v is DialogueRecord {
  if (!v || typeof v !== 'object') return false;
  const r = v as Partial<DialogueRecord>;
  return typeof r.id === 'string' && typeof r.index === 'number' && (r.status === 'accepted' || r.status === 'rejected') && Array.isArray(r.messages);
}

export async function readDialogues(file: string): Promise<ReadDialoguesResult> {
  let buf: Buffer;
  try {
    buf = await fs.promises.readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], badLines: [], validLength: 0, tornTail: false, duplicates: 0 };
    throw e;
  }
  const lastNl = buf.lastIndexOf(0x0a);
  const validLength = lastNl + 1;
  const tornTail = validLength < buf.length;
  const text = buf.subarray(0, validLength).toString('utf8');
  const records: DialogueRecord[] = [];
  const badLines: number[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      badLines.push(i + 1);
      return;
    }
    if (!isRecord(v)) {
      badLines.push(i + 1);
      return;
    }
    if (seen.has(v.id)) {
      duplicates++;
      return;
    }
    seen.add(v.id);
    records.push(v);
  });
  return { records, badLines, validLength, tornTail, duplicates };
}

export function countRecords(records: readonly Pick<DialogueRecord, 'status' | 'reasons'>[], total: number): RunCounts {
  const counts: RunCounts = { total, done: 0, accepted: 0, rejected: 0, byReason: {} };
  for (const r of records) addToCounts(counts, r);
  return counts;
}

export function addToCounts(counts: RunCounts, r: Pick<DialogueRecord, 'status' | 'reasons' | 'repairs'>): void {
  counts.done++;
  if (r.status === 'accepted') counts.accepted++;
  else counts.rejected++;
  for (const code of new Set(r.reasons.map((x) => x.code))) counts.byReason[code as ReasonCode] = (counts.byReason[code as ReasonCode] ?? 0) + 1;
  for (const [role, n] of Object.entries(r.repairs ?? {}) as Array<[LlmRole, number]>) {
    if (typeof n !== 'number' || !(n > 0)) continue;
    counts.repairs ??= {};
    counts.repairs[role] = (counts.repairs[role] ?? 0) + n;
  }
}

const MANIFEST_REPAIR_HINT = `${MANIFEST_FILE} is written by \`toolflow generate\` when a run starts: restore it from a copy, or start a new run in another folder (the dialogues in this one stay readable)`;

/**
 * Reads and checks a run folder's manifest. Every consumer (resume, export, quality, the
 * extension's Runs view and resume command) reads it through here, so a bad manifest gives the
 * same RunFolderError everywhere: the file, what is wrong, and a hint saying what to do.
 */
export async function readManifest(dir: string): Promise<RunManifest> {
  const file = path.join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new RunFolderError(`${file} does not exist: this is not a run folder`, file, 'start a new run without --resume, or point at the folder of an earlier run');
    throw e;
  }
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch (e) {
    throw new RunFolderError(`${file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, file, MANIFEST_REPAIR_HINT);
  }
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(m) || m.format !== 'toolflow.run') {
    throw new RunFolderError(`${file}: not a ToolFlow run manifest (#/format is ${isObject(m) && m.format !== undefined ? JSON.stringify(m.format) : 'missing'}, expected "toolflow.run")`, file, MANIFEST_REPAIR_HINT);
  }
  if (!isObject(m.options)) throw new RunFolderError(`${file}: not a ToolFlow run manifest (#/options is not an object)`, file, MANIFEST_REPAIR_HINT);
  return m as unknown as RunManifest;
}

export async function readRunTools(dir: string): Promise<Tool[]> {
  const file = path.join(dir, TOOLS_FILE);
  try {
    const v = JSON.parse(await fs.promises.readFile(file, 'utf8')) as { tools?: unknown };
    if (!Array.isArray(v.tools)) throw new Error('#/tools is not an array');
    return v.tools as Tool[];
  } catch (e) {
    throw new RunFolderError(`cannot read the run's tools from ${file}: ${e instanceof Error ? e.message : String(e)}`, file);
  }
}

/** An open run folder to which dialogues are appended. */
export class RunStore {
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly dir: string,
    private readonly fh: fs.promises.FileHandle,
  ) {}

  /** Creates a new run folder; refuses a folder that already holds dialogues. */
  static async create(dir: string, manifest: RunManifest, tools: readonly Tool[]): Promise<RunStore> {
    await fs.promises.mkdir(dir, { recursive: true });
    const dialogues = path.join(dir, DIALOGUES_FILE);
    const existing = await fs.promises.stat(dialogues).catch(() => undefined);
    if (existing && existing.size > 0) {
      throw new RunFolderError(`${dir} already holds a run (${DIALOGUES_FILE} is not empty)`, dialogues, 'add --resume to continue it, or choose another output folder');
    }
    await writeFileAtomic(path.join(dir, TOOLS_FILE), JSON.stringify({ tools }, null, 1) + '\n');
    await writeFileAtomic(path.join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
    const fh = await fs.promises.open(dialogues, 'a');
    return new RunStore(dir, fh);
  }

  /** Opens an existing run for appending; cuts a torn last line. Returns the finished records. */
  static async open(dir: string): Promise<{ store: RunStore; manifest: RunManifest; existing: ReadDialoguesResult }> {
    const manifest = await readManifest(dir);
    const file = path.join(dir, DIALOGUES_FILE);
    const existing = await readDialogues(file);
    if (existing.tornTail) await fs.promises.truncate(file, existing.validLength);
    const fh = await fs.promises.open(file, 'a');
    return { store: new RunStore(dir, fh), manifest, existing };
  }

  /** Appends one record as one line: one write, then fdatasync. Calls are serialised. */
  append(record: DialogueRecord): Promise<void> {
    if (this.closed) return Promise.reject(new Error('run store is closed'));
    const line = Buffer.from(JSON.stringify(record) + '\n', 'utf8');
    const next = this.chain.then(async () => {
      let off = 0;
      while (off < line.length) off += (await this.fh.write(line, off, line.length - off)).bytesWritten;
      await this.fh.datasync();
    });
    this.chain = next.catch(() => {});
    return next;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.chain;
    await this.fh.close();
  }
}
