/**
 * Tool subset sampling (paper 3.1, Algorithm 1) and the uniform "without graph" ablation.
 *
 * Algorithm 1 as printed: start at a uniformly random tool, repeatedly move to a uniformly random
 * neighbour of the current tool and add it when unvisited, until n tools are collected. It never
 * ends when the start's connected component has fewer than n tools (an isolated tool is the
 * extreme case). Defined behaviour here:
 * - `onShort: 'restart'` (default): the start is drawn uniformly among tools whose component has
 *   at least n tools, i.e. Algorithm 1 conditioned on being able to finish. When no component is
 *   that large, sampling fails with a `SamplingError` naming the largest component size.
 * - `onShort: 'partial'`: the start is any tool; when its component is smaller than n the sample is
 *   the whole component (fewer than n tools, reported in `short`).
 * - A walk that has not finished after `maxSteps` moves (possible on long chains, never infinite in
 *   expectation but slow) continues deterministically from the visited set: it adds a uniformly
 *   random unvisited neighbour of any visited tool, which keeps the subset connected.
 * Every sample is a set of distinct tools that induces a connected subgraph.
 */
import { forEachConnectedComponent } from 'graphology-components';
import type Graph from 'graphology';
import { createRandom, type Random } from './seededRandom';

export type SamplingStrategy = 'walk' | 'random';

export interface SampleOptions {
  /** Tools per sample (n). */
  size: number;
  /** Number of samples. */
  count: number;
  seed: number | string;
  strategy?: SamplingStrategy;
  onShort?: 'restart' | 'partial';
  /** Walk moves before falling back to frontier expansion; default 100 * size * size + 1000. */
  maxSteps?: number;
}

export interface SampleResult {
  samples: string[][];
  /** Samples with fewer than `size` tools (only with `onShort: 'partial'`). */
  short: number;
  /** Walks that hit `maxSteps` and finished by frontier expansion. */
  stepCapped: number;
}

export class SamplingError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'SamplingError';
  }
}

export interface ToolSampler {
  next(): { tools: string[]; short: boolean; stepCapped: boolean };
}

/** What a walk needs of a graph: graphology's `Graph`, or the graph file's columns (`ToolGraphData`). */
export interface WalkableGraph {
  readonly order: number;
  hasNode(node: string): boolean;
  neighbors(node: string): string[];
}

function validate(graph: WalkableGraph, size: number): void {
  if (!Number.isInteger(size) || size < 1) throw new SamplingError(`sample size must be a whole number ≥ 1, got ${size}`);
  if (graph.order === 0) throw new SamplingError('the graph has no tools', 'build it from a non-empty tool set');
}

/** Uniform sampling of `size` distinct tools (the paper's "without graph" ablation). */
export function createRandomSampler(graph: Graph, size: number, rng: Random): ToolSampler {
  validate(graph, size);
  const nodes = graph.nodes();
  if (nodes.length < size) throw new SamplingError(`the graph has ${nodes.length} tools, fewer than the sample size ${size}`);
  return {
    next() {
      // Partial Fisher-Yates on a copy: O(size) swaps.
      const pool = nodes.slice();
      for (let i = 0; i < size; i++) {
        const j = i + rng.int(pool.length - i);
        [pool[i], pool[j]] = [pool[j]!, pool[i]!];
      }
      return { tools: pool.slice(0, size), short: false, stepCapped: false };
    },
  };
}

/** Walk moves before falling back to frontier expansion, when the caller gives none. */
function defaultMaxSteps(size: number): number {
  return 100 * size * size + 1000;
}

/** Algorithm 1 random walk with the behaviour documented above. */
export function createWalkSampler(graph: Graph, size: number, rng: Random, opts: { onShort?: 'restart' | 'partial'; maxSteps?: number } = {}): ToolSampler {
  validate(graph, size);
  const onShort = opts.onShort ?? 'restart';
  const maxSteps = opts.maxSteps ?? defaultMaxSteps(size);
  const nodes = graph.nodes();
  const neighbours = new Map<string, string[]>();
  for (const n of nodes) neighbours.set(n, graph.neighbors(n));
  let starts = nodes;
  if (onShort === 'restart') {
    const big: string[] = [];
    let largest = 0;
    forEachConnectedComponent(graph, (component) => {
      largest = Math.max(largest, component.length);
      if (component.length >= size) big.push(...component);
    });
    if (big.length === 0) {
      throw new SamplingError(
        `no connected group of ${size} tools: the largest component has ${largest} tool${largest === 1 ? '' : 's'}`,
        'use a smaller --size, a lower --threshold when building the graph, or --strategy random',
      );
    }
    const order = new Map(nodes.map((n, i) => [n, i] as const));
    starts = big.sort((a, b) => order.get(a)! - order.get(b)!); // graph order, independent of traversal
  }
  const neighboursOf = (n: string): readonly string[] => neighbours.get(n)!;
  return {
    next: () => walk(starts[rng.int(starts.length)]!, size, maxSteps, rng, neighboursOf),
  };
}

/**
 * The walk itself, shared by `createWalkSampler` and `walkFromTool`: Algorithm 1's moves from
 * `start` until `size` tools are collected, the move budget is spent or the tool is isolated, then
 * frontier expansion (a uniformly random unvisited neighbour of any visited tool) until `size` or
 * the component is exhausted. `onStep` sees every move.
 */
function walk(
  start: string,
  size: number,
  maxSteps: number,
  rng: Random,
  neighboursOf: (tool: string) => readonly string[],
  onStep?: (step: WalkStep) => void,
): { tools: string[]; short: boolean; stepCapped: boolean } {
  let current = start;
  const visited = new Set<string>([current]);
  const tools = [current];
  let steps = 0;
  let stepCapped = false;
  while (tools.length < size) {
    const around = neighboursOf(current);
    if (around.length === 0) break; // isolated tool (only reachable with onShort 'partial' or a given start)
    if (steps >= maxSteps) {
      stepCapped = true;
      break;
    }
    const next = around[rng.int(around.length)]!;
    steps++;
    const added = !visited.has(next);
    onStep?.({ from: current, to: next, added, via: 'walk' });
    current = next;
    if (added) {
      visited.add(next);
      tools.push(next);
    }
  }
  // Frontier expansion: still connected, still random, always terminates.
  while (tools.length < size) {
    const frontier: Array<[string, string]> = [];
    const seen = new Set<string>();
    for (const t of tools) for (const n of neighboursOf(t)) if (!visited.has(n) && !seen.has(n)) {
      seen.add(n);
      frontier.push([t, n]);
    }
    if (frontier.length === 0) break; // the component is exhausted
    const [from, to] = frontier[rng.int(frontier.length)]!;
    visited.add(to);
    tools.push(to);
    onStep?.({ from, to, added: true, via: 'frontier' });
  }
  return { tools, short: tools.length < size, stepCapped };
}

export function sampleTools(graph: Graph, opts: SampleOptions): SampleResult {
  if (!Number.isInteger(opts.count) || opts.count < 0) throw new SamplingError(`sample count must be a whole number ≥ 0, got ${opts.count}`);
  const rng = createRandom(opts.seed);
  const sampler =
    (opts.strategy ?? 'walk') === 'random'
      ? createRandomSampler(graph, opts.size, rng)
      : createWalkSampler(graph, opts.size, rng, { ...(opts.onShort ? { onShort: opts.onShort } : {}), ...(opts.maxSteps !== undefined ? { maxSteps: opts.maxSteps } : {}) });
  const samples: string[][] = [];
  let short = 0;
  let stepCapped = 0;
  for (let i = 0; i < opts.count; i++) {
    const s = sampler.next();
    samples.push(s.tools);
    if (s.short) short++;
    if (s.stepCapped) stepCapped++;
  }
  return { samples, short, stepCapped };
}

/** One move of a walk: from the current tool to a neighbour; `added` when it was not yet visited. */
export interface WalkStep {
  from: string;
  to: string;
  added: boolean;
  /** `walk`: Algorithm 1's move; `frontier`: the fallback after `maxSteps` (a neighbour of any visited tool). */
  via: 'walk' | 'frontier';
}

/**
 * Algorithm 1 from a given tool, with every move recorded (the graph view draws the walk step by
 * step). Same moves as `createWalkSampler` once the start is drawn; ends with fewer than `size`
 * tools when the start's component is smaller.
 */
export function walkFromTool(graph: WalkableGraph, start: string, size: number, seed: number | string, opts: { maxSteps?: number } = {}): { tools: string[]; steps: WalkStep[]; short: boolean } {
  validate(graph, size);
  if (!graph.hasNode(start)) throw new SamplingError(`no tool "${start}" in the graph`);
  const steps: WalkStep[] = [];
  const { tools, short } = walk(start, size, opts.maxSteps ?? defaultMaxSteps(size), createRandom(seed), (n) => graph.neighbors(n), (step) => steps.push(step));
  return { tools, steps, short };
}
