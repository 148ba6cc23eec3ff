/**
 * Defaults at ToolBench scale and the engine parts of the graph view: generic fields found from
 * the data (and overridable), the default degree cap, the file written straight from the edge table
 * (same bytes as graphology's), statistics from typed arrays, counts at a threshold, edge
 * explanations, Algorithm 1 from a given tool, and the cached layout.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Graph from 'graphology';
import fs from 'node:fs';
import path from 'node:path';
import { createEmbedder, type Embedder } from '../../../src/engine/embedding/embedder';
import { OFFLINE_MODEL } from '../../../src/engine/embedding/modelRegistry';
import { buildToolGraph, capDegree, computeGraphStats, ToolEdgeTable, DEFAULT_MAX_DEGREE, detectGenericFields, saveBuiltGraph, saveGraph, type ToolGraph } from '../../../src/engine/graph';
import { ToolGraphData } from '../../../src/engine/graph/graphData';
import { countsAtThreshold } from '../../../src/engine/graph/view/thresholdCounts';
import { explainTool } from '../../../src/engine/graph/view/explainTool';
import { computeLayout, layOutGraphFile, layoutFileFor, loadOrComputeLayout } from '../../../src/engine/graph/view/graphLayout';
import { importPaths } from '../../../src/engine/import';
import type { Tool } from '../../../src/engine/model/tool';
import { createRandom, createWalkSampler, walkFromTool, type Random } from '../../../src/engine/sampling';
import { aTool, sharedTools, tempDir } from '../../support/graphData';

/** 120 tools: all have `page`, 60 have `city` (a real field). */
function pagedTools(): Tool[] {
  return Array.from({ length: 120 }, (_, i) => {
    const b = aTool(`tool_${i}`).param('page', 'page number of the results');
    if (i < 60) b.param('city', 'the city to look in');
    return b.build();
  });
}

describe('generic fields from the data', () => {
  test('a field in more than the share of tools (and the floor) is generic; others are kept', () => {
    const g = detectGenericFields(pagedTools(), { genericShare: 0.01, genericMinTools: 50 });
    assert.deepEqual(g.fields.map((f) => [f.role, f.by, f.field, f.tools]), [['param', 'name', 'page', 120], ['param', 'name', 'city', 60]]);
    const strict = detectGenericFields(pagedTools(), { genericShare: 0.6, genericMinTools: 50 });
    assert.deepEqual(strict.fields.map((f) => f.field), ['page'], 'city is in 50% of the tools, below a 60% share');
    assert.deepEqual(detectGenericFields(pagedTools(), { genericShare: 0.01, keepFields: ['Page'] }).fields.map((f) => f.field), ['city'], 'keepFields overrides (any case)');
    assert.equal(detectGenericFields(pagedTools(), { genericShare: 0 }).fields.length, 0, 'share 0 turns detection off');
    assert.equal(detectGenericFields(pagedTools().slice(0, 40)).fields.length, 0, 'a small set keeps everything (floor of 50 tools)');
  });
});

test('bySimilarity (radix sort of float32 keys) equals the comparator order, ties by edge number, negative τ too', () => {
  const n = 200_000;
  let seed = 3;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = () => {
    const r = rnd();
    return r < 0.2 ? 1 : r < 0.3 ? 0.91 : r < 0.35 ? 0 : r < 0.4 ? -0 : r < 0.45 ? -0.25 : r < 0.7 ? 0.3 + rnd() * 0.7 : -rnd();
  };
  const sim = new Float32Array(n).map(pick);
  const zeros = () => new Int32Array(n);
  const table = ToolEdgeTable.fromChunks([{ a: zeros(), b: zeros(), sim, kind: new Uint8Array(n), textA: zeros(), textB: zeros() }]);
  const expected = Int32Array.from({ length: n }, (_, i) => i).sort((x, y) => sim[y]! - sim[x]! || x - y);
  assert.deepEqual(table.bySimilarity(), expected);
});

test('bySimilarity of similarities above a positive τ (one counting pass over a narrow range) equals the comparator order, ties by edge number', () => {
  const n = 300_000;
  let seed = 11;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  // As a built graph has them: all above τ (0.99 here, so that the range is narrow for this n), many exactly 1.
  const sim = new Float32Array(n).map(() => (rnd() < 0.3 ? 1 : rnd() < 0.3 ? 0.995 : 0.99 + rnd() * 0.01));
  sim[0] = 0.9900001;
  sim[n - 1] = 1;
  const zeros = () => new Int32Array(n);
  const table = ToolEdgeTable.fromChunks([{ a: zeros(), b: zeros(), sim, kind: new Uint8Array(n), textA: zeros(), textB: zeros() }]);
  const expected = Int32Array.from({ length: n }, (_, i) => i).sort((x, y) => sim[y]! - sim[x]! || x - y);
  assert.deepEqual(table.bySimilarity(), expected);
  // A single edge, and all-equal similarities (range of one pattern).
  const one = (v: number) => ToolEdgeTable.fromChunks([{ a: new Int32Array(3), b: new Int32Array(3), sim: new Float32Array(3).fill(v), kind: new Uint8Array(3), textA: new Int32Array(3), textB: new Int32Array(3) }]);
  assert.deepEqual(one(1).bySimilarity(), Int32Array.of(0, 1, 2));
  assert.deepEqual(one(0).bySimilarity(), Int32Array.of(0, 1, 2));
});

test('an edge table made of chunks reads the same as its concatenation; select picks edges across chunks', () => {
  let seed = 9;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const chunk = (n: number, base: number) => ({
    a: Int32Array.from({ length: n }, (_, i) => base + i),
    b: Int32Array.from({ length: n }, () => Math.floor(rnd() * 1000)),
    sim: Float32Array.from({ length: n }, () => rnd()),
    kind: Uint8Array.from({ length: n }, (_, i) => i % 3),
    textA: Int32Array.from({ length: n }, (_, i) => 7 * i),
    textB: Int32Array.from({ length: n }, (_, i) => 11 * i + base),
  });
  const chunks = [chunk(5, 0), chunk(0, 5), chunk(300, 5), chunk(1, 305), chunk(120, 306)];
  const table = ToolEdgeTable.fromChunks(chunks);
  assert.equal(table.count, 426);
  const columns = ['a', 'b', 'sim', 'kind', 'textA', 'textB'] as const;
  for (const k of columns) {
    const whole = chunks.flatMap((c) => Array.from(c[k]));
    assert.deepEqual(Array.from(table[k]), whole, k);
  }
  const picked = Int32Array.of(0, 4, 5, 6, 304, 305, 306, 425);
  const fromChunks = ToolEdgeTable.fromChunks(chunks).select(picked); // before any column was concatenated
  assert.equal(fromChunks.count, picked.length);
  for (const k of columns) assert.deepEqual(Array.from(fromChunks[k]), Array.from(picked, (e) => table[k][e]!), k);
  // Order and degree cap read the chunks without concatenating: same answers as one concatenated chunk.
  const single = ToolEdgeTable.fromChunks([Object.fromEntries(columns.map((k) => [k, table[k]])) as unknown as Parameters<typeof ToolEdgeTable.fromChunks>[0][0]]);
  assert.deepEqual(ToolEdgeTable.fromChunks(chunks).bySimilarity(), single.bySimilarity());
  assert.deepEqual(capDegree(ToolEdgeTable.fromChunks(chunks), 1000, 2), capDegree(single, 1000, 2));
  const big = Array.from({ length: 7 }, (_, i) => chunk(3000 + 17 * i, i * 5000)); // > 4,096 edges: the chunk lookup table has several blocks
  for (const c of big) c.sim = c.sim.map((v) => (v < 0.3 ? 1 : 0.999 + v / 1000)); // a narrow range: the one-pass order
  const bigTable = ToolEdgeTable.fromChunks(big);
  const bigSingle = ToolEdgeTable.fromChunks([Object.fromEntries(columns.map((k) => [k, bigTable[k]])) as unknown as Parameters<typeof ToolEdgeTable.fromChunks>[0][0]]);
  assert.deepEqual(ToolEdgeTable.fromChunks(big).bySimilarity(), bigSingle.bySimilarity());
  const cap = capDegree(ToolEdgeTable.fromChunks(big), 40_000, 3);
  assert.deepEqual(cap, capDegree(bigSingle, 40_000, 3));
  assert.ok(cap.length > 300 && cap.length < bigTable.count, String(cap.length));
  assert.throws(() => table.select(Int32Array.of(3, 2)), /ascending/);
  assert.throws(() => table.select(Int32Array.of(426)), /no edge 426/);
});

test('capDegree keeps exactly what the greedy walk over the comparator order keeps', () => {
  const n = 60_000;
  const tools = 800;
  let seed = 5;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const a = new Int32Array(n);
  const b = new Int32Array(n);
  for (let e = 0; e < n; e++) {
    const x = Math.floor(rnd() * (tools - 1));
    a[e] = x;
    b[e] = x + 1 + Math.floor(rnd() * (tools - 1 - x));
  }
  const sim = new Float32Array(n).map(() => (rnd() < 0.4 ? 1 : 0.8 + Math.floor(rnd() * 50) / 250));
  const table = ToolEdgeTable.fromChunks([{ a, b, sim, kind: new Uint8Array(n), textA: new Int32Array(n), textB: new Int32Array(n) }]);
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((x, y) => sim[y]! - sim[x]! || x - y);
  const degree = new Int32Array(tools);
  const expected: number[] = [];
  for (const e of order) {
    if (degree[a[e]!]! < 7 && degree[b[e]!]! < 7) {
      degree[a[e]!]!++;
      degree[b[e]!]!++;
      expected.push(e);
    }
  }
  expected.sort((x, y) => x - y);
  assert.deepEqual(Array.from(capDegree(table, tools, 7)), expected);
});

test('a degree cap that is not a whole number of edges is refused before anything is built', async () => {
  const tools = [aTool('a').param('city', 'the city').build(), aTool('b').param('city', 'the city').build()];
  for (const maxDegree of [1.5, -1, Number.NaN]) {
    await assert.rejects(buildToolGraph(tools, { maxDegree, offline: true, cacheDir: tempDir() }), (e: unknown) => e instanceof RangeError && /maxDegree must be a whole number/.test(e.message) && e.message.includes(String(maxDegree)));
  }
});

describe('default build', () => {
  let embedder: Embedder;
  let mcp: Tool[];
  before(async () => {
    embedder = await createEmbedder({ model: OFFLINE_MODEL, offline: true, cacheDir: tempDir() });
    mcp = (await importPaths([path.join(sharedTools, 'mcp', 'mcp_tools.jsonl')])).toolSet.tools;
  });
  after(() => embedder.dispose());

  test('generic fields are left out and listed in the stats; the default degree cap holds', async () => {
    const r = await buildToolGraph(pagedTools(), { embedder, cacheDir: tempDir(), genericShare: 0.6, genericMinTools: 50 });
    assert.deepEqual(r.stats.genericFields.map((f) => f.field), ['page']);
    assert.equal(r.graph.getAttribute('maxDegree'), DEFAULT_MAX_DEGREE);
    // Without `page`, only the 60 tools sharing `city` link: a 60-clique capped at 50 per tool.
    assert.ok(r.stats.degree.max <= DEFAULT_MAX_DEGREE && r.stats.degree.max > 0, String(r.stats.degree.max));
    assert.equal(r.edgesBeforeCap, (60 * 59) / 2);
    const uncapped = await buildToolGraph(pagedTools(), { embedder, cacheDir: tempDir(), genericShare: 0.6, genericMinTools: 50, maxDegree: 0 });
    assert.equal(uncapped.stats.edges, (60 * 59) / 2);
    assert.equal(uncapped.stats.degree.max, 59);
    const everything = await buildToolGraph(pagedTools(), { embedder, cacheDir: tempDir(), genericShare: 0, maxDegree: 0 });
    assert.equal(everything.stats.edges, (120 * 119) / 2, 'with detection off `page` links every pair');
  });

  test('the file written from the edge table has the same bytes as graphology’s, and the same stats', async () => {
    const dir = tempDir();
    const r = await buildToolGraph(mcp, { embedder, cacheDir: dir, threshold: 0.85 });
    assert.ok(r.stats.edges > 50, `a real graph (${r.stats.edges} edges)`);
    await saveBuiltGraph(r.built, path.join(dir, 'table.json'));
    assert.equal(r.built.materialized, false, 'writing did not need graphology');
    const viaTable = r.stats;
    await saveGraph(r.graph, path.join(dir, 'graphology.json'));
    assert.equal(fs.readFileSync(path.join(dir, 'table.json'), 'utf8'), fs.readFileSync(path.join(dir, 'graphology.json'), 'utf8'));
    assert.deepEqual(viaTable, computeGraphStats(r.graph));
  });

  describe('graph view engine parts', () => {
    let graph: ToolGraph;
    let dir: string;
    before(async () => {
      dir = tempDir();
      const r = await buildToolGraph(mcp, { embedder, cacheDir: dir, threshold: 0.85 });
      graph = r.graph;
      await saveGraph(graph, path.join(dir, 'mcp.graph.json'));
    });

    test('counts at a threshold equal a brute-force filter of the graph', () => {
      for (const tau of [0.85, 0.9, 0.95, 0.99]) {
        const kept = graph.filterEdges((_e, a) => a.similarity > tau);
        const seen = new Set<string>();
        let components = 0;
        for (const start of graph.nodes()) {
          if (seen.has(start)) continue;
          components++;
          const stack = [start];
          seen.add(start);
          while (stack.length) {
            const n = stack.pop()!;
            graph.forEachEdge(n, (_e, a, s, t) => {
              const m = s === n ? t : s;
              if (a.similarity > tau && !seen.has(m)) {
                seen.add(m);
                stack.push(m);
              }
            });
          }
        }
        const c = countsAtThreshold(graph, tau);
        assert.equal(c.edges, kept.length, `edges at ${tau}`);
        assert.equal(c.components, components, `components at ${tau}`);
      }
      assert.equal(countsAtThreshold(graph, -Infinity).edges, graph.size);
    });

    test('explainTool names the field pair of every edge, on the right side, with R-P direction', () => {
      const tools = new Map(mcp.map((t) => [t.name, t] as const));
      let checked = 0;
      let rp = 0;
      for (const name of graph.nodes().filter((n) => graph.degree(n) > 0).slice(0, 40)) {
        const x = explainTool(graph, name, 0.85, tools.get(name))!;
        assert.equal(x.edges.length, graph.degree(name));
        const own = new Set([...x.parameters!.map((f) => f.path), ...x.returns!.map((f) => f.path)]);
        for (const e of x.edges) {
          assert.ok(own.has(e.field), `${name}: ${e.field} is one of its fields`);
          const edge = graph.edge(name, e.neighbour)!;
          const a = graph.getEdgeAttributes(edge);
          if (a.kind === 'R-P') {
            rp++;
            assert.equal(e.direction, a.from === name ? 'out' : 'in');
            if (e.direction === 'out') assert.ok(x.returns!.some((f) => f.path === e.field), 'out: the field is a return field');
            else assert.ok(x.parameters!.some((f) => f.path === e.field), 'in: the field is a parameter');
          } else assert.equal(e.direction, 'none');
          checked++;
        }
        const sims = x.edges.map((e) => e.similarity);
        assert.deepEqual(sims, [...sims].sort((p, q) => q - p));
      }
      assert.ok(checked > 20 && rp > 0, `${checked} edges, ${rp} R-P`);
      assert.ok(explainTool(graph, graph.nodes()[0]!, 1.5)!.edges.length === 0, 'no edge above τ 1.5');
    });

    test('walkFromTool: Algorithm 1 from the given tool, each move along an edge, reproducible', () => {
      const start = graph.nodes().find((n) => graph.degree(n) >= 3)!;
      const w = walkFromTool(graph, start, 4, 7);
      assert.equal(w.tools[0], start);
      assert.equal(new Set(w.tools).size, w.tools.length);
      let at = start;
      for (const s of w.steps) {
        assert.equal(s.from, s.via === 'walk' ? at : s.from);
        assert.ok(graph.areNeighbors(s.from, s.to), `${s.from} - ${s.to}`);
        if (s.via === 'walk') at = s.to;
      }
      assert.deepEqual(w.steps.filter((s) => s.added).map((s) => s.to), w.tools.slice(1));
      assert.deepEqual(walkFromTool(graph, start, 4, 7), w);
      // A longer walk revisits tools: `added` is true exactly for the first visit of a tool.
      const long = walkFromTool(graph, start, 12, 3);
      const visited = new Set([start]);
      for (const st of long.steps) {
        assert.equal(st.added, !visited.has(st.to), `${st.from} -> ${st.to}`);
        visited.add(st.to);
      }
      assert.ok(long.steps.some((st) => !st.added), 'the walk revisited a tool');
      assert.equal(new Set(long.tools).size, long.tools.length);
      const isolated = graph.nodes().find((n) => graph.degree(n) === 0);
      if (isolated) assert.deepEqual(walkFromTool(graph, isolated, 3, 1), { tools: [isolated], steps: [], short: true });
    });

    test('walkFromTool: the same walk as createWalkSampler once the sampler has drawn that start', () => {
      const nodes = graph.nodes();
      const start = nodes.find((n) => graph.degree(n) >= 3)!;
      // The sampler's first draw picks the start (graph order with onShort 'partial'); every later
      // draw comes from the seeded generator walkFromTool uses.
      const startingAt = (seed: number): Random => {
        const rng = createRandom(seed);
        let first = true;
        return {
          next: () => rng.next(),
          int: (n) => {
            if (!first) return rng.int(n);
            first = false;
            return nodes.indexOf(start);
          },
        };
      };
      for (const [size, seed, maxSteps] of [[4, 7, undefined], [12, 3, undefined], [8, 5, 2]] as const) {
        const opts = maxSteps === undefined ? {} : { maxSteps };
        const sampled = createWalkSampler(graph, size, startingAt(seed), { onShort: 'partial', ...opts }).next();
        const walked = walkFromTool(graph, start, size, seed, opts);
        assert.deepEqual(walked.tools, sampled.tools, `size ${size}, seed ${seed}, maxSteps ${maxSteps}`);
        assert.equal(walked.short, sampled.short);
      }
    });

    test('layout of a hand-edited file: a self-loop and a repeated edge are ignored; no edges, no iterations', async () => {
      const g = new Graph({ type: 'undirected', multi: true, allowSelfLoops: true });
      for (const n of ['a', 'b', 'c', 'd']) g.addNode(n);
      g.addEdge('a', 'b', { similarity: 0.95 });
      g.addEdge('a', 'b', { similarity: 0.93 });
      g.addEdge('c', 'c', { similarity: 1 });
      const l = await computeLayout(g as unknown as ToolGraph);
      assert.ok([...l.x, ...l.y].every(Number.isFinite));
      assert.equal(l.community[0], l.community[1], 'a and b together');
      assert.notEqual(l.community[2], l.community[0], 'c (only a self-loop) is a tool without an edge');
      const bare = new Graph({ type: 'undirected' }) as unknown as ToolGraph;
      bare.addNode('x');
      bare.addNode('y');
      const b = await computeLayout(bare);
      assert.equal(b.iterations, 0);
      assert.equal(b.communities, 2);
      assert.ok([...b.x, ...b.y].every(Number.isFinite));
    });

    test('layout: deterministic, cached beside the graph, recomputed when the graph file changes', async () => {
      const file = path.join(dir, 'mcp.graph.json');
      // The event loop keeps running while it lays out (the extension host stays responsive).
      let ticks = 0;
      let done = false;
      const spin = () => {
        ticks++;
        if (!done) setImmediate(spin);
      };
      setImmediate(spin);
      const a = await computeLayout(graph.copy());
      done = true;
      assert.ok(ticks >= a.iterations, `other work ran during the layout: ${ticks} turns of the event loop in ${a.iterations} iterations`);
      const b = await computeLayout(ToolGraphData.fromGraphology(graph));
      assert.deepEqual(a.x, b.x, 'the same from the graph file\'s columns as from the graphology graph');
      assert.deepEqual(a.community, b.community);
      assert.ok(a.communities >= 2 && a.communities <= graph.order);
      assert.ok(a.x.every(Number.isFinite) && a.y.every(Number.isFinite));
      // Tools without an edge: each a community of its own, on a ring around the tools that have one.
      const nodes = graph.nodes();
      const alone = nodes.flatMap((n, i) => (graph.degree(n) === 0 ? [i] : []));
      const linked = nodes.flatMap((n, i) => (graph.degree(n) > 0 ? [i] : []));
      assert.ok(alone.length > 0 && linked.length > 0, 'the MCP graph has both');
      assert.equal(new Set(alone.map((i) => a.community[i])).size, alone.length);
      for (const i of alone) assert.ok(!linked.some((j) => a.community[j] === a.community[i]), 'no tool with an edge shares its community');
      const mx = linked.reduce((t, i) => t + a.x[i]!, 0) / linked.length;
      const my = linked.reduce((t, i) => t + a.y[i]!, 0) / linked.length;
      const reach = Math.max(...linked.map((i) => Math.hypot(a.x[i]! - mx, a.y[i]! - my)));
      for (const i of alone) assert.ok(Math.hypot(a.x[i]! - mx, a.y[i]! - my) > reach, `${nodes[i]} lies outside the connected tools`);
      const first = await loadOrComputeLayout(file, graph.copy());
      assert.equal(first.cached, false);
      assert.ok(fs.existsSync(layoutFileFor(file)));
      const second = await loadOrComputeLayout(file, graph.copy());
      assert.equal(second.cached, true);
      assert.deepEqual(second.layout.x, first.layout.x);
      assert.deepEqual(second.layout.community, first.layout.community);
      fs.appendFileSync(file, ' ');
      assert.equal((await loadOrComputeLayout(file, graph.copy())).cached, false, 'a changed graph file is laid out again');
      // A view opened while the layout after "Build Tool Graph" runs waits for it: one computation.
      fs.appendFileSync(file, ' ');
      const told: string[] = [];
      const [one, two] = await Promise.all([loadOrComputeLayout(file, graph.copy(), { onCompute: () => told.push('one') }), loadOrComputeLayout(file, graph.copy(), { onCompute: () => told.push('two') })]);
      assert.equal(two.layout, one.layout, 'the second caller got the first one\'s layout (one computation)');
      assert.deepEqual([one.cached, two.cached], [false, false], 'both were computed for this file version');
      assert.deepEqual(told.sort(), ['one', 'two'], 'both are told it is being laid out');
      // Waiting for a caller that reads the cache: nobody is told of a layout.
      told.length = 0;
      const [three, four] = await Promise.all([loadOrComputeLayout(file, graph.copy(), { onCompute: () => told.push('three') }), loadOrComputeLayout(file, graph.copy(), { onCompute: () => told.push('four') })]);
      assert.deepEqual([three.cached, four.cached, told], [true, true, []]);
      assert.deepEqual(one.layout.x, first.layout.x);
      // After a build: laid out from the file and cached, so the view finds it.
      fs.appendFileSync(file, ' ');
      assert.deepEqual((await layOutGraphFile(file)).x, first.layout.x);
      assert.equal((await loadOrComputeLayout(file, graph.copy())).cached, true);
    });
  });
});
