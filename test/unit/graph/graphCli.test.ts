/**
 * `toolflow graph` and `toolflow sample` through the CLI entry point: --json shapes, files on
 * disk (graph file, GEXF), embedding cache counts, and exit code 1 with a one-line message
 * for bad input.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Graph from 'graphology';
import { loadGraph, saveGraph, type ToolGraph } from '../../../src/engine/graph';
import { sharedTools, tempDir } from '../../support/graphData';
import { runCli } from '../../support/cliRun';

const run = (args: string[], cwd: string) => runCli(args, { cwd });

describe('toolflow graph / sample', () => {
  const dir = tempDir();
  const cache = path.join(dir, 'cache');
  // Real MCP tools (reference servers and GitHub's), some with output schemas.
  const tools = path.join(sharedTools, 'mcp', 'mcp_tools.jsonl');

  test('graph --offline --json prints one object with the documented fields and writes the files', async () => {
    const r = await run(['graph', tools, '-o', 'g.json', '--gexf', 'g.gexf', '--offline', '--cache-dir', cache, '--json'], dir);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trim().split('\n');
    assert.equal(lines.length, 1, 'exactly one JSON object on stdout');
    const j = JSON.parse(lines[0]!) as Record<string, unknown> & { timings: Record<string, number>; cache: Record<string, number> };
    for (const k of ['nodes', 'edges', 'distinctTexts', 'dimensions', 'model', 'threshold', 'timings', 'cache']) assert.ok(k in j, k);
    assert.equal(j.nodes, 175);
    assert.equal(j.dimensions, 100);
    assert.equal(j.model, 'toolflow-glove-100d');
    assert.equal(j.threshold, 0.9);
    for (const k of ['embedMs', 'similarityMs', 'totalMs']) assert.equal(typeof j.timings[k], 'number');
    assert.deepEqual(j.cache, { hits: 0, misses: j.distinctTexts });
    assert.match(r.err, /graph: 175 tools/);
    const graph = await loadGraph(path.join(dir, 'g.json'));
    assert.equal(graph.order, 175);
    assert.equal(graph.size, j.edges);
    assert.equal(graph.getAttribute('model'), 'toolflow-glove-100d');
    const gexf = fs.readFileSync(path.join(dir, 'g.gexf'), 'utf8');
    assert.match(gexf, /<gexf /);
    assert.equal((gexf.match(/<node /g) ?? []).length, 175);
    assert.equal((gexf.match(/<edge /g) ?? []).length, j.edges);

    const again = await run(['graph', tools, '-o', 'g2.json', '--offline', '--cache-dir', cache, '--json'], dir);
    const j2 = JSON.parse(again.out) as { cache: Record<string, number>; edges: number };
    assert.deepEqual(j2.cache, { hits: j.distinctTexts, misses: 0 });
    assert.equal(j2.edges, j.edges);
  });

  test('sample --json prints {"samples": [[names...]]}, reproducible by seed', async () => {
    const args = ['sample', 'g.json', '--size', '3', '--count', '5', '--seed', '11', '--json'];
    const a = await run(args, dir);
    assert.equal(a.code, 0, a.err);
    const j = JSON.parse(a.out) as { samples: string[][] };
    assert.deepEqual(Object.keys(j), ['samples']);
    assert.equal(j.samples.length, 5);
    const graph = await loadGraph(path.join(dir, 'g.json'));
    for (const s of j.samples) {
      assert.equal(new Set(s).size, 3);
      for (const t of s) assert.ok(graph.hasNode(t), t);
    }
    assert.equal((await run(args, dir)).out, a.out);
    const random = await run(['sample', 'g.json', '--size', '4', '--count', '2', '--seed', '1', '--strategy', 'random', '--json'], dir);
    assert.equal((JSON.parse(random.out) as { samples: string[][] }).samples[0]!.length, 4);
  });

  test('calibrate proposes a threshold and prints the degree table', async () => {
    const r = await run(['calibrate', tools, '--offline', '--cache-dir', cache, '--json'], dir);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as { proposedThreshold: number; table: Array<{ threshold: number; meanDegree: number }> };
    assert.ok(j.proposedThreshold > 0 && j.proposedThreshold < 1);
    const degrees = j.table.map((r) => r.meanDegree);
    assert.deepEqual(degrees, [...degrees].sort((a, b) => b - a), 'mean degree falls as the threshold rises');
  });

  // Stated tolerance: the graph built at the proposed τ has a mean degree within 20% of the target
  // (calibrate measures a sample of 600 of the 1,610 tools and extrapolates; measured: 29.2 for 30, 56.0 for 60).
  const toolbenchSample = path.join(sharedTools, 'toolbench', 'toolenv_sample');
  for (const target of [30, 60]) {
    test(`calibrate --target-degree ${target} hits its target on real ToolBench tools (±20%)`, async () => {
      const c = await run(['calibrate', toolbenchSample, '--offline', '--cache-dir', cache, '--sample', '600', '--target-degree', String(target), '--json'], dir);
      assert.equal(c.code, 0, c.err);
      const proposed = (JSON.parse(c.out) as { proposedThreshold: number; reachable: boolean }).proposedThreshold;
      const g = await run(['graph', toolbenchSample, '--offline', '--cache-dir', cache, '--threshold', String(proposed), '--max-degree', '0', '-o', `cal-${target}.json`, '--json'], dir);
      assert.equal(g.code, 0, g.err);
      const mean = (JSON.parse(g.out) as { stats: { degree: { mean: number } } }).stats.degree.mean;
      assert.ok(Math.abs(mean - target) / target <= 0.2, `τ ${proposed}: mean degree ${mean.toFixed(1)} for a target of ${target}`);
    });
  }

  test('calibrate says when no τ reaches the target (identical shared fields)', async () => {
    const c = await run(['calibrate', toolbenchSample, '--offline', '--cache-dir', cache, '--sample', '600', '--target-degree', '2', '--json'], dir);
    assert.equal(c.code, 0, c.err);
    assert.equal((JSON.parse(c.out) as { reachable: boolean }).reachable, false);
    assert.match(c.err, /cap hubs with `graph --max-degree 2`/);
  });

  for (const [what, args, message] of [
    ['missing -o', ['graph', tools, '--offline'], /missing -o/],
    ['a file that does not exist', ['graph', 'nope.json', '-o', 'x.json', '--offline'], /cannot read "nope.json"/],
    ['a threshold out of range', ['graph', tools, '-o', 'x.json', '--threshold', '1.5', '--offline'], /--threshold must be a number/],
    ['a hub model not downloaded, offline', ['graph', tools, '-o', 'x.json', '--offline', '--model', 'Xenova/all-MiniLM-L6-v2', '--cache-dir', 'empty-cache'], /missing .*config\.json/],
    ['sample without --size', ['sample', 'g.json'], /missing --size/],
    ['sample of a non-graph file', ['sample', 'bad.json', '--size', '2'], /bad\.json#\/format: not a ToolFlow graph file/],
    ['sample of a graph file of format version 1', ['sample', 'old.json', '--size', '2'], /old\.json#\/attributes\/version: graph format version 1 .*older ToolFlow.*\n.*rebuild the graph from its tools: `toolflow graph <tools> -o <graph\.json>`/],
    ['sample of a truncated graph file', ['sample', 'cut.json', '--size', '2'], /cut\.json: not valid JSON, the file is truncated or corrupt.*\n.*rebuild the graph/],
    ['sample larger than any component', ['sample', 'g.json', '--size', '100000'], /no connected group of 100000 tools/],
    ['an unknown strategy', ['sample', 'g.json', '--size', '2', '--strategy', 'bfs'], /unknown --strategy "bfs"/],
  ] as Array<[string, string[], RegExp]>) {
    test(`exit 1 with a one-line message for ${what}`, async () => {
      fs.writeFileSync(path.join(dir, 'bad.json'), '{"edges": []}');
      // graphology's export, as ToolFlow wrote graph files before format version 2
      fs.writeFileSync(path.join(dir, 'old.json'), JSON.stringify({ options: { type: 'undirected' }, attributes: { format: 'toolflow.graph', version: 1 }, nodes: [{ key: 'a' }, { key: 'b' }], edges: [{ key: 'e0', source: 'a', target: 'b' }] }));
      const small: ToolGraph = new Graph({ type: 'undirected' });
      small.addNode('a', { label: 'a', description: '', source: 's', format: 'f', parameters: 1, hasReturns: false });
      small.addNode('b', { label: 'b', description: '', source: 's', format: 'f', parameters: 1, hasReturns: false });
      small.addEdge('a', 'b', { kind: 'P-P', similarity: 0.95, sourceField: 'x', targetField: 'y' });
      await saveGraph(small, path.join(dir, 'whole.json'));
      const whole = fs.readFileSync(path.join(dir, 'whole.json'), 'utf8');
      fs.writeFileSync(path.join(dir, 'cut.json'), whole.slice(0, Math.floor(whole.length / 2)));
      const r = await run(args, dir);
      assert.equal(r.code, 1, r.err);
      const firstLine = r.err.trim().split('\n').pop()!;
      assert.ok(message.test(r.err), r.err);
      assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
      assert.ok(firstLine.length > 0);
    });
  }
});
