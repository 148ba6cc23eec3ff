/**
 * Tool graph on ALL of ToolBench (47,068 APIs from toolenv_all.jsonl.gz) with the embedded offline
 * model, against a NumPy (OpenBLAS) + SciPy reference computing the same edge set from the same
 * embeddings in the same run.
 *
 *   node --import tsx bench/graph-toolbench.ts [--threshold 0.9] [--threads 2] [--keep] [--cache-dir D] [--graph-out F]
 *
 * First the DEFAULT build (`buildToolGraph` with no options, as `toolflow graph` runs it: generic
 * fields detected from the data, degree cap 50), time per phase and the file write, peak RSS; the
 * whole build after embedding is compared with NumPy's similarity products alone on the same texts,
 * in wall time and in CPU time (all threads; less sensitive to the load of a shared machine). The
 * graph file is format version 2 (columns, docs/graph.md).
 * `--cache-dir` keeps the embedding cache between runs (default: a fresh temporary folder, cold).
 *
 * Prints: tools, distinct texts, cold embedding time, warm-cache time, similarity-and-edges time
 * (exact pair search + tool edge collection), text pairs, edges, peak RSS, then the reference's
 * times, its edge count, whether the edge sets are identical, the ratio engine / NumPy
 * (goal <= 1.0) and the reference's peak RSS.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createEmbedder, type Embedder } from '../src/engine/embedding/embedder';
import { EmbeddingCache } from '../src/engine/embedding/embeddingCache';
import { OFFLINE_MODEL, modelFingerprint, resolveModel } from '../src/engine/embedding/modelRegistry';
import { buildFieldIndex, buildToolGraph, collectToolEdges, findTextPairs, modelDefaults, saveBuiltGraph, type GraphBuildEvent } from '../src/engine/graph';
import { importPaths } from '../src/engine/import';

const repoRoot = path.resolve(__dirname, '..');
const { values } = parseArgs({
  options: { threshold: { type: 'string' }, threads: { type: 'string' }, keep: { type: 'boolean' }, 'cache-dir': { type: 'string' }, 'graph-out': { type: 'string' } },
});
const tau = values.threshold ? Number(values.threshold) : modelDefaults(OFFLINE_MODEL).threshold;
const threads = values.threads ? Number(values.threads) : undefined;
const rssMB = () => Math.round(process.resourceUsage().maxRSS / 1024);
const ms = (t: number) => Math.round(performance.now() - t);
/** CPU time of this process (all threads, workers included) since `c`, in ms. */
const cpuMs = (c: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(c);
  return Math.round((d.user + d.system) / 1000);
};

function writeBin(file: string, arr: Float32Array | Int32Array | Float64Array): void {
  fs.writeFileSync(file, new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength));
}

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'toolflow-bench-graph-'));
  const input = path.resolve(repoRoot, '..', 'shared', 'data', 'tools', 'toolbench', 'toolenv_all.jsonl.gz');
  let t = performance.now();
  const { toolSet } = await importPaths([input]);
  console.log(`import            ${toolSet.tools.length} tools in ${ms(t)} ms`);

  t = performance.now();
  const index = buildFieldIndex(toolSet.tools);
  console.log(`texts             ${index.texts.length} distinct (${index.paramTexts.length} parameter, ${index.returnTexts.length} return) in ${ms(t)} ms`);

  const cacheDir = values['cache-dir'] ? path.resolve(values['cache-dir']) : path.join(work, 'cache');
  const fingerprint = modelFingerprint(resolveModel(OFFLINE_MODEL, { cacheDir }));
  let embedder: Embedder | undefined;
  const getEmbedder = async () => (embedder ??= await createEmbedder({ model: OFFLINE_MODEL, offline: true, cacheDir }));
  t = performance.now();
  const cold = await new EmbeddingCache(cacheDir, fingerprint).embedAll(getEmbedder, index.texts);
  console.log(`embed (cold)      ${ms(t)} ms incl. model load; cache ${cold.stats.hits} hits / ${cold.stats.misses} misses`);
  await embedder?.dispose();
  t = performance.now();
  const noInference = () => Promise.reject(new Error('the warm run must not load the model'));
  const warm = await new EmbeddingCache(cacheDir, fingerprint).embedAll(noInference, index.texts);
  console.log(`embed (warm)      ${ms(t)} ms (reading the cache); ${warm.stats.hits} hits / ${warm.stats.misses} misses`);
  const vectors = warm.vectors;
  const dims = warm.dimensions;

  // The default build, as `toolflow graph <all of ToolBench> --offline` runs it (warm cache).
  const rssBefore = rssMB();
  t = performance.now();
  // CPU time (all threads, workers included) of the build after embedding: wall times on a shared
  // machine swing with the load, CPU time much less.
  const cpuStart = process.cpuUsage();
  let cpuAtEmbed: NodeJS.CpuUsage | undefined;
  let cpuAtSimilarity: NodeJS.CpuUsage | undefined;
  const phaseCpu = new Map<string, number>();
  const onProgress = (e: GraphBuildEvent) => {
    if (e.type !== 'phase' || phaseCpu.has(e.phase)) return;
    const c = process.cpuUsage();
    phaseCpu.set(e.phase, c.user + c.system);
    if (e.phase === 'embed') cpuAtEmbed = c;
    if (e.phase === 'similarity') cpuAtSimilarity = c;
  };
  const built = await buildToolGraph(toolSet.tools, { model: OFFLINE_MODEL, offline: true, cacheDir, onProgress, ...(threads ? { threads } : {}) });
  const w = performance.now();
  const beforeWrite = process.cpuUsage();
  phaseCpu.set('write', beforeWrite.user + beforeWrite.system);
  const graphFile = values['graph-out'] ? path.resolve(values['graph-out']) : path.join(work, 'toolbench.graph.json');
  await saveBuiltGraph(built.built, graphFile);
  const writeMs = ms(w);
  const us = (c: NodeJS.CpuUsage) => c.user + c.system;
  const marks = [...phaseCpu.entries()];
  const cpuEnd = us(process.cpuUsage());
  const cpuPerPhase = marks.map(([phase, at], i) => `${phase} ${Math.round(((marks[i + 1]?.[1] ?? cpuEnd) - at) / 1000)} ms`).join(', ');
  const cpuAll = us(process.cpuUsage(cpuStart));
  const cpuEmbed = cpuAtEmbed && cpuAtSimilarity ? us(cpuAtSimilarity) - us(cpuAtEmbed) : 0;
  const afterEmbeddingCpu = Math.round((cpuAll - cpuEmbed) / 1000);
  const tm = built.timings;
  const afterEmbedding = tm.textsMs + tm.similarityMs + tm.edgesMs + tm.graphMs + writeMs;
  console.log(`default build     ${built.stats.nodes} tools, ${built.stats.edges} edges (${built.edgesBeforeCap} before the degree cap ${String(built.built.attributes.maxDegree)}), ${built.stats.genericFields.length} generic fields left out, ${built.distinctTexts} texts`);
  console.log(`  per phase       texts ${tm.textsMs} ms, embed (warm) ${tm.embedMs} ms, similarity ${tm.similarityMs} ms, edges ${tm.edgesMs} ms, graph ${tm.graphMs} ms, write ${writeMs} ms (${(fs.statSync(graphFile).size / 1e6).toFixed(0)} MB)`);
  console.log(`  after embedding ${afterEmbedding} ms wall (texts + similarity + edges + graph + write), ${afterEmbeddingCpu} ms CPU`);
  console.log(`  CPU per phase   ${cpuPerPhase} (all threads)`);
  console.log(`  peak RSS        ${rssMB()} MB (process; ${rssBefore} MB before the build)`);

  t = performance.now();
  let c = process.cpuUsage();
  const { pp, rp } = await findTextPairs(index, vectors, dims, tau, threads ? { threads } : {});
  const simMs = ms(t);
  const simCpu = cpuMs(c);
  const t2 = performance.now();
  c = process.cpuUsage();
  const table = await collectToolEdges(index, pp, rp, threads ? { threads } : {});
  const edgeMs = ms(t2);
  const edgeCpu = cpuMs(c);
  console.log(`load average      ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.availableParallelism()} cores`);
  console.log(`similarity        ${simMs} ms wall, ${simCpu} ms CPU (tau ${tau}, ${pp.sims.length} P-P and ${rp.sims.length} R-P text pairs, ${threads ?? os.availableParallelism()} threads)`);
  console.log(`tool edges        ${edgeMs} ms wall, ${edgeCpu} ms CPU -> ${table.count} edges`);
  console.log(`similarity+edges  ${simMs + edgeMs} ms wall, ${simCpu + edgeCpu} ms CPU`);
  console.log(`peak RSS          ${rssMB()} MB (engine process)`);

  // Hand the same inputs to the NumPy reference.
  const pRow = new Map<number, number>();
  index.paramTexts.forEach((t, i) => pRow.set(t, i));
  const gather = (ids: Int32Array) => {
    const out = new Float32Array(ids.length * dims);
    ids.forEach((id, r) => out.set(vectors.subarray(id * dims, (id + 1) * dims), r * dims));
    return out;
  };
  writeBin(path.join(work, 'p.f32'), gather(index.paramTexts));
  writeBin(path.join(work, 'r.f32'), gather(index.returnTexts));
  writeBin(path.join(work, 'rp_same.i32'), Int32Array.from(index.returnTexts, (t) => pRow.get(t) ?? -1));
  const incidence = (texts: Int32Array, offsets: Int32Array, tools: Int32Array) => {
    const out: number[] = [];
    texts.forEach((t, row) => {
      for (let k = offsets[t]!; k < offsets[t + 1]!; k++) out.push(tools[k]!, row);
    });
    return Int32Array.from(out);
  };
  writeBin(path.join(work, 'ap.i32'), incidence(index.paramTexts, index.paramOffsets, index.paramTools));
  writeBin(path.join(work, 'ar.i32'), incidence(index.returnTexts, index.returnOffsets, index.returnTools));
  const keys = new Float64Array(table.count);
  for (let e = 0; e < table.count; e++) keys[e] = table.a[e]! * index.tools.length + table.b[e]!;
  writeBin(path.join(work, 'ours.f64'), keys);
  fs.writeFileSync(path.join(work, 'meta.json'), JSON.stringify({ dims, tau, nTools: index.tools.length }));

  const ref = spawnSync('python3', [path.join(__dirname, 'graph_reference.py'), work], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (ref.status !== 0) throw new Error(`reference failed: ${ref.stderr}`);
  const r = JSON.parse(ref.stdout) as { similarityMs: number; similarityCpuMs: number; edgesMs: number; totalMs: number; cpuMs: number; edges: number; identical: boolean; onlyReference: number; onlyEngine: number; peakRssMB: number; pairsPP: number; pairsRP: number; numpy: string };
  console.log(`numpy reference   similarity ${r.similarityMs} ms + edges ${r.edgesMs} ms = ${r.totalMs} ms wall, ${r.cpuMs} ms CPU (numpy ${r.numpy}; ${r.pairsPP} P-P, ${r.pairsRP} R-P text pairs), peak RSS ${r.peakRssMB} MB`);
  console.log(`edge sets         ${r.identical ? 'IDENTICAL' : `DIFFER (${r.onlyReference} only in reference, ${r.onlyEngine} only in engine)`} (${r.edges} reference edges)`);
  console.log(`ratio             ${((simMs + edgeMs) / r.totalMs).toFixed(2)} wall (engine similarity+edges / numpy; goal <= 1.0), ${((simCpu + edgeCpu) / r.cpuMs).toFixed(2)} CPU`);
  console.log(`load average      ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} (wall-clock ratios are only meaningful on a quiet machine)`);
  console.log(`  similarity only ${(simMs / r.similarityMs).toFixed(2)}, edges only ${(edgeMs / r.edgesMs).toFixed(2)}`);
  console.log(`default build     after embedding ${afterEmbedding} ms vs NumPy's similarity products alone ${r.similarityMs} ms: ratio ${(afterEmbedding / r.similarityMs).toFixed(2)} wall (goal <= 1.0); CPU ${afterEmbeddingCpu} ms vs ${r.similarityCpuMs} ms: ratio ${(afterEmbeddingCpu / r.similarityCpuMs).toFixed(2)}`);
  if (!values.keep) fs.rmSync(work, { recursive: true, force: true });
  else console.log(`inputs kept in ${work}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
