/**
 * SS of the paper (Table 2, A.1): the cosine similarity between the premise (previous round's
 * request and response) and the hypothesis (current round's request) of every consecutive-round
 * pair, with the project's sentence embedder. Per dialogue: the mean over its pairs; per run: the
 * mean over all pairs of all dialogues (pooled, so long dialogues weigh by their pair count).
 */
import type { Embedder } from '../../embedding/embedder';
import type { RoundPair } from '../text/dialogueText';

/** Cosine of two rows of unit vectors (the embedder normalises; a zero row gives 0). */
export function cosineAt(v: Float32Array, i: number, j: number, dims: number): number {
  let dot = 0;
  const a = i * dims;
  const b = j * dims;
  for (let d = 0; d < dims; d++) dot += v[a + d]! * v[b + d]!;
  return dot;
}

/** Cosine of two arbitrary vectors (normalises; 0 when either is zero). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

export interface PairSimilarities {
  /** Cosine per pair, per dialogue (same order as the input). */
  perDialogue: number[][];
}

/**
 * Embeds every premise and hypothesis (in batches, through `embedder.embed`) and returns the
 * cosine of each pair. Identical texts are embedded once.
 */
export async function pairSimilarities(
  embedder: Embedder,
  dialogues: readonly (readonly RoundPair[])[],
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<PairSimilarities> {
  const index = new Map<string, number>();
  const texts: string[] = [];
  const idOf = (t: string) => {
    let i = index.get(t);
    if (i === undefined) {
      i = texts.length;
      index.set(t, i);
      texts.push(t);
    }
    return i;
  };
  const refs = dialogues.map((pairs) => pairs.map((p) => [idOf(p.premise), idOf(p.hypothesis)] as const));
  // Texts of similar length share a batch, so little time goes into padding (measured: 1.9x faster
  // on simulator dialogues, whose premises hold long assistant summaries next to short requests).
  const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length);
  const sorted = await embedder.embed(
    order.map((i) => texts[i]!),
    {
      ...(opts.signal ? { signal: opts.signal } : {}),
      onProgress: (e) => {
        if (e.type === 'embed') opts.onProgress?.(e.done, e.total);
      },
    },
  );
  const dims = embedder.dimensions;
  const rowOf = new Int32Array(texts.length);
  order.forEach((textIndex, row) => (rowOf[textIndex] = row));
  return { perDialogue: refs.map((pairs) => pairs.map(([a, b]) => cosineAt(sorted, rowOf[a]!, rowOf[b]!, dims))) };
}

export function meanOf(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}
