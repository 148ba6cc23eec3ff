/**
 * How the runner gets the tools of dialogue i. The graph random walk (paper Algorithm 1) and uniform
 * sampling live in `src/engine/sampling`; the runner only needs this interface, whose result must
 * depend on nothing but (seed, index) so that resumed and concurrent runs match.
 */
import type { Tool } from '../model/tool';
import { createRng, intBetween } from './random';

export interface ToolSampler {
  readonly strategy: 'walk' | 'random';
  /** Tools offered in one dialogue; `size` is drawn per dialogue by the runner. */
  sample(args: { index: number; seed: number; size: number }): Tool[] | Promise<Tool[]>;
}

/** Uniform sampling without replacement (the `--no-graph` ablation) with the pipeline's own RNG. */
export function uniformSampler(tools: readonly Tool[]): ToolSampler {
  return {
    strategy: 'random',
    sample({ seed, size }) {
      const rng = createRng(seed);
      const pool = [...tools];
      const n = Math.min(size, pool.length);
      for (let i = 0; i < n; i++) {
        const j = intBetween(rng, i, pool.length - 1);
        [pool[i], pool[j]] = [pool[j]!, pool[i]!];
      }
      return pool.slice(0, n);
    },
  };
}
