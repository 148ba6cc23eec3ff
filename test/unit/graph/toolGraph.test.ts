/**
 * Eq. 2 on real tools: the graph built by buildToolGraph has exactly the edges of a brute-force
 * reference (every parameter-parameter and return-parameter field pair of every tool pair, cosine
 * in float64), with the best pair's similarity; edge attributes explain each link; options and
 * the embedding cache behave as documented.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createEmbedder, type Embedder } from '../../../src/engine/embedding/embedder';
import { OFFLINE_MODEL } from '../../../src/engine/embedding/modelRegistry';
import { toolFieldTexts } from '../../../src/engine/embedding/fieldTexts';
import { buildFieldIndex, buildToolGraph, collectToolEdges, findTextPairs, GENERIC_PARAMS, GraphTooLargeError, loadGraph, saveGraph } from '../../../src/engine/graph';
import { expandEdgeRange, makeEdgeExpander, prepareEdgeInputs } from '../../../src/engine/graph/toolEdges';
import fs from 'node:fs';
import { importPaths } from '../../../src/engine/import';
import type { Tool } from '../../../src/engine/model/tool';
import { aTool, sharedTools, tempDir } from '../../support/graphData';

const TAU = 0.9;

/** Brute force: tool pair -> best similarity over P-P and R-P field pairs, if above tau. */
async function referenceEdges(tools: Tool[], embedder: Embedder, tau: number): Promise<Map<string, number>> {
  const fields = tools.map(toolFieldTexts);
  const texts = [...new Set(fields.flat().map((f) => f.text))];
  const vectors = await embedder.embed(texts);
  const row = new Map(texts.map((t, i) => [t, i]));
  const dims = embedder.dimensions;
  const cos = (a: string, b: string) => {
    if (a === b) return 1;
    const i = row.get(a)! * dims;
    const j = row.get(b)! * dims;
    let dot = 0;
    for (let d = 0; d < dims; d++) dot += vectors[i + d]! * vectors[j + d]!;
    return dot;
  };
  const edges = new Map<string, number>();
  for (let i = 0; i < tools.length; i++) {
    for (let j = i + 1; j < tools.length; j++) {
      let best = -Infinity;
      for (const f of fields[i]!) {
        for (const g of fields[j]!) {
          if (f.role === 'return' && g.role === 'return') continue;
          best = Math.max(best, cos(f.text, g.text));
        }
      }
      if (best > tau) edges.set([tools[i]!.name, tools[j]!.name].sort().join('\u0000'), best);
    }
  }
  return edges;
}

describe('buildToolGraph', () => {
  let embedder: Embedder;
  let realTools: Tool[];
  before(async () => {
    embedder = await createEmbedder({ model: OFFLINE_MODEL, offline: true, cacheDir: tempDir() });
    const set = (await importPaths([path.join(sharedTools, 'toolbench', 'toolenv_sample')])).toolSet;
    // A few hundred real ToolBench APIs from several categories, some with result schemas (R-P edges).
    realTools = set.tools.filter((_, i) => i % 4 === 0).slice(0, 400);
  });
  after(() => embedder?.dispose());

  test('edges equal a brute-force Eq. 2 reference on 400 real ToolBench tools', async () => {
    assert.ok(realTools.filter((t) => t.returns).length > 20, 'the sample must include tools with result schemas');
    const { graph, stats } = await buildToolGraph(realTools, { embedder, threshold: TAU, cacheDir: tempDir(), threads: 2, maxDegree: 0, genericShare: 0 });
    const expected = await referenceEdges(realTools, embedder, TAU);
    const actual = new Map<string, number>();
    graph.forEachEdge((_e, attrs, source, target) => actual.set([source, target].sort().join('\u0000'), attrs.similarity));
    assert.ok(expected.size > 100, `reference has ${expected.size} edges`);
    assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort());
    for (const [k, s] of expected) assert.ok(Math.abs(actual.get(k)! - s) < 2e-6, `${k}: ${actual.get(k)} vs ${s}`);
    assert.equal(stats.edges, expected.size);
    assert.ok(stats.rpEdges > 0 && stats.ppEdges > 0);
    // Saved as columns (format version 2), and loads back the same graph.
    const file = path.join(tempDir(), 'graph.json');
    await saveGraph(graph, file);
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { format: string; version: number; nodes: { count: number; key: string[] }; edges: { count: number; source: number[] } };
    assert.equal(doc.format, 'toolflow.graph');
    assert.equal(doc.version, 2);
    assert.deepEqual(doc.nodes.key, graph.nodes());
    assert.equal(doc.edges.count, graph.size);
    assert.deepEqual((await loadGraph(file)).export(), graph.export());
  });

  test('tool edges expanded on worker threads equal the in-thread expansion, edge for edge', async () => {
    const index = buildFieldIndex(realTools);
    const vectors = await embedder.embed(index.texts);
    const { pp, rp } = await findTextPairs(index, vectors, embedder.dimensions, 0.85);
    const one = await collectToolEdges(index, pp, rp, { threads: 1 });
    const two = await collectToolEdges(index, pp, rp, { threads: 2, minParallelTools: 0 });
    assert.ok(one.count > 1000);
    for (const k of ['a', 'b', 'sim', 'kind', 'textA', 'textB'] as const) assert.deepEqual(two[k].subarray(0, two.count), one[k].subarray(0, one.count), k);
  });

  test('one edge expander reused over many ranges (as a worker uses it) equals a fresh expansion of each', async () => {
    const index = buildFieldIndex(realTools);
    const vectors = await embedder.embed(index.texts);
    const { pp, rp } = await findTextPairs(index, vectors, embedder.dimensions, 0.85);
    const inputs = prepareEdgeInputs(index, pp, rp);
    const expand = makeEdgeExpander(inputs);
    const n = inputs.nTools;
    // Ranges of 7 tools, then the first ranges again (the scratch rows must not remember them).
    const ranges: Array<[number, number]> = [];
    for (let s = 0; s < n; s += 7) ranges.push([s, Math.min(n, s + 7)]);
    ranges.push([0, 7], [0, n]);
    let edges = 0;
    for (const [s, e] of ranges) {
      const reused = expand(s, e);
      const fresh = expandEdgeRange(inputs, s, e);
      for (const k of ['a', 'b', 'sim', 'kind', 'textA', 'textB'] as const) assert.deepEqual(reused[k], fresh[k], `${k} of tools ${s}..${e}`);
      edges += reused.a.length;
    }
    assert.ok(edges > 2000, String(edges));
  });

  test('each edge names its kind, direction and the field pair that links the tools', async () => {
    const tools = [
      aTool('search_flights').param('destination', 'arrival city of the flight').param('departure_date', 'departure date of the flight').build(),
      aTool('get_weather').param('city', 'the city where the weather is requested').build(),
      aTool('find_city').param('query', 'free text').returning({ results: { city: 'the city where the place is' } }).build(),
      aTool('send_email').param('recipient', 'recipient email address').build(),
    ];
    const { graph } = await buildToolGraph(tools, { embedder, threshold: 0.8, cacheDir: tempDir() });
    assert.equal(graph.degree('send_email'), 0, 'an email address is like no city');
    /** The field of `tool` in the best pair of edge `e`. */
    const fieldOf = (e: string, tool: string) => (graph.source(e) === tool ? graph.getEdgeAttribute(e, 'sourceField') : graph.getEdgeAttribute(e, 'targetField'));
    const ppEdge = graph.edge('search_flights', 'get_weather')!;
    assert.equal(graph.getEdgeAttribute(ppEdge, 'kind'), 'P-P');
    assert.equal(fieldOf(ppEdge, 'search_flights'), 'destination');
    assert.equal(fieldOf(ppEdge, 'get_weather'), 'city');
    const rpEdge = graph.edge('find_city', 'get_weather')!;
    const rp = graph.getEdgeAttributes(rpEdge);
    assert.ok(rp.kind === 'R-P' && rp.from === 'find_city' && rp.to === 'get_weather');
    assert.equal(fieldOf(rpEdge, 'find_city'), 'results.city', 'the return field of the producing tool');
    assert.equal(fieldOf(rpEdge, 'get_weather'), 'city');
    assert.ok(rp.similarity > 0.8 && rp.similarity <= 1);
  });

  test('ignoring generic parameters, capping hubs and restricting sources', async () => {
    const shared = (name: string) => aTool(name).param('api_key', 'your API key').param('page', 'page number');
    const tools = [
      shared('a').param('city', 'name of the city').build(),
      shared('b').param('city_name', 'the name of the city').build(),
      shared('c').param('isbn', 'book identifier').build(),
      shared('d').param('recipe', 'dish to cook').fromFile('other.json').build(),
    ];
    const all = await buildToolGraph(tools, { embedder, threshold: TAU, cacheDir: tempDir() });
    assert.equal(all.stats.edges, 6, 'identical generic parameters link every pair');
    const clean = await buildToolGraph(tools, { embedder, threshold: TAU, cacheDir: tempDir(), ignoreParams: GENERIC_PARAMS });
    assert.deepEqual(clean.graph.edges().map((e) => clean.graph.extremities(e).sort().join('-')), ['a-b']);
    const capped = await buildToolGraph(tools, { embedder, threshold: TAU, cacheDir: tempDir(), maxDegree: 1 });
    assert.ok(capped.graph.nodes().every((n) => capped.graph.degree(n) <= 1));
    assert.equal(capped.stats.edges, 2);
    const only = await buildToolGraph(tools, { embedder, threshold: TAU, cacheDir: tempDir(), sources: ['other.json'] });
    assert.deepEqual(only.graph.nodes(), ['d']);
    await assert.rejects(buildToolGraph(tools, { embedder, threshold: TAU, cacheDir: tempDir(), maxEdges: 5 }), GraphTooLargeError);
  });

  test('the embedding cache makes a rebuild run no inference', async () => {
    let embedCalls = 0;
    const counting: Embedder = { ...embedder, model: embedder.model, fingerprint: embedder.fingerprint, dimensions: embedder.dimensions, embed: (t, o) => (embedCalls++, embedder.embed(t, o)), dispose: () => Promise.resolve() };
    const cacheDir = tempDir();
    const tools = realTools.slice(0, 120);
    const first = await buildToolGraph(tools, { embedder: counting, threshold: TAU, cacheDir });
    assert.equal(first.cache.hits, 0);
    assert.equal(first.cache.misses, first.distinctTexts);
    const callsAfterFirst = embedCalls;
    const second = await buildToolGraph(tools, { embedder: counting, threshold: TAU, cacheDir });
    assert.deepEqual(second.cache, { hits: first.distinctTexts, misses: 0 });
    assert.equal(embedCalls, callsAfterFirst, 'no inference on rebuild');
    assert.deepEqual(second.graph.export().edges, first.graph.export().edges);
    // An overlapping set embeds only its new texts.
    const third = await buildToolGraph(realTools.slice(60, 200), { embedder: counting, threshold: TAU, cacheDir });
    assert.ok(third.cache.hits > 0 && third.cache.misses > 0 && third.cache.misses < third.distinctTexts);
  });
});
