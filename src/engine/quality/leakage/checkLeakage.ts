/**
 * Leakage of a run's tools into an evaluation tool set (paper Section 7), by both rules. Both sides
 * go through the same importer (BFCL's own dialect — `"type": "dict"`, dotted names — included), so
 * formatting differences do not hide or fake overlap. The n-gram rule reads the JSON string of the
 * OpenAI function definition (`{name, description, parameters}`, keys sorted), as the paper does; the
 * similarity rule embeds `toolText`.
 */
import type { QualityLeakage } from '../../../shared/qualityReport';
import type { Embedder } from '../../embedding/embedder';
import { EmbeddingCache } from '../../embedding/embeddingCache';
import type { Tool } from '../../model/tool';
import { tokenIds } from '../stats/tokenCount';
import { EMBEDDING_LEAK_THRESHOLD, embeddingLeaks } from './embeddingLeakage';
import { EvalNgramIndex, NGRAM_LEAK_SHARE, ngramLeak } from './ngramLeakage';

/** A tool leaking by either rule, with its closest evaluation tool. */
export type LeakingTool = QualityLeakage['leaking'][number];

/** The report's leakage section (src/shared/qualityReport.ts); `embedding` is absent when no embedder was given. */
export type LeakageReport = QualityLeakage;

/** JSON with object keys sorted at every level, so key order (which importers change) does not count. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** The text the n-gram rule reads: the tool's OpenAI function definition as canonical compact JSON. */
export function toolJson(t: Pick<Tool, 'name' | 'description' | 'parameters'>): string {
  return canonicalJson({ name: t.name, description: t.description, parameters: t.parameters });
}

/**
 * The text the similarity rule embeds: name, description and each parameter's name and
 * description. Not the JSON string: its structural words ("type", "string", "properties") are the
 * same in every tool and would make all tools look alike to averaged word vectors.
 */
export function toolText(t: Pick<Tool, 'name' | 'description' | 'parameters'>): string {
  const params = Object.entries(t.parameters?.properties ?? {}).map(([k, p]) => {
    const d = p && typeof p === 'object' && typeof (p as { description?: unknown }).description === 'string' ? (p as { description: string }).description : '';
    return d ? `${k}: ${d}` : k;
  });
  return `${t.name}: ${t.description ?? ''}${params.length ? `\nparameters: ${params.join('; ')}` : ''}`;
}

/** Embeds through the persistent embedding cache (distinct texts only), in the order of `texts`. */
async function embedCached(embedder: Embedder, cacheDir: string, texts: string[], sig: { signal?: AbortSignal }): Promise<Float32Array> {
  const distinct = [...new Set(texts)];
  const { vectors, dimensions } = await new EmbeddingCache(cacheDir, embedder.fingerprint).embedAll(() => Promise.resolve(embedder), distinct, sig);
  const row = new Map(distinct.map((t, i) => [t, i]));
  const out = new Float32Array(texts.length * dimensions);
  texts.forEach((t, i) => out.set(vectors.subarray(row.get(t)! * dimensions, (row.get(t)! + 1) * dimensions), i * dimensions));
  return out;
}

export async function checkLeakage(
  tools: readonly Tool[],
  evalTools: readonly Tool[],
  opts: {
    evalSource: string;
    embedder?: Embedder;
    embeddingThreshold?: number;
    /** With a cache folder, the evaluation set's vectors are kept (the project's embedding cache): the next report embeds only the run's tools. */
    cacheDir?: string;
    signal?: AbortSignal;
  },
): Promise<LeakageReport> {
  const trainTexts = tools.map(toolJson);
  const evalTexts = evalTools.map(toolJson);
  const index = new EvalNgramIndex(evalTools.map((t, i) => ({ name: t.name, tokens: tokenIds(evalTexts[i]!) })));
  const ngram = tools.map((t, i) => ngramLeak({ name: t.name, tokens: tokenIds(trainTexts[i]!) }, index));
  const byName = new Map<string, LeakingTool>();
  for (const l of ngram) {
    if (l.leaks) byName.set(l.name, { name: l.name, ngram: { share: l.share, ...(l.closest ? { closest: l.closest.name } : {}) } });
  }
  let embedding: LeakageReport['embedding'];
  if (opts.embedder && tools.length > 0 && evalTools.length > 0) {
    const threshold = opts.embeddingThreshold ?? EMBEDDING_LEAK_THRESHOLD;
    const sig = opts.signal ? { signal: opts.signal } : {};
    const train = await opts.embedder.embed(tools.map(toolText), sig);
    const ev = opts.cacheDir ? await embedCached(opts.embedder, opts.cacheDir, evalTools.map(toolText), sig) : await opts.embedder.embed(evalTools.map(toolText), sig);
    const leaks = embeddingLeaks(tools.map((t) => t.name), train, evalTools.map((t) => t.name), ev, opts.embedder.dimensions, threshold);
    let leaking = 0;
    for (const l of leaks) {
      if (!l.leaks || !l.closest) continue;
      leaking++;
      const entry = byName.get(l.name) ?? { name: l.name };
      entry.embedding = { cosine: l.closest.cosine, closest: l.closest.name };
      byName.set(l.name, entry);
    }
    embedding = { leaking, share: leaking / tools.length, threshold, model: opts.embedder.model.spec };
  }
  const ngramLeaking = ngram.filter((l) => l.leaks).length;
  return {
    evalSource: opts.evalSource,
    evalTools: evalTools.length,
    tools: tools.length,
    ngram: { leaking: ngramLeaking, share: tools.length ? ngramLeaking / tools.length : 0, threshold: NGRAM_LEAK_SHARE },
    ...(embedding ? { embedding } : {}),
    leaking: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)),
  };
}
