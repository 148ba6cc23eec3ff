/**
 * The similarity leakage rule of the paper's Section 7: a training tool leaks when the cosine
 * similarity of its embedding to any evaluation tool's embedding exceeds 0.9 (strictly greater).
 * The paper embedded with all-MiniLM-L12-v2; we use the project's embedder (any model), and the
 * threshold is an option because averaged word vectors sit higher on the cosine scale.
 */
import { cosineAt } from '../metrics/semanticSimilarity';

export const EMBEDDING_LEAK_THRESHOLD = 0.9;

export interface EmbeddingLeak {
  name: string;
  /** The most similar evaluation tool and its cosine. */
  closest: { name: string; cosine: number } | undefined;
  leaks: boolean;
}

/**
 * `train` and `evalSet` are row-major unit vectors (rows x dims), as `Embedder.embed` returns.
 */
export function embeddingLeaks(
  trainNames: readonly string[],
  train: Float32Array,
  evalNames: readonly string[],
  evalSet: Float32Array,
  dims: number,
  threshold = EMBEDDING_LEAK_THRESHOLD,
): EmbeddingLeak[] {
  const both = new Float32Array(train.length + evalSet.length);
  both.set(train, 0);
  both.set(evalSet, train.length);
  const offset = trainNames.length;
  return trainNames.map((name, i) => {
    let best = -Infinity;
    let bestJ = -1;
    for (let j = 0; j < evalNames.length; j++) {
      const c = cosineAt(both, i, offset + j, dims);
      if (c > best) {
        best = c;
        bestJ = j;
      }
    }
    const closest = bestJ >= 0 ? { name: evalNames[bestJ]!, cosine: best } : undefined;
    return { name, closest, leaks: closest !== undefined && closest.cosine > threshold };
  });
}
