// "ToolFlow: Show Tool Graph" in a real VS Code: the graph of real MCP tools (../shared/data/tools)
// opens in a sigma.js (WebGL, software) panel; the counts it shows are the engine's; a tool found by
// search and a neighbour clicked in the panel explain their edges (field pair, kind, similarity) as the
// engine does; the τ slider gives the engine's edge count at that τ; "Show in Graph" on a dialogue
// of the Runs view highlights exactly its tools; an XSS payload in a description stays text.
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Frame } from 'playwright-core';
import { createEmbedder } from '../../src/engine/embedding/embedder';
import { buildToolGraph, loadGraph, OFFLINE_MODEL, saveGraph, type ToolGraph } from '../../src/engine/graph';
import { countsAtThreshold } from '../../src/engine/graph/view/thresholdCounts';
import { explainTool } from '../../src/engine/graph/view/explainTool';
import { importPaths, serializeToolSet } from '../../src/engine/import';
import { E2ESession, sharedToolsDir, sessionSteps } from './support';
import { waitUntil } from './support/toolflowSteps';

const XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script> Fetches a URL';
const TOOLS_REL = '.toolflow/tools/mcp.tools.json';
const GRAPH_REL = '.toolflow/tools/mcp.graph.json';

/** The real MCP tool set (175 tools) plus one whose description is an XSS payload, and its graph. */
async function fixture(): Promise<{ files: Record<string, string>; graph: ToolGraph; dialogueTools: string[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolflow-e2e-graph-'));
  try {
    const { toolSet } = await importPaths([path.join(sharedToolsDir, 'mcp', 'mcp_tools.jsonl')]);
    const fetchTool = toolSet.tools.find((t) => t.name === 'fetch')!;
    toolSet.tools.push({ ...structuredClone(fetchTool), name: 'xss_fetch', description: XSS });
    const embedder = await createEmbedder({ model: OFFLINE_MODEL, offline: true, cacheDir: path.join(dir, 'cache') });
    const { graph } = await buildToolGraph(toolSet.tools, { embedder, cacheDir: path.join(dir, 'cache') });
    await embedder.dispose();
    await saveGraph(graph, path.join(dir, 'g.json'));
    // Three connected tools, as a walk would give them.
    const start = graph.nodes().find((n) => graph.degree(n) >= 2)!;
    const [n1, n2] = graph.neighbors(start);
    const dialogueTools = [start, n1!, n2!];
    const record = {
      id: 'd000000', index: 0, status: 'accepted', reasons: [], plan: null, system: '', seed: 1, style: 'plain', usage: {}, llmCalls: 0, timings: {},
      tools: dialogueTools.map((name) => ({ type: 'function', function: { name, description: '', parameters: { type: 'object', properties: {} } } })),
      messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }],
    };
    const manifest = { format: 'toolflow.run', version: 1, createdAt: new Date().toISOString(), toolflowVersion: '0.1.0', nodeVersion: process.version, options: { count: 1, seed: 1, sampling: 'walk' }, models: {}, toolSetHash: 'x', toolCount: toolSet.tools.length, toolsSource: TOOLS_REL, graphSource: GRAPH_REL };
    return {
      files: {
        [TOOLS_REL]: serializeToolSet(toolSet),
        [GRAPH_REL]: fs.readFileSync(path.join(dir, 'g.json'), 'utf8'),
        'runs/demo/manifest.json': JSON.stringify(manifest, null, 2),
        'runs/demo/dialogues.jsonl': JSON.stringify(record) + '\n',
      },
      graph: await loadGraph(path.join(dir, 'g.json')),
      dialogueTools,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function status(frame: Frame): Promise<Record<string, string>> {
  return frame.locator('#graph-status').evaluate((e) => ({ ...(e as HTMLElement).dataset }) as Record<string, string>);
}

describe('tool graph view', { timeout: 600_000 }, () => {
  let s: E2ESession;
  let graph: ToolGraph;
  let dialogueTools: string[];
  let frame: Frame;
  const steps = sessionSteps(() => s);
  const { step } = steps;
  const tau = () => Number(graph.getAttribute('threshold'));

  before(async () => {
    const f = await fixture();
    graph = f.graph;
    dialogueTools = f.dialogueTools;
    s = await E2ESession.start({ name: 'graph-view', workspaceFiles: f.files });
  });
  after(async () => {
    await s?.close(steps.failed);
  });


  step('Show Tool Graph opens the real graph; nodes, edges and components shown are the engine’s', async () => {
    const wb = s.workbench;
    await wb.runCommand('ToolFlow: Show Tool Graph');
    frame = await wb.webviewFrame('#graph-status[data-rendered="1"]', 90_000);
    const expected = countsAtThreshold(graph, tau());
    const st = await waitUntil('counts', async () => {
      const x = await status(frame);
      return x.edges ? x : undefined;
    });
    assert.equal(Number(st.nodes), graph.order);
    assert.equal(Number(st.edges), graph.size);
    assert.equal(Number(st.edges), expected.edges);
    assert.equal(Number(st.components), expected.components);
    assert.ok(Number(st.communities) > 1, 'Louvain communities');
    assert.equal(await frame.locator('#graph-canvas canvas').count() > 0, true, 'sigma drew on canvases');
    await wb.screenshot('graph-opened');
  });

  step('search zooms to a tool and its panel explains every edge as the engine does', async () => {
    const name = graph.nodes().filter((n) => graph.degree(n) > 0).sort((a, b) => graph.degree(b) - graph.degree(a))[3]!;
    await frame.locator('#graph-search').fill(name);
    await frame.locator(`#graph-search-results li[data-name="${name}"]`).click();
    await frame.locator('#graph-selected-name', { hasText: name }).waitFor();
    const rows = frame.locator('#graph-selected-edges li');
    const expected = explainTool(graph, name, tau())!.edges;
    await waitUntil('edge rows', async () => (await rows.count()) === Math.min(300, expected.length));
    for (let i = 0; i < Math.min(5, expected.length); i++) {
      const row = rows.nth(i);
      const e = expected[i]!;
      assert.equal(await row.locator('a').textContent(), e.neighbour);
      assert.equal(await row.getAttribute('data-kind'), e.kind);
      assert.equal(await row.getAttribute('data-direction'), e.direction);
      assert.equal(await row.getAttribute('data-field'), e.field);
      assert.equal(await row.getAttribute('data-neighbour-field'), e.neighbourField);
      assert.equal(Number(await row.getAttribute('data-similarity')), e.similarity);
      assert.match((await row.locator('.why').textContent())!, e.kind === 'P-P' ? /^P-P: parameter/ : /^R-P [→←]/);
    }
    assert.ok((await frame.locator('#graph-selected-parameters li').count()) > 0, 'parameters listed');
    await s.workbench.screenshot('graph-tool-selected');
  });

  step('clicking a neighbour in the panel selects it and explains its edges', async () => {
    // (A click on the WebGL canvas itself, at the point where sigma draws the tool: graphCanvas.test.ts.)
    const from = await frame.locator('#graph-selected-name').textContent();
    const link = frame.locator('#graph-selected-edges li a').first();
    const name = (await link.textContent())!;
    assert.notEqual(name, from);
    await link.click();
    await waitUntil('selected by click', async () => (await status(frame)).selected === name);
    await frame.locator('#graph-selected-name', { hasText: name }).waitFor();
    const expected = explainTool(graph, name, tau())!.edges;
    await waitUntil('edges explained', async () => (await frame.locator('#graph-selected-edges li').count()) === Math.min(300, expected.length));
    const first = frame.locator('#graph-selected-edges li').first();
    assert.equal(await first.locator('a').textContent(), expected[0]!.neighbour);
    assert.equal(await first.getAttribute('data-field'), expected[0]!.field);
    assert.ok(expected.some((e) => e.neighbour === from), 'the tool it came from is among its neighbours');
  });

  step('the τ slider gives the engine’s edge and component counts at that τ', async () => {
    for (const value of [0.95, 0.93]) {
      await frame.locator('#graph-threshold').evaluate((e, v) => {
        (e as HTMLInputElement).value = String(v);
        e.dispatchEvent(new Event('input', { bubbles: true }));
      }, value);
      const expected = countsAtThreshold(graph, value);
      assert.ok(expected.edges < graph.size, 'a higher τ drops edges');
      const st = await waitUntil(`counts at ${value}`, async () => {
        const x = await status(frame);
        return Number(x.threshold) === value && Number(x.edges) === expected.edges ? x : undefined;
      });
      assert.equal(Number(st.components), expected.components);
    }
    await s.workbench.screenshot('graph-tau-0.93');
    // Below the built threshold the view offers a rebuild instead of inventing edges.
    await frame.locator('#graph-threshold').evaluate((e, v) => {
      (e as HTMLInputElement).value = String(v);
      e.dispatchEvent(new Event('input', { bubbles: true }));
    }, tau() - 0.05);
    await frame.locator('#graph-rebuild:not([hidden])').waitFor();
    await waitUntil('every edge of the graph counted', async () => Number((await status(frame)).edges) === graph.size);
  });

  step('Show in Graph on a dialogue of the Runs view highlights exactly its tools', async () => {
    const wb = s.workbench;
    await wb.openViewContainer('ToolFlow');
    await wb.expandTreeItem('Runs', /demo/);
    await wb.waitForTreeItem('Runs', /d000000/);
    await wb.treeItemContextAction('Runs', /d000000/, 'Show in Graph');
    frame = await wb.webviewFrame('#graph-highlight-list a', 60_000);
    const names = await frame.locator('#graph-highlight-list a').allTextContents();
    assert.deepEqual([...names].sort(), [...dialogueTools].sort());
    assert.equal(Number((await status(frame)).highlighted), dialogueTools.length);
    await wb.screenshot('graph-show-in-graph');
  });

  step('an XSS payload in a tool description is inert text in the panel', async () => {
    await frame.locator('#graph-search').fill('xss_fetch');
    await frame.locator('#graph-search-results li[data-name="xss_fetch"]').click();
    await frame.locator('#graph-selected-description').waitFor();
    await waitUntil('description', async () => (await frame.locator('#graph-selected-description').textContent()) === XSS);
    assert.equal(await frame.locator('#graph-details img, #graph-details script').count(), 0);
    assert.equal(await frame.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    await s.workbench.screenshot('graph-xss-inert');
  });
});

