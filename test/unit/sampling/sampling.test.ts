/**
 * Algorithm 1 sampling: n distinct tools forming a connected subgraph, reproducible by seed,
 * terminating on dead ends, isolated tools, small components and long chains; uniform sampling
 * for the "without graph" ablation.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Graph from 'graphology';
import { createRandom, sampleTools, SamplingError, walkFromTool } from '../../../src/engine/sampling';

/** An undirected graph from `a-b` edge strings (plus isolated nodes). */
function graphOf(edges: string[], isolated: string[] = []): Graph {
  const g = new Graph({ type: 'undirected' });
  for (const e of edges) {
    const [a, b] = e.split('-') as [string, string];
    g.mergeEdge(a, b);
  }
  for (const n of isolated) g.mergeNode(n);
  return g;
}

function isConnected(g: Graph, nodes: string[]): boolean {
  const set = new Set(nodes);
  const seen = new Set([nodes[0]!]);
  const stack = [nodes[0]!];
  while (stack.length) {
    for (const n of g.neighbors(stack.pop()!)) if (set.has(n) && !seen.has(n)) {
      seen.add(n);
      stack.push(n);
    }
  }
  return seen.size === set.size;
}

/** A random graph of 200 tools: a few dense clusters, bridges, a small component, isolated tools. */
function mixedGraph(): Graph {
  const rng = createRandom(42);
  const g = new Graph({ type: 'undirected' });
  for (let i = 0; i < 200; i++) g.addNode(`t${i}`);
  for (let c = 0; c < 4; c++) for (let k = 0; k < 120; k++) {
    const a = c * 40 + rng.int(40);
    const b = c * 40 + rng.int(40);
    if (a !== b) g.mergeEdge(`t${a}`, `t${b}`);
  }
  for (let c = 0; c < 3; c++) g.mergeEdge(`t${c * 40}`, `t${(c + 1) * 40}`);
  g.mergeEdge('t160', 't161'); // a component of two tools
  return g; // t162..t199 stay isolated
}

describe('random-walk sampling (Algorithm 1)', () => {
  const graph = mixedGraph();

  test('returns n distinct tools forming a connected subgraph', () => {
    for (const size of [2, 3, 5, 8]) {
      const { samples, short } = sampleTools(graph, { size, count: 60, seed: size });
      assert.equal(short, 0);
      for (const s of samples) {
        assert.equal(s.length, size);
        assert.equal(new Set(s).size, size, 'distinct tools');
        assert.ok(isConnected(graph, s), `not connected: ${s.join(',')}`);
      }
    }
  });

  test('is reproducible by seed and differs across seeds', () => {
    const a = sampleTools(graph, { size: 4, count: 30, seed: 7 }).samples;
    const b = sampleTools(graph, { size: 4, count: 30, seed: 7 }).samples;
    const c = sampleTools(graph, { size: 4, count: 30, seed: 8 }).samples;
    const d = sampleTools(graph, { size: 4, count: 30, seed: 'seven' }).samples;
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.notDeepEqual(a, d);
  });

  test('never starts in a component smaller than n (isolated tools, the 2-tool component) by default', () => {
    const { samples } = sampleTools(graph, { size: 3, count: 300, seed: 1 });
    const small = new Set(['t160', 't161', ...Array.from({ length: 38 }, (_, i) => `t${162 + i}`)]);
    for (const s of samples) assert.ok(s.every((t) => !small.has(t)));
    // ...but does start anywhere in components of size >= n: every cluster appears.
    for (const c of [0, 1, 2, 3]) assert.ok(samples.some((s) => s.some((t) => Number(t.slice(1)) >= c * 40 && Number(t.slice(1)) < c * 40 + 40)));
  });

  test("with onShort 'partial' it terminates on isolated tools and small components, returning what is reachable", () => {
    const { samples, short } = sampleTools(graph, { size: 5, count: 400, seed: 3, onShort: 'partial' });
    assert.ok(short > 0);
    for (const s of samples) {
      assert.ok(s.length >= 1 && s.length <= 5);
      assert.ok(isConnected(graph, s));
      if (s.length < 5) assert.ok(s.length === 1 || (s.length === 2 && s.includes('t160') && s.includes('t161')), s.join(','));
    }
  });

  test('fails clearly when no component is large enough', () => {
    const tiny = graphOf(['a-b', 'c-d'], ['e']);
    assert.throws(() => sampleTools(tiny, { size: 3, count: 1, seed: 1 }), (e: unknown) => e instanceof SamplingError && /largest component has 2 tools/.test(e.message));
  });

  test('terminates on a long chain even with a tiny step budget, still connected', () => {
    const chain = graphOf(Array.from({ length: 300 }, (_, i) => `n${i}-n${i + 1}`));
    const { samples, stepCapped } = sampleTools(chain, { size: 50, count: 5, seed: 9, maxSteps: 20 });
    assert.equal(stepCapped, 5);
    for (const s of samples) {
      assert.equal(new Set(s).size, 50);
      assert.ok(isConnected(chain, s));
    }
  });

  test('frontier expansion after the step budget picks a random unvisited neighbour, in the sampler and in walkFromTool alike', () => {
    // A star: with no walk moves allowed, every tool after the first comes from the frontier.
    const star = graphOf(Array.from({ length: 12 }, (_, i) => `hub-leaf${i}`));
    const walked = new Set<string>();
    const sampled = new Set<string>();
    for (let seed = 0; seed < 24; seed++) {
      const w = walkFromTool(star, 'hub', 3, seed, { maxSteps: 0 });
      assert.deepEqual(w.steps.map((s) => [s.from, s.via]), [['hub', 'frontier'], ['hub', 'frontier']]);
      assert.equal(new Set(w.tools).size, 3);
      walked.add(w.tools[1]!);
      const s = sampleTools(star, { size: 4, count: 1, seed, maxSteps: 0 });
      assert.equal(s.stepCapped, 1);
      assert.ok(isConnected(star, s.samples[0]!));
      sampled.add(s.samples[0]!.filter((t) => t !== 'hub').join(','));
    }
    assert.ok(walked.size >= 6, `the frontier pick varies by seed: ${[...walked].join(', ')}`);
    assert.ok(sampled.size >= 6, `the sampled leaves vary by seed: ${[...sampled].join(' | ')}`);
  });

  test('size 1 picks single tools, including isolated ones', () => {
    const { samples } = sampleTools(graphOf(['a-b'], ['c']), { size: 1, count: 50, seed: 2 });
    assert.deepEqual([...new Set(samples.flat())].sort(), ['a', 'b', 'c']);
  });
});

describe('uniform sampling (without graph)', () => {
  test('returns n distinct tools, ignores edges, covers the tool set uniformly', () => {
    const g = graphOf(['a-b'], ['c', 'd', 'e', 'f']);
    const { samples } = sampleTools(g, { size: 3, count: 3000, seed: 5, strategy: 'random' });
    const counts = new Map<string, number>();
    for (const s of samples) {
      assert.equal(new Set(s).size, 3);
      for (const t of s) counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    // Each of 6 tools is in a sample with probability 1/2: 1500 expected; allow 5 sigma.
    for (const [, n] of counts) assert.ok(Math.abs(n - 1500) < 5 * Math.sqrt(3000 * 0.25), `${n}`);
    assert.deepEqual(sampleTools(g, { size: 3, count: 10, seed: 5, strategy: 'random' }).samples, samples.slice(0, 10));
  });

  test('rejects a size larger than the tool set', () => {
    assert.throws(() => sampleTools(graphOf(['a-b']), { size: 3, count: 1, seed: 1, strategy: 'random' }), SamplingError);
  });
});
