/**
 * Calibration of the edge threshold tau for a model: cosine scales differ between models
 * (averaged word vectors sit far higher than Sentence-BERT), so 0.82 is only right for the
 * paper's Sentence-BERT. This measures, on a uniform sample of tools, the distribution of each
 * tool pair's best field similarity and proposes the tau that gives a target mean degree
 * (extrapolated to the whole set: a tool's expected degree scales with the number of other tools).
 */
import type { Tool, ToolSet } from '../model/tool';
import { createEmbedder, type Embedder } from '../embedding/embedder';
import { EmbeddingCache } from '../embedding/embeddingCache';
import { DEFAULT_MODEL, modelDefaults, modelFingerprint, resolveModel } from '../embedding/modelRegistry';
import { createRandom } from '../sampling/seededRandom';
import { defaultCacheDir, findTextPairs } from './buildToolGraph';
import { buildFieldIndex } from './fieldIndex';
import { detectGenericFields, type GenericFieldOptions } from './genericFields';
import { collectToolEdges } from './toolEdges';

export interface CalibrationOptions extends GenericFieldOptions {
  model?: string;
  offline?: boolean;
  cacheDir?: string;
  cwd?: string;
  /** Wanted mean degree of the full graph (default 10). */
  targetMeanDegree?: number;
  /** Tools in the calibration sample (default 1500). */
  sampleSize?: number;
  seed?: number | string;
  ignoreParams?: readonly string[];
  /** Lowest similarity considered (default 0.3). */
  floor?: number;
  signal?: AbortSignal;
  embedder?: Embedder;
}

export interface CalibrationResult {
  model: string;
  tools: number;
  sampledTools: number;
  /** The model's built-in default. */
  defaultThreshold: number;
  proposedThreshold: number;
  targetMeanDegree: number;
  /** Estimated full-graph mean degree at the proposed threshold (no degree cap). */
  estimatedMeanDegree: number;
  /**
   * False when even τ 0.995 leaves a mean degree above the target: identical fields shared by many
   * tools (similarity 1) link them whatever τ; cap hubs (`maxDegree`) or leave such fields out.
   */
  reachable: boolean;
  /** Estimated full-graph mean degree at a range of thresholds. */
  table: Array<{ threshold: number; meanDegree: number; isolatedShare: number }>;
  /** Distribution of tool-pair best similarity in the sample: [bucket start, pairs]. */
  histogram: Array<[number, number]>;
  /** Quantiles of tool-pair best similarity (pairs with any field pair above `floor`). */
  quantiles: Record<'p50' | 'p90' | 'p99' | 'p999', number>;
}

export async function calibrateThreshold(input: ToolSet | readonly Tool[], opts: CalibrationOptions = {}): Promise<CalibrationResult> {
  const all = Array.isArray(input) ? (input as readonly Tool[]) : (input as ToolSet).tools;
  const model = opts.embedder?.model.spec ?? opts.model ?? DEFAULT_MODEL;
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  const target = opts.targetMeanDegree ?? 10;
  const floor = opts.floor ?? 0.3;
  const rng = createRandom(opts.seed ?? 1);
  const m = Math.min(all.length, opts.sampleSize ?? 1500);
  const order = all.map((_, i) => i);
  for (let i = 0; i < m; i++) {
    const j = i + rng.int(order.length - i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const sample = order.slice(0, m).sort((a, b) => a - b).map((i) => all[i]!);
  // Generic fields are found on the whole set, as `buildToolGraph` does, so the sample leaves out the same fields.
  const generic = detectGenericFields(all, opts);
  const index = buildFieldIndex(sample, { generic, ...(opts.ignoreParams ? { ignoreParams: opts.ignoreParams } : {}) });
  const resolved = opts.embedder?.model ?? resolveModel(model, { cacheDir, ...(opts.cwd ? { cwd: opts.cwd } : {}) });
  const cache = new EmbeddingCache(cacheDir, opts.embedder?.fingerprint ?? modelFingerprint(resolved));
  let created: Embedder | undefined;
  let embedded: Awaited<ReturnType<EmbeddingCache['embedAll']>>;
  try {
    embedded = await cache.embedAll(
      async () => opts.embedder ?? (created ??= await createEmbedder({ model, cacheDir, ...(opts.offline ? { offline: true } : {}), ...(opts.cwd ? { cwd: opts.cwd } : {}) })),
      index.texts,
      opts.signal ? { signal: opts.signal } : {},
    );
  } finally {
    await created?.dispose();
  }
  const { pp, rp } = await findTextPairs(index, embedded.vectors, embedded.dimensions, floor, opts.signal ? { signal: opts.signal } : {});
  const table = await collectToolEdges(index, pp, rp, opts.signal ? { signal: opts.signal } : {});
  const best = Float64Array.from(table.sim.subarray(0, table.count)).sort();
  const scale = m > 1 ? (all.length - 1) / (m - 1) : 1;
  const countAbove = (tau: number) => {
    // best is ascending: edges with similarity > tau
    let lo = 0;
    let hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (best[mid]! > tau) hi = mid;
      else lo = mid + 1;
    }
    return best.length - lo;
  };
  const meanDegree = (tau: number) => (m > 0 ? ((2 * countAbove(tau)) / m) * scale : 0);
  const isolatedShare = (tau: number) => {
    const deg = new Int32Array(m);
    for (let e = 0; e < table.count; e++) if (table.sim[e]! > tau) {
      deg[table.a[e]!]!++;
      deg[table.b[e]!]!++;
    }
    let isolated = 0;
    for (const d of deg) if (d === 0) isolated++;
    return m > 0 ? isolated / m : 0;
  };
  // Highest tau (on a 0.005 grid) whose estimated mean degree reaches the target.
  let proposed = floor;
  for (let tau = 0.995; tau >= floor; tau -= 0.005) {
    if (meanDegree(tau) >= target) {
      proposed = Math.round(tau * 1000) / 1000;
      break;
    }
  }
  const estimated = Math.round(meanDegree(proposed) * 100) / 100;
  const reachable = !(proposed >= 0.995 && estimated > target * 1.5);
  const rows: CalibrationResult['table'] = [];
  for (let tau = Math.ceil(floor * 20) / 20; tau < 1; tau += 0.05) {
    const t = Math.round(tau * 100) / 100;
    rows.push({ threshold: t, meanDegree: Math.round(meanDegree(t) * 100) / 100, isolatedShare: Math.round(isolatedShare(t) * 1000) / 1000 });
  }
  const histogram = new Map<number, number>();
  for (const s of best) {
    const bucket = Math.floor(s * 20) / 20;
    histogram.set(bucket, (histogram.get(bucket) ?? 0) + 1);
  }
  const q = (p: number) => (best.length ? Math.round(best[Math.min(best.length - 1, Math.floor(p * best.length))]! * 1000) / 1000 : 0);
  return {
    model,
    tools: all.length,
    sampledTools: m,
    defaultThreshold: modelDefaults(model).threshold,
    proposedThreshold: proposed,
    targetMeanDegree: target,
    estimatedMeanDegree: estimated,
    reachable,
    table: rows,
    histogram: [...histogram.entries()].sort((a, b) => a[0] - b[0]).map(([k, v]) => [Math.round(k * 100) / 100, v]),
    quantiles: { p50: q(0.5), p90: q(0.9), p99: q(0.99), p999: q(0.999) },
  };
}
