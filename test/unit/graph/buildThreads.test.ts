/**
 * The build's worker path gives what one thread gives. The other graph tests use a few hundred
 * tools, below every size at which the build leaves the main thread; here the tool set is large
 * enough that the projection (> 4,096 rows), both pair searches (> 4 M pairs) and the edge
 * expansion (> 5,000 tools) all run on a shared pool of two threads, with P laid out once and kept
 * in each thread's kernel memory between the P-P and R-P searches. Text pairs, tool edges (with the
 * field pair each keeps) and the degree cap must equal the one-thread build's, and the pool must
 * have been used. Embeddings are synthetic clustered unit vectors (no model: only the arithmetic
 * after embedding is under test).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFieldIndex, capDegree, collectToolEdges, findTextPairs } from '../../../src/engine/graph';
import { WorkerPool } from '../../../src/engine/graph/parallel/workerJobs';
import type { Tool } from '../../../src/engine/model/tool';
import { aTool } from '../../support/graphData';

const TOOLS = 5_400;
const PARAM_TEXTS = 6_000;
const RETURN_TEXTS = 1_500;
const DIMS = 64;

/** mulberry32: a seeded generator, so the test is the same every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function syntheticTools(): Tool[] {
  const rnd = random(7);
  const tools: Tool[] = [];
  for (let t = 0; t < TOOLS; t++) {
    const b = aTool(`tool_${t}`);
    for (let k = 0; k < 2; k++) {
      const p = Math.floor(rnd() * PARAM_TEXTS);
      b.param(`field_${p}`, `parameter number ${p}`);
    }
    const r = Math.floor(rnd() * RETURN_TEXTS);
    b.returning({ [`result_${r}`]: `result number ${r}` });
    tools.push(b.build());
  }
  return tools;
}

/** Unit vectors in 400 tight clusters: many pairs above τ within a cluster, none across. */
function clusteredVectors(texts: number): Float32Array {
  const rnd = random(11);
  const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
  const centres = Array.from({ length: 400 }, () => Float64Array.from({ length: DIMS }, gauss));
  const out = new Float32Array(texts * DIMS);
  for (let i = 0; i < texts; i++) {
    const c = centres[Math.floor(rnd() * centres.length)]!;
    let norm = 0;
    const v = Array.from({ length: DIMS }, (_, d) => c[d]! / 8 + gauss() * 0.045);
    for (const x of v) norm += x * x;
    v.forEach((x, d) => (out[i * DIMS + d] = x / Math.sqrt(norm)));
  }
  return out;
}

test('a build large enough for worker threads gives the one-thread build\'s pairs, edges and cap', { timeout: 240_000 }, async () => {
  const index = buildFieldIndex(syntheticTools(), { genericShare: 0 });
  assert.ok(index.paramTexts.length > 4_300, `parameter texts: ${index.paramTexts.length}`);
  assert.ok(index.returnTexts.length > 1_000, `return texts: ${index.returnTexts.length}`);
  const vectors = clusteredVectors(index.texts.length);
  const tau = 0.9;

  const one = await findTextPairs(index, vectors, DIMS, tau, { threads: 1 });
  const oneTable = await collectToolEdges(index, one.pp, one.rp, { threads: 1 });

  const pool = new WorkerPool(2);
  let two: typeof one;
  let twoTable: typeof oneTable;
  try {
    two = await findTextPairs(index, vectors, DIMS, tau, { pool });
    twoTable = await collectToolEdges(index, two.pp, two.rp, { pool });
    assert.equal(pool.started, 2, 'the searches and the edge expansion ran on the pool');
  } finally {
    await pool.close();
  }

  assert.ok(one.pp.sims.length > 5_000 && one.rp.sims.length > 1_000, `pairs above τ: ${one.pp.sims.length} P-P, ${one.rp.sims.length} R-P`);
  for (const kind of ['pp', 'rp'] as const) {
    assert.deepEqual(two[kind].pairs, one[kind].pairs, `${kind} pairs`);
    assert.deepEqual(two[kind].sims, one[kind].sims, `${kind} similarities`);
  }
  assert.ok(oneTable.count > 20_000, `tool edges: ${oneTable.count}`);
  assert.equal(twoTable.count, oneTable.count);
  for (const col of ['a', 'b', 'sim', 'kind', 'textA', 'textB'] as const) assert.deepEqual(twoTable[col], oneTable[col], `edge column ${col}`);
  assert.deepEqual(capDegree(twoTable, index.tools.length, 5), capDegree(oneTable, index.tools.length, 5), 'the degree cap keeps the same edges');
});
