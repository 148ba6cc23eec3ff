// "ToolFlow: Show Tool Graph" driven with the mouse and keyboard in a real VS Code + Chromium, sigma.js
// drawing with software WebGL (SwiftShader): a tool clicked on the canvas (at the point where sigma
// draws it) explains its edges as the engine does; "Sample from here" draws, step by step, the
// engine's Algorithm 1 walk for the seed and start tool it shows, also where the τ slider hides some
// of its edges; the τ slider moved below the built threshold offers a rebuild, and the rebuild shows
// the engine's edge and component counts at that τ.
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Frame } from 'playwright-core';
import { createEmbedder } from '../../src/engine/embedding/embedder';
import { buildToolGraph, loadGraph, OFFLINE_MODEL, saveGraph, type ToolGraph } from '../../src/engine/graph';
import { countsAtThreshold, type ThresholdCountsResult } from '../../src/engine/graph/view/thresholdCounts';
import { explainTool } from '../../src/engine/graph/view/explainTool';
import { importPaths, serializeToolSet } from '../../src/engine/import';
import { walkFromTool } from '../../src/engine/sampling';
import type { GraphTestHook } from '../../src/shared/graphView';
import { E2ESession, sessionSteps, sharedToolsDir } from './support';
import { waitUntil } from './support/toolflowSteps';

const TOOLS_REL = '.toolflow/tools/mcp.tools.json';
const GRAPH_REL = '.toolflow/tools/mcp.graph.json';
/** The slider's step (webview-ui/graph: `step="0.005"`). */
const SLIDER_STEP = 0.005;
/** Highlight colour of walks (webview-ui/graph). */
const HIGHLIGHT = '#ffd400';
const round3 = (x: number) => Math.round(x * 1000) / 1000;

type Hooked = Window & { __toolflowGraph: GraphTestHook };
type Rgb = [number, number, number];
type Spot = [string, { x: number; y: number; radius: number } | null];

const hexRgb = (hex: string): Rgb => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;
/** Largest difference of one channel. */
const channelDiff = (a: Rgb, b: Rgb) => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));

/**
 * The pixels on screen (a real screenshot of the window, CSS pixels) of a rectangle of the page,
 * decoded by the browser itself: what the user sees of sigma's WebGL canvas, after compositing.
 */
async function screenPixels(s: E2ESession, clip: { x: number; y: number; width: number; height: number }): Promise<{ at(x: number, y: number): Rgb; clip: typeof clip }> {
  const r = { x: Math.round(clip.x), y: Math.round(clip.y), width: Math.round(clip.width), height: Math.round(clip.height) };
  const png = await s.page.screenshot({ clip: r, scale: 'css' });
  const data = await s.page.evaluate(async ({ b64, w, h }) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const ctx = new OffscreenCanvas(w, h).getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0, w, h);
    return Array.from(ctx.getImageData(0, 0, w, h).data);
  }, { b64: png.toString('base64'), w: r.width, h: r.height });
  return {
    clip: r,
    at(x, y) {
      const i = (Math.round(y - r.y) * r.width + Math.round(x - r.x)) * 4;
      return [data[i]!, data[i + 1]!, data[i + 2]!];
    },
  };
}

async function status(frame: Frame): Promise<Record<string, string>> {
  return frame.locator('#graph-status').evaluate((e) => ({ ...(e as HTMLElement).dataset }) as Record<string, string>);
}

/** Moves the τ slider with the keyboard (each arrow key is one step and one input event) until the view shows `target`. */
async function moveSlider(frame: Frame, target: number): Promise<void> {
  const slider = frame.locator('#graph-threshold');
  await slider.focus();
  const now = Number((await status(frame)).threshold);
  const steps = Math.round((target - now) / SLIDER_STEP);
  for (let i = 0; i < Math.abs(steps); i++) await slider.press(steps < 0 ? 'ArrowLeft' : 'ArrowRight');
  await waitUntil(`τ ${target} on the slider`, async () => Number((await status(frame)).threshold) === target);
}

describe('tool graph view: canvas click, sample from here, rebuild below τ', { timeout: 900_000 }, () => {
  let s: E2ESession;
  let graph: ToolGraph;
  let tau: number;
  let frame: Frame;
  /** The tool clicked on the canvas. */
  let clicked = '';
  /** τ of the rebuild, and the engine's counts of the graph built at that τ. */
  let rebuildTau: number;
  let rebuilt: ThresholdCountsResult & { nodes: number };
  const steps = sessionSteps(() => s);
  const { step } = steps;

  before(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolflow-e2e-graph-canvas-'));
    try {
      const { toolSet } = await importPaths([path.join(sharedToolsDir, 'mcp', 'mcp_tools.jsonl')]);
      const tools = toolSet.tools;
      const cacheDir = path.join(dir, 'cache');
      const embedder = await createEmbedder({ model: OFFLINE_MODEL, offline: true, cacheDir });
      const built = await buildToolGraph(tools, { embedder, cacheDir });
      tau = built.threshold;
      rebuildTau = round3(tau - 4 * SLIDER_STEP);
      const lower = await buildToolGraph(tools, { embedder, cacheDir, threshold: rebuildTau });
      rebuilt = { ...countsAtThreshold(lower.graph, rebuildTau), nodes: lower.graph.order };
      await embedder.dispose();
      // The embedding model setting stays at its default (a hub model this machine cannot download):
      // a rebuild uses the model the graph was built with.
      s = await E2ESession.start({ name: 'graph-canvas', workspaceFiles: { [TOOLS_REL]: serializeToolSet(toolSet) } });
      // The graph file as "Build Tool Graph" leaves it beside the tool set; the test reads it back as the view's host does.
      const graphFile = path.join(s.workspaceDir, GRAPH_REL);
      await saveGraph(built.graph, graphFile);
      graph = await loadGraph(graphFile);
      assert.ok(rebuilt.edges > graph.size, `τ ${rebuildTau} links more tools than τ ${tau}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  after(async () => {
    await s?.close(steps.failed);
  });

  step('a tool clicked on the WebGL canvas with the mouse explains its edges as the engine does', async () => {
    const wb = s.workbench;
    await wb.runCommand('ToolFlow: Show Tool Graph');
    frame = await wb.webviewFrame('#graph-status[data-rendered="1"]', 90_000);
    await waitUntil('the engine’s edge count', async () => Number((await status(frame)).edges) === graph.size);
    await wb.dismissNotifications();
    const canvas = frame.locator('#graph-canvas');
    // Where sigma draws each tool; wait until nothing moves (the panel settling, a resize).
    const names = graph.nodes();
    const read = () => frame.evaluate((ns) => ns.map((n): Spot => [n, (window as unknown as Hooked).__toolflowGraph.nodeViewport(n)]), names);
    let spots: Spot[] = [];
    await waitUntil('the drawing to settle', async () => {
      const prev = JSON.stringify(spots);
      spots = await read();
      await frame.page().waitForTimeout(300);
      return spots.every(([, p]) => p) && JSON.stringify(spots) === prev;
    });
    const box = (await canvas.boundingBox())!;
    // The linked tool whose disc stands furthest from every other disc, well inside the canvas.
    let best: { name: string; x: number; y: number; clearance: number } | undefined;
    for (const [name, p] of spots) {
      if (!p || graph.degree(name) < 2 || p.x < 40 || p.y < 40 || p.x > box.width - 40 || p.y > box.height - 40) continue;
      let clearance = Infinity;
      for (const [other, q] of spots) if (other !== name && q) clearance = Math.min(clearance, Math.hypot(p.x - q.x, p.y - q.y) - p.radius - q.radius);
      if (!best || clearance > best.clearance) best = { name, x: p.x, y: p.y, clearance };
    }
    assert.ok(best && best.clearance > 2, `a linked tool drawn clear of the others (${JSON.stringify(best)})`);
    clicked = best.name;
    await s.page.mouse.click(box.x + best.x, box.y + best.y);
    await waitUntil(`${clicked} selected by the click`, async () => (await status(frame)).selected === clicked, 30_000);
    await frame.locator('#graph-selected-name', { hasText: clicked }).waitFor();
    const expected = explainTool(graph, clicked, tau)!.edges.slice(0, 300);
    const rows = frame.locator('#graph-selected-edges li');
    await waitUntil('the clicked tool’s edges', async () => (await rows.count()) === expected.length);
    const shown = await rows.evaluateAll((lis) =>
      lis.map((li) => ({
        neighbour: li.querySelector('a')?.textContent ?? '',
        kind: li.getAttribute('data-kind'),
        direction: li.getAttribute('data-direction'),
        field: li.getAttribute('data-field'),
        neighbourField: li.getAttribute('data-neighbour-field'),
        similarity: Number(li.getAttribute('data-similarity')),
        why: li.querySelector('.why')?.textContent ?? '',
      })),
    );
    assert.deepEqual(
      shown.map(({ why: _why, ...e }) => e),
      expected.map((e) => ({ neighbour: e.neighbour, kind: e.kind, direction: e.direction, field: e.field, neighbourField: e.neighbourField, similarity: e.similarity })),
    );
    assert.deepEqual(expected.map((e) => e.neighbour).sort(), graph.neighbors(clicked).sort(), 'every edge of the tool is explained');
    for (const [i, e] of expected.entries()) {
      assert.ok(shown[i]!.why.includes(e.field) && shown[i]!.why.includes(e.neighbourField), `the field pair is spelled out: ${shown[i]!.why}`);
    }
    await wb.screenshot('canvas-click-explains-edges');
  });

  step('"Sample from here" draws the engine’s Algorithm 1 walk for its seed, step by step, whatever τ the slider shows', async () => {
    assert.ok(clicked, 'a tool was clicked');
    // Record every step the banner shows, with the observer callback (a task of its own) that saw it:
    // a walk drawn step by step shows each step in a later task than the one before.
    await frame.evaluate(() => {
      const w = window as unknown as { __walkSteps: Array<[number, number]> };
      w.__walkSteps = [];
      let batch = 0;
      new MutationObserver((records) => {
        batch++;
        for (const r of records) {
          const t = r.target as HTMLElement;
          if (t.id === 'graph-walk') w.__walkSteps.push([batch, Number(t.dataset.step)]);
        }
      }).observe(document.getElementById('graph-banner')!, { subtree: true, attributes: true, attributeFilter: ['data-step'] });
    });
    await frame.locator('#graph-sample-size').fill('5');
    await frame.locator('#graph-sample').click();
    const walk = frame.locator('#graph-walk[data-done="true"]');
    await walk.waitFor({ timeout: 60_000 });
    const start = (await walk.getAttribute('data-start'))!;
    const size = Number(await walk.getAttribute('data-size'));
    const seed = Number(await walk.getAttribute('data-seed'));
    assert.equal(start, clicked);
    assert.equal(size, 5);
    assert.match((await walk.textContent())!, new RegExp(`seed ${seed}\\b`), 'the seed is shown, so the walk can be replayed');
    const engine = walkFromTool(graph, start, size, seed);
    assert.ok(engine.steps.length >= 2, 'a walk of several steps');
    const drawn = await frame.evaluate(() => (window as unknown as Hooked).__toolflowGraph.drawnWalk());
    assert.deepEqual(drawn.nodes.map((n) => n.name), engine.tools, 'the walk’s tools, in the order it reached them');
    assert.ok(drawn.nodes.every((n) => n.color === HIGHLIGHT), 'walk tools are highlighted');
    const pair = (a: string, b: string) => [a, b].sort().join(' — ');
    assert.deepEqual(drawn.edges.map((e) => pair(e.source, e.target)).sort(), [...new Set(engine.steps.map((x) => pair(x.from, x.to)))].sort(), 'the walk’s edges');
    const hidden = drawn.edges.filter((e) => e.hidden || e.color !== HIGHLIGHT);
    assert.deepEqual(hidden, [], 'every edge of the walk is drawn, highlighted');
    const seen = await frame.evaluate(() => (window as unknown as { __walkSteps: Array<[number, number]> }).__walkSteps);
    assert.deepEqual(seen.map(([, n]) => n), engine.steps.map((_x, i) => i + 1), 'every step shown, in order');
    assert.equal(new Set(seen.map(([b]) => b)).size, seen.length, `one step at a time: ${JSON.stringify(seen)}`);
    await s.workbench.screenshot('sample-from-here');
    // τ at its top hides every edge of the graph; the walk (on the graph as built, as generation walks it) stays drawn.
    await frame.locator('#graph-threshold').press('End');
    await waitUntil('τ 1', async () => Number((await status(frame)).threshold) === 1);
    const atTop = await frame.evaluate(() => (window as unknown as Hooked).__toolflowGraph.drawnWalk());
    assert.deepEqual(atTop.edges.filter((e) => e.hidden || e.color !== HIGHLIGHT), [], 'the walk stays drawn above every edge’s similarity');
    assert.deepEqual(atTop.nodes.map((n) => n.name), engine.tools);
    await s.workbench.screenshot('walk-above-every-edge');

    // What the user sees (pixels of the screen): dimmed tools close to the background, the walk thick.
    const colours = await frame.evaluate(() => (window as unknown as Hooked).__toolflowGraph.colours());
    const box = (await frame.locator('#graph-canvas').boundingBox())!;
    /** Where sigma draws each tool, in page coordinates. */
    const readDiscs = async () => {
      const spots = await frame.evaluate((ns) => ns.map((n): Spot => [n, (window as unknown as Hooked).__toolflowGraph.nodeViewport(n)]), graph.nodes());
      return spots.filter((x): x is [string, { x: number; y: number; radius: number }] => x[1] !== null).map(([name, p]) => ({ name, x: box.x + p.x, y: box.y + p.y, r: p.radius }));
    };
    let discs = await readDiscs();
    const walkTools = new Set(engine.tools);
    // Labels (only the walk's tools and the selected one keep theirs) are drawn to the right of their disc.
    const underLabel = (x: number, y: number, margin: number) => discs.filter((n) => walkTools.has(n.name) || n.name === clicked).some((n) => x > n.x - margin && x < n.x + n.r + 8 * n.name.length + 20 + margin && Math.abs(y - n.y) < 14 + margin);
    const clearOfDiscs = (x: number, y: number, margin: number, except?: string) => discs.every((n) => n.name === except || Math.hypot(x - n.x, y - n.y) > n.r + margin);
    let px = await screenPixels(s, box);
    const inside = (x: number, y: number, margin: number) => x > box.x + margin && y > box.y + margin && x < box.x + box.width - margin && y < box.y + box.height - margin;
    // The background: a spot of the canvas far from every tool and label.
    let bgSpot: { x: number; y: number } | undefined;
    for (let y = box.y + 20; y < box.y + box.height - 20 && !bgSpot; y += 10) for (let x = box.x + 20; x < box.x + box.width - 20 && !bgSpot; x += 10) if (clearOfDiscs(x, y, 20) && !underLabel(x, y, 20)) bgSpot = { x, y };
    assert.ok(bgSpot, 'an empty spot of the canvas');
    const bg = px.at(bgSpot.x, bgSpot.y);
    assert.ok(channelDiff(bg, hexRgb(colours.background)) <= 4, `the canvas shows the theme's editor background ${colours.background}: ${bg}`);
    // A dimmed tool (neither the walk's, nor the selected one, nor its neighbour), drawn clear of the others.
    const neighbours = new Set(graph.neighbors(clicked));
    const dimmed = discs.filter((n) => !walkTools.has(n.name) && n.name !== clicked && !neighbours.has(n.name) && n.r >= 3 && inside(n.x, n.y, 5) && clearOfDiscs(n.x, n.y, n.r + 1, n.name) && !underLabel(n.x, n.y, n.r));
    assert.ok(dimmed.length > 0, 'a dimmed tool drawn clear of the others');
    // As rgba(136,136,136,0.3) is meant to look over the background: 30 % of the way to the grey.
    const expectDim = bg.map((v) => v + 0.3 * (136 - v)) as Rgb;
    const dimPixels = dimmed.slice(0, 5).map((n) => ({ name: n.name, rgb: px.at(n.x, n.y) }));
    for (const d of dimPixels) assert.ok(channelDiff(d.rgb, expectDim) <= 10, `dimmed tool ${d.name} drawn ${d.rgb}, expected near ${expectDim.map(Math.round)} over the background ${bg} (translucent colours drawn too bright?)`);
    const walkPixel = discs.filter((n) => walkTools.has(n.name)).map((n) => px.at(n.x, n.y));
    assert.ok(walkPixel.some((c) => channelDiff(c, hexRgb(HIGHLIGHT)) <= 10), `a walk tool drawn in the highlight colour: ${JSON.stringify(walkPixel)}`);
    // Walk edges' thickness where they show (dimmed discs and labels drawn over an edge hide parts of
    // it): at each pixel along an edge that shows the highlight, clear of every disc and label, the
    // ink across the edge: the share of the way from the background to the highlight colour, summed
    // across it. Sigma's 1-pixel lines give about 1 at any angle.
    const hl = hexRgb(HIGHLIGHT);
    const span = hl.reduce((n, v, i) => n + (v - bg[i]!) ** 2, 0);
    const share = (c: Rgb) => Math.max(0, Math.min(1, c.reduce((n, v, i) => n + (v - bg[i]!) * (hl[i]! - bg[i]!), 0) / span));
    const reach = 4;
    const measure = (): number[] => {
      const thickness: number[] = [];
      for (const e of atTop.edges) {
      const a = discs.find((n) => n.name === e.source);
      const b = discs.find((n) => n.name === e.target);
      if (!a || !b) continue;
      const length = Math.hypot(b.x - a.x, b.y - a.y);
      const [nx, ny] = [-(b.y - a.y) / length, (b.x - a.x) / length];
      for (let d = 0; d <= length; d += 1) {
        const x = a.x + ((b.x - a.x) * d) / length;
        const y = a.y + ((b.y - a.y) * d) / length;
        if (!inside(x, y, reach + 2) || share(px.at(x, y)) < 0.8) continue;
        const across = Array.from({ length: 8 * reach + 1 }, (_, i) => [x + (i / 4 - reach) * nx, y + (i / 4 - reach) * ny] as const);
        if (!across.every(([qx, qy]) => clearOfDiscs(qx, qy, 2) && !underLabel(qx, qy, 2))) continue;
        const ink = across.reduce((n, [qx, qy]) => n + 0.25 * share(px.at(qx, qy)), 0);
        thickness.push(Math.round(ink * 100) / 100);
      }
    }
    return thickness;
    };
    let thickness = measure();
    // The walk's edges may run under other tools' discs and labels (the walk's seed is random, so its
    // place in the layout is too): zoom in (the mouse wheel) on the point of a walk edge farthest from
    // every other disc, which spreads the discs apart and moves the labels away, and look again, up to
    // four times.
    for (let round = 0; round < 4 && thickness.length < 3; round++) {
      const spots = atTop.edges.flatMap((e) => {
        const a = discs.find((n) => n.name === e.source);
        const b = discs.find((n) => n.name === e.target);
        if (!a || !b) return [];
        return [0.3, 0.4, 0.5, 0.6, 0.7].map((t) => ({ x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t }))
          .filter((p) => inside(p.x, p.y, 10))
          .map((p) => ({ ...p, room: Math.min(...discs.map((n) => Math.hypot(p.x - n.x, p.y - n.y) - n.r)) }));
      });
      assert.ok(spots.length > 0, 'a walk edge on the canvas to zoom in on');
      const at = spots.sort((p, q) => q.room - p.room)[0]!;
      await s.page.mouse.move(at.x, at.y);
      for (let i = 0; i < 4; i++) await s.page.mouse.wheel(0, -300);
      let prev = '';
      await waitUntil('the zoom to settle', async () => {
        const now = JSON.stringify(await readDiscs());
        const settled = now === prev;
        prev = now;
        await frame.page().waitForTimeout(300);
        return settled;
      });
      discs = await readDiscs();
      px = await screenPixels(s, box);
      thickness = measure();
      await s.workbench.screenshot(`walk-zoomed-in-${round + 1}`);
    }
    // Colours across the middle of each walk edge, kept with the screenshots.
    const profiles = atTop.edges.map((e) => {
      const a = discs.find((n) => n.name === e.source)!;
      const b = discs.find((n) => n.name === e.target)!;
      const length = Math.hypot(b.x - a.x, b.y - a.y);
      const [x, y, nx, ny] = [(a.x + b.x) / 2, (a.y + b.y) / 2, -(b.y - a.y) / length, (b.x - a.x) / length];
      return { edge: `${e.source} — ${e.target}`, at: [x, y], across: Array.from({ length: 2 * reach + 1 }, (_, i) => px.at(x + (i - reach) * nx, y + (i - reach) * ny)) };
    });
    fs.writeFileSync(path.join(s.workbench.artifactDir, 'walk-pixels.json'), JSON.stringify({ background: bg, expectDim, dimPixels, walkPixel, walkEdgeThickness: thickness, profiles }));
    assert.ok(thickness.length >= 3, `a walk edge shows clear of discs and labels in at least 3 places: ${thickness.length}`);
    const median = [...thickness].sort((x, y) => x - y)[Math.floor(thickness.length / 2)]!;
    // (size 3 with sigma's antialiased rectangles: about 2 pixels of ink; a 1-pixel line: at most about 1.1)
    assert.ok(median >= 1.5, `walk edges drawn thick (size 3), not as sigma's 1-pixel lines: median ${median} pixels of ink across, of ${thickness.join(', ')}`);
    assert.ok(atTop.edges.every((e) => e.type === 'thick' && e.size === 3), `walk edges on the program that honours their size: ${JSON.stringify(atTop.edges)}`);
  });

  step('a colour theme change mixes the view\'s colours again: the canvas and a dimmed tool follow the new background', async () => {
    const before = await frame.evaluate(() => (window as unknown as Hooked).__toolflowGraph.colours());
    await s.workbench.runCommand('Preferences: Color Theme');
    await s.workbench.pickQuickItem(/^Light Modern/);
    const after = await waitUntil('the view\'s colours mixed for the light theme', async () => {
      const c = await frame.evaluate(() => (window as unknown as Hooked).__toolflowGraph.colours());
      return c.background !== before.background ? c : undefined;
    }, 30_000);
    const bgTheme = hexRgb(after.background);
    assert.ok(bgTheme.every((v) => v > 200), `a light background: ${after.background} (was ${before.background})`);
    // The walk still shows (τ at its top): every other tool is dimmed. Pixels of the screen once the redraw is on it.
    const box = (await frame.locator('#graph-canvas').boundingBox())!;
    const spots = await frame.evaluate((ns) => ns.map((n): Spot => [n, (window as unknown as Hooked).__toolflowGraph.nodeViewport(n)]), graph.nodes());
    const discs = spots.filter((x): x is [string, { x: number; y: number; radius: number }] => x[1] !== null).map(([name, p]) => ({ name, x: box.x + p.x, y: box.y + p.y, r: p.radius }));
    const walk = new Set((await frame.evaluate(() => (window as unknown as Hooked).__toolflowGraph.drawnWalk())).nodes.map((n) => n.name));
    const neighbours = new Set(graph.neighbors(clicked));
    const clear = (x: number, y: number, margin: number, except?: string) => discs.every((n) => n.name === except || Math.hypot(x - n.x, y - n.y) > n.r + margin);
    const labelled = discs.filter((n) => walk.has(n.name) || n.name === clicked);
    const underLabel = (x: number, y: number, margin: number) => labelled.some((n) => x > n.x - margin && x < n.x + n.r + 8 * n.name.length + 20 + margin && Math.abs(y - n.y) < 14 + margin);
    const inside = (x: number, y: number, margin: number) => x > box.x + margin && y > box.y + margin && x < box.x + box.width - margin && y < box.y + box.height - margin;
    const dimmed = discs.filter((n) => !walk.has(n.name) && n.name !== clicked && !neighbours.has(n.name) && n.r >= 3 && inside(n.x, n.y, 5) && clear(n.x, n.y, n.r + 1, n.name) && !underLabel(n.x, n.y, n.r));
    assert.ok(dimmed.length > 0, 'a dimmed tool drawn clear of the others');
    let bgSpot: { x: number; y: number } | undefined;
    for (let y = box.y + 20; y < box.y + box.height - 20 && !bgSpot; y += 10) for (let x = box.x + 20; x < box.x + box.width - 20 && !bgSpot; x += 10) if (clear(x, y, 20) && !underLabel(x, y, 20)) bgSpot = { x, y };
    assert.ok(bgSpot, 'an empty spot of the canvas');
    const expectDim = bgTheme.map((v) => v + 0.3 * (136 - v)) as Rgb;
    const seen = await waitUntil('the canvas redrawn in the light theme\'s colours', async () => {
      const px = await screenPixels(s, box);
      const bg = px.at(bgSpot.x, bgSpot.y);
      const dims = dimmed.slice(0, 5).map((n) => ({ name: n.name, rgb: px.at(n.x, n.y) }));
      return channelDiff(bg, bgTheme) <= 4 && dims.every((d) => channelDiff(d.rgb, expectDim) <= 10) ? { bg, dims } : undefined;
    }, 15_000).catch(async (e: unknown) => {
      const px = await screenPixels(s, box);
      throw new Error(`${String(e)}: background ${px.at(bgSpot.x, bgSpot.y)} (theme ${bgTheme}), dimmed ${JSON.stringify(dimmed.slice(0, 5).map((n) => px.at(n.x, n.y)))} (expected near ${expectDim.map(Math.round)})`);
    });
    fs.writeFileSync(path.join(s.workbench.artifactDir, 'light-theme-pixels.json'), JSON.stringify({ before, after, ...seen, expectDim }));
    await s.workbench.screenshot('light-theme');
  });

  step('the τ slider below the built threshold offers a rebuild; the rebuilt graph has the engine’s counts at that τ', async () => {
    await moveSlider(frame, rebuildTau);
    const button = frame.locator('#graph-rebuild:not([hidden])');
    await button.waitFor();
    assert.equal(await button.textContent(), `Rebuild at τ ${rebuildTau.toFixed(3)}`);
    // Below the built threshold the view counts what the graph holds (the edges under τ are not in it yet).
    const below = await waitUntil('counts at the built τ', async () => {
      const x = await status(frame);
      return Number(x.countsThreshold) === tau ? x : undefined;
    });
    assert.equal(Number(below.edges), graph.size);
    await s.workbench.screenshot('rebuild-offered');
    await button.click();
    const result = await waitUntil(
      `the graph rebuilt at τ ${rebuildTau}`,
      async () => {
        const failure = (await s.workbench.notificationTexts()).find((t) => /tool graph failed|no tool set beside/.test(t));
        if (failure) return { failure };
        const x = await status(frame);
        return Number(x.builtThreshold) === rebuildTau && Number(x.countsThreshold) === rebuildTau ? { st: x } : undefined;
      },
      180_000,
      500,
    );
    assert.ok(result.st, `the rebuild failed: ${result.failure}`);
    const st = result.st;
    assert.equal(Number(st.nodes), rebuilt.nodes);
    assert.equal(Number(st.edges), rebuilt.edges, 'the engine’s edge count at the new τ');
    assert.equal(Number(st.components), rebuilt.components);
    assert.equal(Number(st.threshold), rebuildTau, 'the slider sits on the new built threshold');
    await frame.locator('#graph-rebuild[hidden]').waitFor({ state: 'attached' });
    // The walk was the old graph's: nothing of it stays drawn on the rebuilt one.
    assert.equal(st.walk, '0');
    assert.deepEqual(await frame.evaluate(() => (window as unknown as Hooked).__toolflowGraph.drawnWalk()), { nodes: [], edges: [] });
    const onDisk = await loadGraph(path.join(s.workspaceDir, GRAPH_REL));
    assert.equal(onDisk.size, rebuilt.edges, 'the graph file beside the tool set was rebuilt');
    assert.equal(onDisk.getAttribute('model'), OFFLINE_MODEL, 'with the model the graph was built with');
    // "Build Tool Graph" laid the new graph out for the view in the background and cached it beside the graph.
    await waitUntil('the background layout after the build', () => /Tool graph layout of mcp\.graph\.json: \d+ communities, cached beside it/.test(s.toolflowLog()));
    assert.ok(fs.existsSync(path.join(s.workspaceDir, GRAPH_REL.replace(/\.json$/, '.layout.json'))), 'the layout cached beside the graph');
    // The tool still selected now explains its edges of the rebuilt graph.
    const expected = explainTool(onDisk, clicked, rebuildTau)!.edges.slice(0, 300);
    await waitUntil('the clicked tool’s edges at the new τ', async () => Number(await frame.locator('#graph-selected-edges').getAttribute('data-count')) === explainTool(onDisk, clicked, rebuildTau)!.edges.length);
    assert.equal(await frame.locator('#graph-selected-edges li').count(), expected.length);
    await s.workbench.screenshot('rebuilt-at-lower-tau');
  });
});
