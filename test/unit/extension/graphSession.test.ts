/**
 * The host side of the graph view (no `vscode`): the payload sent to the webview (names, layout,
 * degrees of the whole graph, level of detail keeping each tool's strongest edges), details from the
 * tool set beside the graph, and where a run's graph is found.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createEmbedder } from '../../../src/engine/embedding/embedder';
import { buildToolGraph, OFFLINE_MODEL, saveGraph, type ToolGraph } from '../../../src/engine/graph';
import { importPaths, writeToolSet } from '../../../src/engine/import';
import { GraphSession, toolsFileForGraph } from '../../../src/extension/graphView/graphSession';
import { sharedTools, tempDir } from '../../support/graphData';

describe('graph view session', () => {
  let dir: string;
  let graph: ToolGraph;
  before(async () => {
    dir = tempDir();
    const result = await importPaths([path.join(sharedTools, 'mcp', 'mcp_tools.jsonl')]);
    const embedder = await createEmbedder({ model: OFFLINE_MODEL, offline: true, cacheDir: dir });
    graph = (await buildToolGraph(result.toolSet.tools, { embedder, cacheDir: dir })).graph;
    await embedder.dispose();
    await saveGraph(graph, path.join(dir, 'mcp.graph.json'));
    await writeToolSet(path.join(dir, 'mcp.tools.json'), result.toolSet);
  });

  test('x.graph.json pairs with x.tools.json', () => {
    assert.equal(toolsFileForGraph('/a/b/mcp.graph.json'), path.join('/a/b', 'mcp.tools.json'));
  });

  test('the payload carries every node, its layout and whole-graph degrees; small graphs draw every edge', async () => {
    const s = await GraphSession.open(path.join(dir, 'mcp.graph.json'));
    const p = s.payload;
    assert.deepEqual(p.names, graph.nodes());
    assert.equal(p.x.length, graph.order);
    assert.equal(p.edgeSource.length, graph.size);
    assert.equal(p.drawnPerTool, null);
    p.names.forEach((n, i) => assert.equal(p.degree[i], graph.degree(n)));
    assert.equal(p.edges, graph.size);
    const d = (await s.details(p.names.find((n) => graph.degree(n) > 0)!, p.builtThreshold))!;
    assert.ok(d.parameters !== null, 'the tool set beside the graph gives the fields');
  });

  test('opening tells what takes long: the first layout of the graph, not a cached one', async () => {
    const file = path.join(dir, 'progress.graph.json');
    fs.copyFileSync(path.join(dir, 'mcp.graph.json'), file);
    const heard: string[] = [];
    const first = await GraphSession.open(file, undefined, { onProgress: (m) => heard.push(m) });
    assert.equal(first.payload.layoutCached, false);
    assert.equal(heard.length, 1, `one message: ${JSON.stringify(heard)}`);
    assert.match(heard[0]!, new RegExp(`^Laying out ${graph.order.toLocaleString('en-US')} tools and ${graph.size.toLocaleString('en-US')} edges`));
    heard.length = 0;
    const again = await GraphSession.open(file, undefined, { onProgress: (m) => heard.push(m) });
    assert.equal(again.payload.layoutCached, true);
    assert.deepEqual(heard, [], 'nothing to tell when the layout is cached');
  });

  test('the tool set is not read to open the graph (the first frame does not wait for it), only when details are asked for', async () => {
    const toolsFile = path.join(dir, 'later.tools.json');
    const s = await GraphSession.open(path.join(dir, 'mcp.graph.json'), toolsFile);
    // Written after the session opened: the details still come from it.
    fs.copyFileSync(path.join(dir, 'mcp.tools.json'), toolsFile);
    const name = s.payload.names.find((n) => graph.degree(n) > 0)!;
    const d = (await s.details(name, s.payload.builtThreshold))!;
    assert.ok(d.parameters !== null, `the tool set read on demand gives ${name}'s fields`);
    assert.equal(await s.readTools(), await s.readTools(), 'read once');
    // Without a tool set: what the graph file holds, no failure.
    const bare = await GraphSession.open(path.join(dir, 'mcp.graph.json'), path.join(dir, 'none.tools.json'));
    const b = (await bare.details(name, bare.payload.builtThreshold))!;
    assert.equal(b.name, name);
    assert.equal(b.parameters, null);
    assert.equal(bare.toolsProblem, undefined, 'no tool set is not a problem');
    // A tool set that cannot be read: what the graph file holds, and why, for the log.
    const broken = path.join(dir, 'broken.tools.json');
    fs.writeFileSync(broken, '{"format": "toolflow.tools", "tools": [');
    const s2 = await GraphSession.open(path.join(dir, 'mcp.graph.json'), broken);
    assert.equal((await s2.details(name, s2.payload.builtThreshold))!.parameters, null);
    assert.ok(s2.toolsProblem, 'the reason is kept');
  });

  test('level of detail: each tool keeps its strongest edge; counts stay the whole graph’s', async () => {
    const s = await GraphSession.open(path.join(dir, 'mcp.graph.json'), undefined, { maxDrawnEdges: 100 });
    const p = s.payload;
    assert.equal(p.drawnPerTool, 1);
    assert.ok(p.edgeSource.length < graph.size);
    assert.equal(s.counts(p.builtThreshold).edges, graph.size);
    const drawn = new Set<string>();
    for (let k = 0; k < p.edgeSource.length; k++) drawn.add(graph.edge(p.names[p.edgeSource[k]!]!, p.names[p.edgeTarget[k]!]!)!);
    for (const n of graph.nodes()) {
      if (graph.degree(n) === 0) continue;
      const best = Math.max(...graph.mapEdges(n, (_e, a) => a.similarity));
      assert.ok(graph.edges(n).some((e) => drawn.has(e) && graph.getEdgeAttribute(e, 'similarity') === best), `${n} keeps its strongest edge`);
    }
    const sims = Array.from(p.edgeSimilarity);
    assert.deepEqual(sims, [...sims].sort((a, b) => a - b), 'least similar first: the strongest are drawn on top');
    fs.rmSync(path.join(dir, 'mcp.graph.layout.json'), { force: true });
  });
});
