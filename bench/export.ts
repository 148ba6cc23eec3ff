/**
 * Export throughput: a synthetic run of N dialogues (the rich test dialogue, with ids, seeds and tool
 * sets varied) exported to each format, with the validation of every written file and its token
 * counts (o200k_base) included; and the tokenizer alone. Prints wall time and dialogues per second.
 *
 *   node --import tsx bench/export.ts [--count 2000]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EXPORT_FORMATS, countChatTokens, exportRun, formatModule } from '../src/engine/export';
import { record, richMessages } from '../test/support/export/records';

const { values } = parseArgs({ options: { count: { type: 'string' } } });
const count = Number(values.count ?? 2000);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolflow-bench-export-'));
const lines: string[] = [];
for (let i = 0; i < count; i++) {
  const r = record(`d${String(i).padStart(6, '0')}`, richMessages(), { index: i, seed: 1000 + i });
  r.tools = r.tools.slice(i % 2, 3).map((t) => ({ ...t, function: { ...t.function, name: `${t.function.name}` } }));
  if (i % 2) r.messages = r.messages.slice(5); // drop the parallel round where its tools are not offered
  lines.push(JSON.stringify(r));
}
fs.writeFileSync(path.join(dir, 'dialogues.jsonl'), lines.join('\n') + '\n');
const bytes = fs.statSync(path.join(dir, 'dialogues.jsonl')).size;
console.log(`run: ${count} dialogues, ${(bytes / 1e6).toFixed(1)} MB of dialogues.jsonl`);

const sample = formatModule('openai').convert(record('d0', richMessages()), { system: true }).sample as { messages: Array<Record<string, unknown>>; tools: unknown };
let t = performance.now();
for (let i = 0; i < count; i++) countChatTokens(sample.messages, sample.tools);
let ms = performance.now() - t;
console.log(`tokens (o200k_base) alone: ${ms.toFixed(0)} ms, ${Math.round(count / (ms / 1000))} samples/s (${countChatTokens(sample.messages, sample.tools)} tokens each)`);

async function main(): Promise<void> {
  for (const format of EXPORT_FORMATS) {
    t = performance.now();
    const r = await exportRun(dir, { format, output: path.join(dir, 'out', `${format}.jsonl`), split: 0.9, seed: 1 });
    ms = performance.now() - t;
    const errors = r.validation.reduce((a, v) => a + v.errors, 0);
    console.log(`${format.padEnd(8)} export + validation: ${ms.toFixed(0)} ms, ${Math.round(count / (ms / 1000))} dialogues/s, ${r.files.length} files, ${errors} violations`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

void main();
