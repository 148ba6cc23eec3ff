/**
 * Time of every automatic quality metric except EnR on a run of 8,000 dialogues (the paper's dataset
 * size) with the embedded GloVe model, and peak memory. Goal: the whole `toolflow report` work
 * without EnR under 30 s on the 2-core development machine.
 *
 * The dialogues are synthetic but shaped like generated ones (about 1,000 o200k tokens each: 3–5
 * rounds of user requests, assistant replies, tool calls with JSON arguments, JSON tool results),
 * their sentences drawn (seeded) from the real English descriptions of the BFCL functions in
 * ../shared/data/tools/bfcl; 1 % are near-copies of another, so MinHash has clusters to find.
 * Leakage: the 300 tools of the run against all 3,469 BFCL functions, by both rules.
 *
 *   node --import tsx bench/quality-metrics.ts [--dialogues 8000]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createEmbedder } from '../src/engine/embedding/embedder';
import { importPaths } from '../src/engine/import';
import type { ChatMessage } from '../src/engine/llm/types';
import { toOpenAITool, type Tool } from '../src/engine/model/tool';
import { readDialogues } from '../src/engine/pipeline/runStore';
import type { DialogueRecord } from '../src/engine/pipeline/types';
import { createRandom } from '../src/engine/sampling/seededRandom';
import { findDuplicates } from '../src/engine/quality/duplicates/findDuplicates';
import { checkLeakage } from '../src/engine/quality/leakage/checkLeakage';
import { DiversityCounter, diversityOf } from '../src/engine/quality/metrics/diversity';
import { pairSimilarities } from '../src/engine/quality/metrics/semanticSimilarity';
import { computeRunQuality } from '../src/engine/quality/report/runQuality';
import { dialogueStats, runStats } from '../src/engine/quality/stats/runStats';
import { naturalTexts, roundPairs } from '../src/engine/quality/text/dialogueText';
import { ensureOfflineEmbeddingModel } from '../test/support/quality/runFolder';

const argIndex = process.argv.indexOf('--dialogues');
const N = argIndex > 0 ? Number(process.argv[argIndex + 1]) : 8000;
const BFCL = path.resolve(__dirname, '..', '..', 'shared', 'data', 'tools', 'bfcl', 'bfcl_functions.jsonl');

function sentencesOf(tools: readonly Tool[]): string[] {
  const out = new Set<string>();
  for (const t of tools) {
    for (const s of `${t.description} ${Object.values(t.parameters.properties ?? {}).map((p) => (typeof p === 'object' && p && 'description' in p ? String(p.description ?? '') : '')).join('. ')}`.split(/(?<=[.!?])\s+/)) {
      const clean = s.trim();
      if (clean.split(' ').length >= 4) out.add(clean);
    }
  }
  return [...out];
}

function makeDialogues(n: number, tools: readonly Tool[], sentences: readonly string[]): DialogueRecord[] {
  const rnd = createRandom('bench-quality');
  const pick = <T>(xs: readonly T[]): T => xs[rnd.int(xs.length)]!;
  const para = (k: number) => Array.from({ length: k }, () => pick(sentences)).join(' ');
  const records: DialogueRecord[] = [];
  for (let i = 0; i < n; i++) {
    if (i > 10 && rnd.next() < 0.01) {
      // A near-copy of an earlier dialogue: one user message reworded.
      const src = records[rnd.int(records.length)]!;
      const messages = src.messages.map((m, j) => (j === 0 && m.role === 'user' ? { ...m, content: `${m.content} Thanks a lot.` } : m));
      records.push({ ...src, id: `d${String(i).padStart(6, '0')}`, index: i, messages });
      continue;
    }
    const offered = Array.from({ length: 2 + rnd.int(3) }, () => pick(tools));
    const messages: ChatMessage[] = [];
    const rounds = 3 + rnd.int(3);
    for (let r = 0; r < rounds; r++) {
      messages.push({ role: 'user', content: `Could you help me with this: ${para(1 + rnd.int(2))}` });
      if (rnd.next() < 0.75) {
        const calls = 1 + (rnd.next() < 0.2 ? 1 : 0);
        const toolCalls = Array.from({ length: calls }, (_, c) => {
          const t = pick(offered);
          const args = Object.fromEntries(Object.keys(t.parameters.properties ?? {}).slice(0, 4).map((k) => [k, pick(sentences).split(' ').slice(0, 3).join(' ')]));
          return { id: `c${i}_${r}_${c}`, type: 'function' as const, function: { name: t.name, arguments: JSON.stringify(args) } };
        });
        messages.push({ role: 'assistant', content: null, tool_calls: toolCalls });
        for (const c of toolCalls) messages.push({ role: 'tool', tool_call_id: c.id, content: JSON.stringify({ ok: true, result: { summary: para(2), count: rnd.int(100), items: [para(1), para(1)] } }) });
      }
      messages.push({ role: 'assistant', content: para(2 + rnd.int(3)) });
    }
    records.push({
      id: `d${String(i).padStart(6, '0')}`,
      index: i,
      status: 'accepted',
      reasons: [],
      tools: offered.map(toOpenAITool),
      plan: { steps: Array.from({ length: rounds }, (_, s) => ({ kind: s > 0 && rnd.next() < 0.2 ? ('chitchat' as const) : ('tool' as const), request: pick(sentences) })) },
      system: 'You are a helpful assistant.',
      messages,
      seed: i,
      style: 'plain',
      usage: {},
      llmCalls: 0,
      timings: { startedAt: '', finishedAt: '', durationMs: 0 },
    });
  }
  return records;
}

/** [name, wall ms, CPU ms of this process (user + system, all threads), detail]. */
const timings: Array<[string, number, number, string]> = [];
async function timed<T>(name: string, f: () => Promise<T> | T, detail: (v: T) => string = () => ''): Promise<T> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const v = await f();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const cpuMs = (c.user + c.system) / 1000;
  timings.push([name, ms, cpuMs, detail(v)]);
  process.stderr.write(`${name}: ${(ms / 1000).toFixed(2)} s wall, ${(cpuMs / 1000).toFixed(2)} s CPU ${detail(v)}\n`);
  return v;
}

async function main() {
  const model = ensureOfflineEmbeddingModel();
  const bfcl = (await importPaths([BFCL], { cwd: process.cwd() })).toolSet.tools;
  const runTools = bfcl.filter((_, i) => i % 11 === 0).slice(0, 300);
  const sentences = sentencesOf(bfcl);
  const records = makeDialogues(N, runTools, sentences);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolflow-bench-quality-'));
  fs.writeFileSync(path.join(dir, 'dialogues.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'tools.json'), JSON.stringify({ tools: runTools }));
  const sizeMb = fs.statSync(path.join(dir, 'dialogues.jsonl')).size / 1e6;
  process.stderr.write(`${N} dialogues (${sizeMb.toFixed(1)} MB dialogues.jsonl), ${runTools.length} run tools, ${bfcl.length} BFCL tools; embedding model ${model}; ${os.cpus().length} CPUs\n`);
  const rssBefore = process.memoryUsage().rss;

  const read = await timed('read dialogues.jsonl', () => readDialogues(path.join(dir, 'dialogues.jsonl')), (r) => `${r.records.length} records`);
  const stats = await timed('Table 1 statistics (o200k_base tokens, calls, turns)', () => read.records.map(dialogueStats), (s) => `${runStats(s, []).tokens.toLocaleString('en-US')} tokens, ${runStats(s, []).calls} calls`);
  void stats;
  await timed('H and D-3 (run + per dialogue)', () => {
    const c = new DiversityCounter();
    for (const r of read.records) {
      const texts = naturalTexts(r.messages);
      for (const t of texts) c.addText(t);
      diversityOf(texts);
    }
    return c.values();
  }, (v) => `H ${v.entropy.toFixed(3)} bits, D-3 ${v.distinct3?.toFixed(4)}, ${v.trigrams.toLocaleString('en-US')} trigrams`);
  const pairs = await timed('round pairing', () => read.records.map((r) => roundPairs(r.messages)), (p) => `${p.reduce((a, x) => a + x.length, 0)} pairs`);
  const embedder = await timed('load embedding model', () => createEmbedder({ model, cacheDir: path.join(dir, 'cache') }));
  await timed('SS (embed premises + hypotheses, cosines)', () => pairSimilarities(embedder, pairs), (s) => {
    const all = s.perDialogue.flat();
    return `mean ${(all.reduce((a, b) => a + b, 0) / all.length).toFixed(4)}`;
  });
  await timed('near-duplicates (MinHash 128 + LSH 16x8)', () => findDuplicates(read.records), (d) => `${d.clusters.length} clusters`);
  await timed('leakage vs BFCL (n-gram + similarity)', () => checkLeakage(runTools, bfcl, { evalSource: 'bfcl', embedder }), (l) => `n-gram ${l.ngram.leaking}, similarity ${l.embedding?.leaking}`);
  const steps = timings.filter(([n]) => n !== 'load embedding model');
  const total = steps.reduce((a, [, ms]) => a + ms, 0);
  const totalCpu = steps.reduce((a, [, , cpu]) => a + cpu, 0);
  await timed('computeRunQuality end to end (no EnR, no leakage; writes quality.jsonl + duplicates.json)', () => computeRunQuality(dir, { embedder }), (r) => `SS ${r.summary.coherence.ss?.toFixed(4)}`);
  await embedder.dispose();

  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(`\nquality metrics on ${N} dialogues (${os.cpus().length} CPUs, Node ${process.version})`);
  console.log(`  ${'step'.padEnd(92)} ${'wall s'.padStart(8)} ${'CPU s'.padStart(8)}`);
  for (const [name, ms, cpu, detail] of timings) console.log(`  ${name.padEnd(92)} ${(ms / 1000).toFixed(2).padStart(8)} ${(cpu / 1000).toFixed(2).padStart(8)}  ${detail}`);
  console.log(`  ${'sum of the metric steps (model load and the end-to-end run left out)'.padEnd(92)} ${(total / 1000).toFixed(2).padStart(8)} ${(totalCpu / 1000).toFixed(2).padStart(8)}  goal < 30 s wall: ${total < 30_000 ? 'met' : 'NOT met'}`);
  console.log(`  load average now: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} (other work on the machine slows wall times)`);
  console.log(`  peak RSS ${peakRssMb.toFixed(0)} MB (RSS before the metrics ${(rssBefore / 1e6).toFixed(0)} MB)`);
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
