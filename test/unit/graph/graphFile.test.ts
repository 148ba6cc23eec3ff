/**
 * The graph file, format version 2 (columns; docs/graph.md "The graph file"): a built graph and a
 * hand-made one round-trip; the columns answer counts, explanations and walks exactly as the
 * graphology graph does (the graph view uses them); an older or newer version, a truncated file
 * and a corrupt column are refused with the file, the place and what to do.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Graph from 'graphology';
import { createEmbedder, type Embedder } from '../../../src/engine/embedding/embedder';
import { OFFLINE_MODEL } from '../../../src/engine/embedding/modelRegistry';
import { numberColumnJson } from '../../../src/engine/graph/graphFiles';
import { buildToolGraph, encodeGraphData, GraphFileError, loadGraph, readGraphData, saveBuiltGraph, saveGraph, ToolGraphData, type BuildToolGraphResult, type ToolGraph } from '../../../src/engine/graph';
import { countsAtThreshold, countsAtThresholdData } from '../../../src/engine/graph/view/thresholdCounts';
import { explainTool, explainToolData } from '../../../src/engine/graph/view/explainTool';
import { importPaths } from '../../../src/engine/import';
import { walkFromTool } from '../../../src/engine/sampling';
import { sharedTools, tempDir } from '../../support/graphData';

const encode = (d: ToolGraphData) => [...encodeGraphData(d)].map((p) => (typeof p === 'string' ? p : p.toString('utf8'))).join('');

async function refused(file: string, message: RegExp, hint: RegExp = /rebuild the graph from its tools: `toolflow graph <tools> -o <graph\.json>`/): Promise<GraphFileError> {
  let caught: unknown;
  for (const read of [loadGraph, readGraphData]) {
    await assert.rejects(read(file), (e: unknown) => {
      caught = e;
      return e instanceof GraphFileError;
    });
    const e = caught as GraphFileError;
    assert.ok(e.message.startsWith(file), `names the file: ${e.message}`);
    assert.match(e.message, message);
    assert.match(e.hint ?? '', hint);
  }
  return caught as GraphFileError;
}

describe('graph file (format version 2)', () => {
  let embedder: Embedder;
  let built: BuildToolGraphResult;
  let dir: string;
  let file: string;
  before(async () => {
    dir = tempDir();
    embedder = await createEmbedder({ model: OFFLINE_MODEL, offline: true, cacheDir: dir });
    const { toolSet } = await importPaths([path.join(sharedTools, 'mcp', 'mcp_tools.jsonl')]);
    built = await buildToolGraph(toolSet.tools, { embedder, cacheDir: dir, threshold: 0.85 });
    file = path.join(dir, 'mcp.graph.json');
    await saveBuiltGraph(built.built, file);
  });
  after(() => embedder?.dispose());

  test('a built graph round-trips: same graphology graph, same columns; edges are columns, field paths a table', async () => {
    const graph = built.graph;
    assert.ok(graph.size > 50 && graph.filterEdges((_e, a) => a.kind === 'R-P').length > 0, `a real graph with R-P edges (${graph.size} edges)`);
    assert.deepEqual((await loadGraph(file)).export(), graph.export());
    const data = await readGraphData(file);
    assert.equal(encode(data), fs.readFileSync(file, 'utf8'), 'read columns encode to the same bytes');
    assert.equal(encode(ToolGraphData.fromGraphology(graph)), fs.readFileSync(file, 'utf8'), 'the graphology graph gives the same columns as the edge table');
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { version: number; edges: { count: number; source: unknown[]; sourceField: unknown[]; fields: string[]; other: object } };
    assert.equal(doc.version, 2);
    assert.equal(doc.edges.source.length, graph.size);
    assert.ok(doc.edges.sourceField.every((f) => typeof f === 'number'), 'field paths are numbers into the table');
    assert.ok(doc.edges.fields.length < graph.size, `${doc.edges.fields.length} distinct field paths for ${graph.size} edges`);
    assert.deepEqual(doc.edges.other, {}, 'every built edge fits the columns');
  });

  test('encoding into one reused column buffer (as saving does) gives the same bytes, part by part', () => {
    const data = built.built.toData();
    const lazily: string[] = [];
    for (const part of encodeGraphData(data, { reuseBuffer: true })) lazily.push(typeof part === 'string' ? part : part.toString('utf8'));
    assert.equal(lazily.join(''), encode(data));
    // The buffer really is shared: parts kept past the next one are overwritten (so saving writes each first).
    const kept = [...encodeGraphData(data, { reuseBuffer: true })].filter((p): p is Buffer => typeof p !== 'string');
    assert.equal(new Set(kept.map((b) => b.buffer)).size, 1);
  });

  test('numeric columns are written byte by byte exactly as JSON.stringify writes them', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const values = [0, -0, 1, -1, 0.5, 0.1, 0.912345, -0.25, 0.000001, 1e-7, 1 / 3, 123456.789012, 2 ** 31, -(2 ** 31), 1e21, 2.5e-300, 99999999.999999];
    for (let i = 0; i < 20_000; i++) {
      const r = rnd();
      values.push(r < 0.5 ? Math.round((rnd() * 2 - 1) * 1e6) / 1e6 : r < 0.7 ? rnd() * 2 - 1 : r < 0.8 ? Math.round(rnd() * 1e9) : Math.fround(rnd()));
    }
    const floats = Float64Array.from(values);
    assert.equal(numberColumnJson(floats).toString('latin1'), JSON.stringify(Array.from(floats)));
    const ints = Int32Array.from(values, (v) => Math.trunc(v * 1000) | 0);
    assert.equal(numberColumnJson(ints).toString('latin1'), JSON.stringify(Array.from(ints)));
    const bytes = Uint8Array.from(values, (v) => Math.abs(Math.trunc(v * 1000)) % 256);
    assert.equal(numberColumnJson(bytes).toString('latin1'), JSON.stringify(Array.from(bytes)));
    assert.equal(numberColumnJson(new Int32Array(0)).toString('latin1'), '[]');
  });

  test('attributes that do not fit the columns, custom edge keys and numeric tool names round-trip whole', async () => {
    const g: ToolGraph = new Graph({ type: 'undirected', multi: false, allowSelfLoops: false });
    g.replaceAttributes({ format: 'toolflow.graph', version: 2, model: 'm', threshold: 0.5, dimensions: 3, distinctTexts: 4, createdAt: 'now' });
    const node = (name: string, extra: Record<string, unknown> = {}) => g.addNode(name, { label: name, description: `about ${name}`, source: 'a.json', format: 'openai', parameters: 2, hasReturns: true, ...extra });
    node('weather');
    node('10', { group: 'numbers' });
    node('2');
    node('laid_out', { x: 1.5, y: -2 }); // an attribute outside the columns
    g.addNode('bare', { label: 'not bare' } as never); // missing attributes
    g.addEdgeWithKey('first', 'weather', '10', { kind: 'P-P', similarity: 0.9, sourceField: 'city', targetField: 'town' });
    g.addEdgeWithKey('second', 'weather', '2', { kind: 'R-P', similarity: 0.8, from: 'weather', to: '2', sourceField: 'results[].id', targetField: 'id' });
    g.addEdgeWithKey('third', '2', '10', { kind: 'R-P', similarity: 0.7, from: '10', to: '2', sourceField: 'q', targetField: 'out' });
    g.addEdgeWithKey('fourth', 'laid_out', 'weather', { kind: 'P-P', similarity: 0.6, sourceField: 'a', targetField: 'b', weight: 3 } as never);
    g.addEdgeWithKey('fifth', 'bare', 'weather', { kind: 'R-P', similarity: 0.55, from: 'elsewhere', to: 'weather', sourceField: 'a', targetField: 'b' });
    g.addEdgeWithKey('sixth', 'laid_out', '10', { kind: 'P-P', similarity: 1 / 3, sourceField: 'a', targetField: 'b' });
    const f = path.join(dir, 'hand.graph.json');
    await saveGraph(g, f);
    assert.deepEqual((await loadGraph(f)).export(), g.export());
    const data = await readGraphData(f);
    assert.deepEqual([...data.nodes.other.keys()], [3, 4], 'only the two odd nodes are kept whole');
    assert.deepEqual([...data.edges.other.keys()], [3, 4], 'only the two odd edges are kept whole');
    for (const n of g.nodes()) assert.deepEqual(data.neighbors(n), g.neighbors(n), `neighbours of ${n} in graphology's order`);
  });

  test('the columns answer counts, explanations and walks exactly as the graphology graph', async () => {
    const graph = built.graph;
    const data = await readGraphData(file);
    for (const tau of [-Infinity, 0.85, 0.9, 0.95, 0.99]) assert.deepEqual(countsAtThresholdData(data, tau), countsAtThreshold(graph, tau), `counts at ${tau}`);
    for (const name of graph.nodes()) {
      assert.deepEqual(explainToolData(data, name, 0.87), explainTool(graph, name, 0.87), `edges of ${name}`);
      assert.deepEqual(data.neighbors(name), graph.neighbors(name));
    }
    assert.equal(explainToolData(data, 'no such tool', 0.9), null);
    const starts = graph.nodes().filter((n) => graph.degree(n) > 0).slice(0, 10);
    for (const [i, start] of starts.entries()) assert.deepEqual(walkFromTool(data, start, 5, i), walkFromTool(graph, start, 5, i), `walk from ${start}`);
  });

  test('a graph file of an older or a newer format version is refused, saying what to do', async () => {
    const old = path.join(dir, 'old.graph.json');
    // what ToolFlow wrote before version 2: graphology's export()
    const g = built.graph.copy();
    g.setAttribute('version', 1);
    fs.writeFileSync(old, JSON.stringify(g.export()));
    await refused(old, /#\/attributes\/version: graph format version 1 \(graphology export, written by an older ToolFlow\); this ToolFlow reads version 2/);
    const newer = path.join(dir, 'newer.graph.json');
    fs.writeFileSync(newer, fs.readFileSync(file, 'utf8').replace('"version":2', '"version":3'));
    await refused(newer, /#\/version: graph format version 3 is newer than this ToolFlow reads \(version 2\)/, /^update ToolFlow, or rebuild the graph/);
    const other = path.join(dir, 'other.json');
    fs.writeFileSync(other, '{"edges": []}');
    await refused(other, /#\/format: not a ToolFlow graph file/);
  });

  test('a truncated file, wherever it is cut, names the file and says to rebuild', async () => {
    const text = fs.readFileSync(file, 'utf8');
    const cut = path.join(dir, 'cut.graph.json');
    for (let i = 1; i < 20; i++) {
      fs.writeFileSync(cut, text.slice(0, Math.floor((text.length * i) / 20)));
      await refused(cut, /: not valid JSON, the file is truncated or corrupt/);
    }
    fs.writeFileSync(cut, '');
    await refused(cut, /truncated or corrupt/);
  });

  test('a corrupt column is reported at its JSON pointer', async () => {
    const text = fs.readFileSync(file, 'utf8');
    const doc = JSON.parse(text) as { nodes: { count: number; key: string[] }; edges: { count: number; target: number[]; kind: number[]; sourceField: number[]; similarity: unknown[] } };
    const corrupt = path.join(dir, 'corrupt.graph.json');
    const write = (change: (d: typeof doc) => void) => {
      const d = JSON.parse(text) as typeof doc;
      change(d);
      fs.writeFileSync(corrupt, JSON.stringify(d));
    };
    write((d) => (d.edges.target[7] = d.nodes.count));
    await refused(corrupt, /#\/edges\/target\/7: expected a whole number in \[0, 175\)/);
    write((d) => d.edges.kind.pop());
    await refused(corrupt, new RegExp(`#/edges/kind: "kind" has ${doc.edges.count - 1} entries, "count" says ${doc.edges.count} \\(truncated or corrupt\\)`));
    write((d) => (d.edges.similarity[3] = 'high'));
    await refused(corrupt, /#\/edges\/similarity\/3: expected a number/);
    write((d) => (d.edges.sourceField[5] = 1e6));
    await refused(corrupt, /#\/edges\/sourceField\/5: expected a whole number in \[-1, \d+\)/);
    write((d) => (d.nodes.key[1] = d.nodes.key[0]!));
    await refused(corrupt, /#\/nodes\/key\/1: tool ".*" appears twice/);
    write((d) => (d.edges.target[2] = (d as unknown as { edges: { source: number[] } }).edges.source[2]!));
    await refused(corrupt, /#\/edges\/target\/2: an edge from a tool to itself/);
  });
});
