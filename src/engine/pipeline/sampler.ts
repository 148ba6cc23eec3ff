/**
 * How the runner gets the tools of dialogue i. The graph random walk (paper Algorithm 1) and uniform
 * sampling live in `src/engine/sampling`; the runner only needs this interface, whose result must
 * depend on nothing but (seed, index) so that resumed and concurrent runs match.
 */
import type Graph from 'graphology';
import type { Tool } from '../model/tool';
import { sampleTools, SamplingError } from '../sampling';
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

/**
 * Random-walk sampling over the tool graph (paper Algorithm 1, `src/engine/sampling`). The walk
 * starts where it can collect `size` tools; when no component is that large it takes the whole
 * component it starts in (fewer tools) rather than failing the dialogue.
 */
export function graphWalkSampler(graph: Graph, tools: readonly Tool[]): ToolSampler {
  const byName = new Map(tools.map((t) => [t.name, t]));
  const missing = graph.nodes().filter((n) => !byName.has(n));
  if (missing.length > 0) {
    throw new RangeError(`the graph has ${missing.length} tool(s) that are not in the tool set (e.g. "${missing[0]}"): build the graph from the same tools`);
  }
  return {
    strategy: 'walk',
    sample({ seed, size }) {
      let names: string[];
      try {
        names = sampleTools(graph, { size, count: 1, seed, strategy: 'walk' }).samples[0] ?? [];
      } catch (e) {
        if (!(e instanceof SamplingError)) throw e;
        names = sampleTools(graph, { size, count: 1, seed, strategy: 'walk', onShort: 'partial' }).samples[0] ?? [];
      }
      return names.map((n) => byName.get(n)!);
    },
  };
}
