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
    const d = s.details(p.names.find((n) => graph.degree(n) > 0)!, p.builtThreshold)!;
    assert.ok(d.parameters !== null, 'the tool set beside the graph gives the fields');
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
