/**
 * The exact pair search on the ToolBench parameter texts (33,672 distinct "{name}: {description}"
 * strings, embedded with the offline model), by each route considered, in one run:
 *   - wasm: the WebAssembly SIMD kernel with principal-axis bounds (the default),
 *   - js:   the same bounds in a scalar JavaScript kernel,
 *   - ort:  blocked MatMul + Greater + NonZero in onnxruntime-node (MLAS, 2 intra-op threads),
 *           candidates re-checked in float64 (no pruning: every pair is multiplied),
 *   - numpy: bench/graph_reference.py's blocked float32 product (OpenBLAS), P-P part only.
 * All must find the same pairs. Prints wall and CPU time per route.
 *
 *   node --import tsx bench/graph-kernels.ts [--threshold 0.9]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { createEmbedder, type Embedder } from '../src/engine/embedding/embedder';
import { EmbeddingCache } from '../src/engine/embedding/embeddingCache';
import { OFFLINE_MODEL, modelFingerprint, resolveModel } from '../src/engine/embedding/modelRegistry';
import { buildFieldIndex, findSimilarPairs, modelDefaults } from '../src/engine/graph';
import { importPaths } from '../src/engine/import';

const { values } = parseArgs({ options: { threshold: { type: 'string' } } });
const tau = values.threshold ? Number(values.threshold) : modelDefaults(OFFLINE_MODEL).threshold;

function matmulThresholdModel(): Uint8Array {
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const io = (name: string, elemType: number, dims: Array<string | number>) => ({
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'pairs',
      node: [
        { opType: 'MatMul', input: ['a', 'bt'], output: ['s'] },
        { opType: 'Greater', input: ['s', 'tau'], output: ['m'] },
        { opType: 'NonZero', input: ['m'], output: ['idx'] },
      ],
      input: [io('a', FLOAT, ['m', 'd']), io('bt', FLOAT, ['d', 'n']), io('tau', FLOAT, [])],
      output: [io('idx', onnx.TensorProto.DataType.INT64, [2, 'k'])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

async function ortPairs(x: Float32Array, dims: number): Promise<number> {
  const rows = x.length / dims;
  const session = await ort.InferenceSession.create(matmulThresholdModel(), { intraOpNumThreads: 2, interOpNumThreads: 1 });
  const bt = new Float32Array(dims * rows);
  for (let i = 0; i < rows; i++) for (let d = 0; d < dims; d++) bt[d * rows + i] = x[i * dims + d]!;
  const block = 2048;
  let found = 0;
  for (let r0 = 0; r0 < rows; r0 += block) {
    const r1 = Math.min(rows, r0 + block);
    // Columns r0..rows (upper triangle by blocks), as a contiguous [dims, n] slice.
    const n = rows - r0;
    const cols = new Float32Array(dims * n);
    for (let d = 0; d < dims; d++) cols.set(bt.subarray(d * rows + r0, d * rows + rows), d * n);
    const out = await session.run({
      a: new ort.Tensor('float32', x.subarray(r0 * dims, r1 * dims), [r1 - r0, dims]),
      bt: new ort.Tensor('float32', cols, [dims, n]),
      tau: new ort.Tensor('float32', new Float32Array([tau - 1e-5]), []),
    });
    const idx = out.idx!.data as BigInt64Array;
    const k = idx.length / 2;
    for (let e = 0; e < k; e++) {
      const i = r0 + Number(idx[e]);
      const j = r0 + Number(idx[k + e]);
      if (j <= i) continue;
      let dot = 0;
      for (let d = 0; d < dims; d++) dot += x[i * dims + d]! * x[j * dims + d]!;
      if (dot > tau) found++;
    }
  }
  await session.release();
  return found;
}

async function timed<T>(label: string, f: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const c = process.cpuUsage();
  const r = await f();
  const cpu = process.cpuUsage(c);
  console.log(`${label.padEnd(8)} ${Math.round(performance.now() - t)} ms wall, ${Math.round((cpu.user + cpu.system) / 1000)} ms CPU -> ${String(r)} pairs`);
  return r;
}

async function main(): Promise<void> {
  const input = path.resolve(__dirname, '..', '..', 'shared', 'data', 'tools', 'toolbench', 'toolenv_all.jsonl.gz');
  const { toolSet } = await importPaths([input]);
  const index = buildFieldIndex(toolSet.tools);
  const cacheDir = process.env.TOOLFLOW_CACHE_DIR || path.join(os.tmpdir(), 'toolflow-bench-cache');
  let embedder: Embedder | undefined;
  const cache = new EmbeddingCache(cacheDir, modelFingerprint(resolveModel(OFFLINE_MODEL, { cacheDir })));
  const params = index.texts.filter((_, i) => index.paramOffsets[i + 1]! > index.paramOffsets[i]!);
  const { vectors: x, dimensions: dims } = await cache.embedAll(async () => (embedder ??= await createEmbedder({ model: OFFLINE_MODEL, offline: true, cacheDir })), params);
  await embedder?.dispose();
  console.log(`${params.length} parameter texts x ${dims} dims, tau ${tau}, load average ${os.loadavg()[0]!.toFixed(1)} on ${os.availableParallelism()} cores`);
  const counts = [
    await timed('wasm', async () => (await findSimilarPairs(x, undefined, dims, tau, { kernel: 'wasm' })).sims.length),
    await timed('js', async () => (await findSimilarPairs(x, undefined, dims, tau, { kernel: 'js' })).sims.length),
    await timed('ort', () => ortPairs(x, dims)),
  ];
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'toolflow-bench-kernels-'));
  fs.writeFileSync(path.join(work, 'p.f32'), new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
  fs.writeFileSync(path.join(work, 'r.f32'), new Uint8Array(0));
  fs.writeFileSync(path.join(work, 'rp_same.i32'), new Uint8Array(0));
  fs.writeFileSync(path.join(work, 'ap.i32'), new Uint8Array(0));
  fs.writeFileSync(path.join(work, 'ar.i32'), new Uint8Array(0));
  fs.writeFileSync(path.join(work, 'ours.f64'), new Uint8Array(0));
  fs.writeFileSync(path.join(work, 'meta.json'), JSON.stringify({ dims, tau, nTools: 1 }));
  const ref = spawnSync('python3', [path.join(__dirname, 'graph_reference.py'), work], { encoding: 'utf8' });
  fs.rmSync(work, { recursive: true, force: true });
  if (ref.status !== 0) throw new Error(ref.stderr);
  const r = JSON.parse(ref.stdout) as { similarityMs: number; cpuMs: number; pairsPP: number };
  console.log(`numpy    ${r.similarityMs} ms wall (P-P pairs only; CPU incl. an empty edge step ${r.cpuMs} ms) -> ${r.pairsPP} pairs`);
  console.log(counts.every((c) => c === r.pairsPP) ? 'all routes found the same number of pairs' : `MISMATCH: ${counts.join(', ')} vs ${r.pairsPP}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
