/**
 * The Hugging Face export as Parquet, through hyparquet-writer (pure JavaScript, no native code)
 * and read back with hyparquet. Parquet needs one schema per column, and every tool's parameters
 * and every call's arguments have a shape of their own: a nested column would make Arrow merge them
 * into one struct and fill missing keys with null (the corruption huggingface/trl PR 5118 describes).
 * So `messages` and `tools` are JSON columns (Parquet's JSON logical type: UTF-8 text); one
 * `json.loads` each gives exactly the JSON-lines sample (docs/export.md). `id` is the dialogue id.
 */
import fs from 'node:fs';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';

export function parquetBuffer(rows: Array<{ id: string; sample: Record<string, unknown> }>): ArrayBuffer {
  return parquetWriteBuffer({
    columnData: [
      { name: 'id', data: rows.map((r) => r.id), type: 'STRING' },
      { name: 'messages', data: rows.map((r) => JSON.stringify(r.sample.messages)), type: 'JSON' },
      { name: 'tools', data: rows.map((r) => JSON.stringify(r.sample.tools ?? [])), type: 'JSON' },
    ],
  });
}

const fromJson = (v: unknown): unknown => (typeof v === 'string' ? (JSON.parse(v) as unknown) : v);

/** Rows of an exported Parquet file as `{messages, tools}` samples, numbered from 1. */
export async function readParquetSamples(file: string): Promise<Array<{ line: number; sample?: unknown; parseError?: string }>> {
  await fs.promises.access(file);
  const rows = (await parquetReadObjects({ file: await asyncBufferFromFile(file) })) as Array<Record<string, unknown>>;
  return rows.map((r, i) => {
    try {
      return { line: i + 1, sample: { messages: fromJson(r.messages), tools: fromJson(r.tools) } };
    } catch (e) {
      return { line: i + 1, parseError: e instanceof Error ? e.message : String(e) };
    }
  });
}
