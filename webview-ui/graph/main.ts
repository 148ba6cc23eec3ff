/**
 * Tool graph webview: sigma.js (WebGL) on graphology. The host sends the graph once (typed arrays,
 * layout and Louvain communities precomputed by the engine); this page draws it, filters edges by
 * τ through an edge reducer (no graph rebuild), asks the host for a tool's details, the engine's
 * counts at τ and Algorithm 1 walks, and animates walks step by step. All text goes through
 * textContent (tool names and descriptions are untrusted); sigma draws labels on a canvas.
 *
 * DOM hooks for tests: `#graph-status` carries data-nodes, data-edges, data-components,
 * data-threshold, data-built-threshold, data-counts-threshold (the τ of the engine's edge and
 * component counts shown: they arrive after the slider moves), data-highlighted, data-selected,
 * data-walk, data-render-ms, data-redraw-ms (the last full redraw: a selection, a walk step, τ);
 * `#graph-walk` carries data-start, data-size, data-seed, data-step and data-done of the walk drawn.
 * Test hook: `window.__toolflowGraph` (type `GraphTestHook`) tells where sigma draws a tool (so a
 * test can click it with the mouse) and what it draws of the walk (read back from sigma's display
 * data, after the reducers). It reads sigma's state and changes nothing.
 */
import Graph from 'graphology';
import Sigma from 'sigma';
import { EdgeLineProgram, EdgeRectangleProgram, NodePointProgram } from 'sigma/rendering';
import type { FromGraphWebview, GraphPayload, GraphRequest, GraphTestHook, GraphWebviewState, HighlightView, ThresholdCounts, ToGraphWebview, ToolDetails, WalkView } from '../../src/shared/graphView';
import { clear, el } from '../shared/dom';
import { getVsCodeApi } from '../shared/vscodeApi';
import { graphColours, type GraphColours } from './themeColours';

const vscode = getVsCodeApi<GraphWebviewState, FromGraphWebview>();
const saved = vscode.getState();

const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#86bcb6', '#d37295', '#8cd17d', '#b6992d', '#499894', '#f1ce63', '#a0cbe8'];
const HIGHLIGHT = '#ffd400';
/**
 * Edge programs: sigma's 1-pixel lines for the many edges at rest (the cheapest to fill and draw on
 * all of ToolBench), rectangles, which honour `size`, for the few drawn thicker (a walk's, the
 * selected tool's): the edge reducer switches those to `thick`.
 */
const EDGE_PROGRAMS = { line: EdgeLineProgram, thick: EdgeRectangleProgram };
/**
 * Nodes as WebGL points: one vertex per tool, one draw call. Sigma's default circle program draws
 * each node as an instance, which software WebGL (SwiftShader, no GPU) runs as one draw per node:
 * all of ToolBench's 46k tools took ~3 s to raster that way (bench/graph-view-render.ts).
 */
const NODE_PROGRAMS = { point: NodePointProgram };

/** Opaque colours mixed with the theme's background (see themeColours.ts for why nothing is translucent). */
function themeColours(): GraphColours {
  const css = getComputedStyle(document.documentElement);
  const body = getComputedStyle(document.body);
  return graphColours(css.getPropertyValue('--vscode-editor-background') || body.backgroundColor, css.getPropertyValue('--vscode-editor-foreground') || body.color);
}
let colours = themeColours();

const app = document.getElementById('app')!;
const search = el('input', { attrs: { id: 'graph-search', type: 'search', placeholder: 'Search a tool…', 'aria-label': 'Search a tool', list: 'graph-matches' } });
const matches = el('ul', { className: 'matches', attrs: { id: 'graph-search-results', role: 'listbox' } });
const tauInput = el('input', { attrs: { id: 'graph-threshold', type: 'range', min: '0', max: '1', step: '0.005', 'aria-label': 'Edge threshold τ' } });
const tauLabel = el('span', { className: 'tau', attrs: { id: 'graph-threshold-value' } });
const rebuild = el('button', { text: 'Rebuild', attrs: { id: 'graph-rebuild', hidden: '' } });
const status = el('div', { className: 'status', attrs: { id: 'graph-status', role: 'status', 'aria-live': 'polite' }, text: 'Loading the tool graph…' });
const banner = el('div', { className: 'banner', attrs: { id: 'graph-banner', hidden: '' } });
const canvas = el('div', { className: 'canvas', attrs: { id: 'graph-canvas' } });
const details = el('aside', { className: 'details', attrs: { id: 'graph-details', 'aria-label': 'Selected tool' } }, [el('p', { className: 'hint', text: 'Click a tool, or search one, to see why it is linked.' })]);
app.append(
  el('header', { className: 'toolbar' }, [el('div', { className: 'search' }, [search, matches]), el('label', { className: 'slider' }, [el('span', { text: 'τ' }), tauInput, tauLabel]), rebuild]),
  status,
  banner,
  el('div', { className: 'body' }, [canvas, details]),
);

interface State {
  payload: GraphPayload | null;
  threshold: number;
  selected: string | null;
  neighbours: Set<string>;
  highlight: Set<string>;
  walk: Set<string>;
  walkEdges: Set<string>;
  counts: ThresholdCounts | null;
}
const state: State = { payload: null, threshold: saved?.threshold ?? 0, selected: saved?.selected ?? null, neighbours: new Set(), highlight: new Set(), walk: new Set(), walkEdges: new Set(), counts: null };
let graph: Graph | null = null;
let renderMs = 0;
let walkTimer: ReturnType<typeof setTimeout> | undefined;
/** Edges added on demand (a selected tool's or a walk's, not drawn at this level of detail). */
const extraEdges = new Set<string>();

function ensureEdge(a: string, b: string, similarity: number): string | undefined {
  if (!graph || !graph.hasNode(a) || !graph.hasNode(b)) return undefined;
  const existing = graph.edge(a, b);
  if (existing) return existing;
  const key = graph.addEdge(a, b, { similarity, size: 1 });
  extraEdges.add(key);
  return key;
}

function dropExtraEdges(keep: (key: string) => boolean): void {
  if (!graph) return;
  for (const key of [...extraEdges]) {
    if (keep(key)) continue;
    if (graph.hasEdge(key)) graph.dropEdge(key);
    extraEdges.delete(key);
  }
}

// ---- request / reply with the host ----
let nextId = 1;
const pending = new Map<number, (r: unknown) => void>();
function request<R>(method: GraphRequest['method'], params: GraphRequest['params']): Promise<R> {
  const id = nextId++;
  return new Promise<R>((resolve) => {
    pending.set(id, resolve as (r: unknown) => void);
    vscode.postMessage({ kind: 'request', id, method, params } as GraphRequest);
  });
}
function post(m: FromGraphWebview): void {
  vscode.postMessage(m);
}
function save(): void {
  if (state.payload) vscode.setState({ file: state.payload.file, threshold: state.threshold, selected: state.selected });
}

// ---- status line (the DOM hook the tests read) ----
function renderStatus(): void {
  const p = state.payload;
  if (!p) return;
  const c = state.counts;
  const below = state.threshold < p.builtThreshold;
  status.dataset.nodes = String(p.nodes);
  status.dataset.edges = c ? String(c.edges) : '';
  status.dataset.components = c ? String(c.components) : '';
  status.dataset.countsThreshold = c ? String(c.threshold) : '';
  status.dataset.threshold = String(state.threshold);
  status.dataset.builtThreshold = String(p.builtThreshold);
  status.dataset.highlighted = String(state.highlight.size);
  status.dataset.selected = state.selected ?? '';
  status.dataset.walk = String(state.walk.size);
  status.dataset.renderMs = String(renderMs);
  status.dataset.communities = String(p.communities);
  status.dataset.drawnEdges = String(p.edgeSource.length);
  const parts = [
    `${p.nodes.toLocaleString('en-US')} tools`,
    c ? `${c.edges.toLocaleString('en-US')} edges at τ ${c.threshold.toFixed(3)}` : '…',
    c ? `${c.components.toLocaleString('en-US')} components (${c.isolated.toLocaleString('en-US')} isolated)` : '',
    `${p.communities} communities`,
    `model ${p.model}, built at τ ${p.builtThreshold}${p.maxDegree ? `, degree cap ${p.maxDegree}` : ''}`,
  ];
  if (below) parts.push(`τ below the built threshold: rebuild to see more edges`);
  if (p.drawnPerTool !== null) parts.push(`drawing ${p.edgeSource.length.toLocaleString('en-US')} of ${p.edges.toLocaleString('en-US')} edges (each tool's ${p.drawnPerTool} strongest; a selected tool shows all of its own)`);
  if (state.highlight.size) parts.push(`${state.highlight.size} highlighted`);
  status.textContent = parts.filter(Boolean).join(' · ');
  rebuild.hidden = !below;
  rebuild.textContent = `Rebuild at τ ${state.threshold.toFixed(3)}`;
  tauLabel.textContent = state.threshold.toFixed(3);
}

async function refreshCounts(): Promise<void> {
  const tau = Math.max(state.threshold, state.payload?.builtThreshold ?? -1);
  const counts = await request<ThresholdCounts>('graph/counts', { threshold: tau });
  if (tau === Math.max(state.threshold, state.payload?.builtThreshold ?? -1)) {
    state.counts = counts;
    renderStatus();
  }
}

// ---- graph drawing ----
function colourOf(community: number): string {
  return community < PALETTE.length ? PALETTE[community]! : '#999';
}

/** Settings that depend on the graph's size (labels and z-order cost more than they show on big graphs). */
function sizeSettings(small: boolean): { labelDensity: number; labelRenderedSizeThreshold: number; zIndex: boolean } {
  return { labelDensity: small ? 1 : 0.07, labelRenderedSizeThreshold: small ? 4 : 8, zIndex: small };
}
let smallGraph = true;

/**
 * The page's one renderer, made as the page opens, while the host is still reading the graph file.
 * With software WebGL (no GPU) the first draw of each program costs ~1 s of shader compilation and
 * context set-up whatever the graph's size; a warm-up graph drawn now (three tools and an edge of
 * each program, in the background colour: nothing shows) pays it before the graph arrives
 * (bench/graph-view-render.ts measures both). `load` swaps the real graph in with `setGraph`.
 */
function createRenderer(): Sigma {
  const warm = new Graph({ type: 'undirected', multi: false, allowSelfLoops: false });
  const hidden = { size: 1, color: colours.background, label: '' };
  warm.addNode('warm-a', { ...hidden, x: 0, y: 0 });
  warm.addNode('warm-b', { ...hidden, x: 1, y: 1 });
  warm.addNode('warm-c', { ...hidden, x: 1, y: 0 });
  warm.addEdge('warm-a', 'warm-b', { similarity: 1, size: 0.5, color: colours.background });
  warm.addEdge('warm-b', 'warm-c', { similarity: 1, size: 1, color: colours.background, type: 'thick' });
  const r = new Sigma(warm, canvas, {
    defaultNodeType: 'point',
    nodeProgramClasses: NODE_PROGRAMS,
    defaultEdgeType: 'line',
    edgeProgramClasses: EDGE_PROGRAMS,
    hideEdgesOnMove: true,
    hideLabelsOnMove: true,
    enableEdgeEvents: false,
    renderEdgeLabels: false,
    ...sizeSettings(true),
    labelGridCellSize: 60,
    labelColor: { color: colours.label },
    defaultEdgeColor: colours.edge,
    nodeReducer: (node, data) => {
      const focus = state.highlight.size > 0 || state.walk.size > 0 || state.selected !== null;
      if (!focus) return data; // the common case costs nothing (46k nodes per refresh)
      const res = { ...data } as typeof data & { highlighted?: boolean; zIndex?: number; hidden?: boolean };
      if (state.walk.has(node) || state.highlight.has(node)) {
        res.color = HIGHLIGHT;
        res.highlighted = true;
        res.zIndex = 2;
        res.size = (data.size as number) + 3;
      } else if (node === state.selected) {
        res.highlighted = true;
        res.zIndex = 2;
      } else if (state.neighbours.has(node)) {
        res.zIndex = 1;
      } else if (focus) {
        res.color = colours.dim;
        res.label = '';
        res.zIndex = 0;
      }
      return res;
    },
    edgeReducer: (edge, data) => {
      const above = (data.similarity as number) > state.threshold;
      if (above && state.selected === null && state.walkEdges.size === 0) return data;
      const res = { ...data } as typeof data & { hidden?: boolean; zIndex?: number; type?: keyof typeof EDGE_PROGRAMS };
      if (state.walkEdges.has(edge)) {
        // A walk runs on the graph as built (as generation walks it): its steps stay drawn at any τ.
        res.color = HIGHLIGHT;
        res.type = 'thick';
        res.size = 3;
        res.zIndex = 2;
        return res;
      }
      if (!above) {
        res.hidden = true;
        return res;
      }
      if (state.selected !== null) {
        const [s, t] = r.getGraph().extremities(edge);
        if (s === state.selected || t === state.selected) {
          res.color = colours.selectedEdge;
          res.type = 'thick';
          res.size = 1.5;
          res.zIndex = 1;
        } else if (!smallGraph) res.hidden = true;
      }
      return res;
    },
  });
  r.on('clickNode', ({ node }) => void select(node, false));
  r.on('clickStage', () => void select(null, false));
  return r;
}
// Hidden while it warms up: software WebGL reads a visible canvas back on the main thread to
// composite it, so the warm-up frame would hold the page (and the graph's message) for ~1 s while the
// shaders compile; hidden, nothing waits for it (bench/graph-view-render.ts, A/B: 3.1–4.9 s from
// opening the panel to the first frame of all ToolBench, against 4.7–5.4 s with it visible).
canvas.style.visibility = 'hidden';
const renderer = createRenderer();

function load(p: GraphPayload): void {
  const started = performance.now();
  state.payload = p;
  // A new graph (or the same file rebuilt): the counts, a walk and a highlight were the previous
  // graph's (walk edges are keys of its edge list), and the banner that clears them is hidden below.
  state.counts = null;
  if (walkTimer) clearTimeout(walkTimer);
  state.walk.clear();
  state.walkEdges.clear();
  state.highlight.clear();
  if (!(state.threshold >= p.builtThreshold - 0.1 && state.threshold <= 1) || saved?.file !== p.file) state.threshold = p.builtThreshold;
  tauInput.min = String(Math.max(-1, Math.round((p.builtThreshold - 0.1) * 1000) / 1000));
  tauInput.max = '1';
  tauInput.value = String(state.threshold);
  extraEdges.clear();
  const g = new Graph({ type: 'undirected', multi: false, allowSelfLoops: false });
  const maxDeg = p.degree.reduce((m, d) => Math.max(m, d), 1);
  const small = p.nodes < 5000;
  for (let i = 0; i < p.names.length; i++) {
    const d = p.degree[i]!;
    g.addNode(p.names[i]!, { x: p.x[i]!, y: p.y[i]!, size: (small ? 3 : 1.5) + (small ? 8 : 6) * Math.sqrt(d / maxDeg), color: colourOf(p.community[i]!), label: p.names[i]!, community: p.community[i]! });
  }
  const names = p.names;
  for (let k = 0; k < p.edgeSource.length; k++) {
    g.addEdgeWithKey(`e${k}`, names[p.edgeSource[k]!]!, names[p.edgeTarget[k]!]!, { similarity: p.edgeSimilarity[k]!, size: small ? 1 : 0.5 });
  }
  graph = g;
  status.dataset.graphMs = String(Math.round(performance.now() - started));
  // The renderer made (and warmed up) when the page opened: its WebGL contexts and shader programs
  // are ready. A settings change re-indexes the graph it holds, so it is made only when the size
  // class changes (the warm-up graph is tiny); setGraph indexes the new graph and draws it once.
  if (small !== smallGraph) renderer.setSettings(sizeSettings(small));
  smallGraph = small;
  renderer.getCamera().setState({ x: 0.5, y: 0.5, ratio: 1, angle: 0 });
  canvas.style.visibility = '';
  renderer.setGraph(g);
  renderMs = Math.round(performance.now() - started);
  status.dataset.sigmaMs = String(renderMs);
  // The frame is on screen after the next animation frame.
  requestAnimationFrame(() => {
    renderMs = Math.round(performance.now() - started);
    status.dataset.rendered = '1';
    renderStatus();
    post({ kind: 'notification', method: 'graph/rendered', params: { ms: renderMs, nodes: p.nodes, edges: p.edges } });
  });
  canvas.dataset.ready = '1';
  banner.hidden = true;
  renderStatus();
  void refreshCounts();
  if (state.selected && g.hasNode(state.selected)) void select(state.selected, true);
  else state.selected = null;
  save();
}

const testHook: GraphTestHook = {
  nodeViewport(name) {
    const d = renderer?.getNodeDisplayData(name);
    if (!renderer || !d || d.hidden) return null;
    const v = renderer.framedGraphToViewport({ x: d.x, y: d.y });
    return { x: v.x, y: v.y, radius: renderer.scaleSize(d.size) };
  },
  colours() {
    return { ...colours };
  },
  drawnWalk() {
    const nodes = [...state.walk].map((name) => ({ name, color: renderer?.getNodeDisplayData(name)?.color ?? '' }));
    const edges = [...state.walkEdges].flatMap((key) => {
      const d = renderer?.getEdgeDisplayData(key);
      if (!graph?.hasEdge(key) || !d) return [];
      return [{ source: graph.source(key), target: graph.target(key), hidden: d.hidden, color: d.color, type: d.type, size: d.size }];
    });
    return { nodes, edges };
  },
};
(window as unknown as { __toolflowGraph: GraphTestHook }).__toolflowGraph = testHook;

function redraw(): void {
  if (!renderer) return;
  const t = performance.now();
  renderer.refresh({ skipIndexation: true });
  // Reducers over every node and edge, program buffers refilled, one frame drawn (bench/graph-view-render.ts reads it).
  status.dataset.redrawMs = String(Math.round(performance.now() - t));
}

// VS Code sets its theme's variables on <html> and a theme class on <body> when the theme changes: mix again.
function onThemeChange(): void {
  const next = themeColours();
  if (JSON.stringify(next) === JSON.stringify(colours)) return;
  colours = next;
  if (!renderer) return;
  renderer.setSetting('labelColor', { color: colours.label });
  renderer.setSetting('defaultEdgeColor', colours.edge); // (a setting change redraws, through the reducers)
}
const themeObserver = new MutationObserver(onThemeChange);
themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
themeObserver.observe(document.body, { attributes: true, attributeFilter: ['class'] });

/** Puts the camera on a tool. */
function focusOn(node: string): void {
  if (!renderer) return;
  const d = renderer.getNodeDisplayData(node);
  if (!d) return;
  void renderer.getCamera().animate({ x: d.x, y: d.y, ratio: 0.08 }, { duration: 300 });
}

// ---- details of the selected tool ----
function fieldTable(title: string, fields: ToolDetails['parameters'], id: string): HTMLElement {
  const box = el('section', { className: 'fields', attrs: { id } }, [el('h3', { text: title })]);
  if (fields === null) {
    box.append(el('p', { className: 'hint', text: 'The tool set file is not beside the graph: only counts are known.' }));
    return box;
  }
  if (fields.length === 0) {
    box.append(el('p', { className: 'hint', text: 'none' }));
    return box;
  }
  const ul = el('ul');
  for (const f of fields) {
    ul.append(el('li', { attrs: { 'data-field': f.path } }, [
      el('code', { text: f.path }),
      el('span', { className: 'type', text: ` ${f.type}${f.required ? ' · required' : ''}` }),
      f.description ? el('div', { className: 'desc', text: f.description }) : null,
    ]));
  }
  box.append(ul);
  return box;
}

function renderDetails(d: ToolDetails): void {
  clear(details);
  const size = el('input', { attrs: { id: 'graph-sample-size', type: 'number', min: '2', max: '20', value: '4', 'aria-label': 'Tools per sample' } });
  const sample = el('button', { text: 'Sample from here', attrs: { id: 'graph-sample' } });
  sample.addEventListener('click', () => post({ kind: 'notification', method: 'graph/sample', params: { start: d.name, size: Math.max(2, Math.min(20, Number(size.value) || 4)), seed: Math.floor(Math.random() * 2 ** 31) } }));
  details.append(
    el('h2', { text: d.name, attrs: { id: 'graph-selected-name' } }),
    el('p', { className: 'desc', text: d.description || '(no description)', attrs: { id: 'graph-selected-description' } }),
    el('p', { className: 'meta', text: `${d.format} · ${d.source}` }),
    el('div', { className: 'sample' }, [sample, size, el('span', { text: ' tools (paper Algorithm 1, drawn step by step)' })]),
    fieldTable('Parameters', d.parameters, 'graph-selected-parameters'),
    fieldTable('Returns', d.returns, 'graph-selected-returns'),
  );
  const edges = el('section', { className: 'edges', attrs: { id: 'graph-selected-edges', 'data-count': String(d.edges.length) } }, [el('h3', { text: `Neighbours at τ ${state.threshold.toFixed(3)} (${d.edges.length})` })]);
  const ol = el('ol');
  for (const e of d.edges.slice(0, 300)) {
    const why =
      e.kind === 'P-P'
        ? `P-P: parameter ${e.field} ~ parameter ${e.neighbourField}`
        : e.direction === 'out'
          ? `R-P →: this tool's result ${e.field} feeds its parameter ${e.neighbourField}`
          : `R-P ←: its result ${e.neighbourField} feeds this tool's parameter ${e.field}`;
    const link = el('a', { text: e.neighbour, attrs: { href: '#', 'data-neighbour': e.neighbour } });
    link.addEventListener('click', (ev) => {
      ev.preventDefault();
      void select(e.neighbour, true);
    });
    ol.append(el('li', { attrs: { 'data-kind': e.kind, 'data-direction': e.direction, 'data-similarity': String(e.similarity), 'data-field': e.field, 'data-neighbour-field': e.neighbourField } }, [
      link,
      el('span', { className: 'sim', text: ` ${e.similarity.toFixed(3)}` }),
      el('div', { className: 'why', text: why }),
    ]));
  }
  edges.append(ol);
  if (d.edges.length > 300) edges.append(el('p', { className: 'hint', text: `… and ${d.edges.length - 300} more` }));
  details.append(edges);
}

async function select(node: string | null, focus: boolean): Promise<void> {
  if (!graph) return;
  state.selected = node && graph.hasNode(node) ? node : null;
  state.neighbours = new Set(state.selected ? graph.neighbors(state.selected) : []);
  renderStatus();
  redraw();
  save();
  if (!state.selected) {
    dropExtraEdges((key) => state.walkEdges.has(key));
    clear(details);
    details.append(el('p', { className: 'hint', text: 'Click a tool, or search one, to see why it is linked.' }));
    return;
  }
  if (focus) focusOn(state.selected);
  const d = await request<ToolDetails | null>('graph/tool', { name: state.selected, threshold: state.threshold });
  if (d && d.name === state.selected) {
    dropExtraEdges((key) => state.walkEdges.has(key));
    for (const e of d.edges) ensureEdge(d.name, e.neighbour, e.similarity);
    redraw();
    renderDetails(d);
  }
}

// ---- search ----
function runSearch(): void {
  clear(matches);
  const q = search.value.trim().toLowerCase();
  if (!q || !state.payload) return;
  const names = state.payload.names;
  const exact = names.find((n) => n.toLowerCase() === q);
  const found = exact ? [exact] : [];
  for (const n of names) {
    if (found.length >= 20) break;
    if (n !== exact && n.toLowerCase().includes(q)) found.push(n);
  }
  for (const n of found) {
    const li = el('li', { text: n, attrs: { role: 'option', tabindex: '0', 'data-name': n } });
    const choose = () => {
      clear(matches);
      search.value = n;
      void select(n, true);
    };
    li.addEventListener('click', choose);
    li.addEventListener('keydown', (e) => e.key === 'Enter' && choose());
    matches.append(li);
  }
  if (found.length === 0) matches.append(el('li', { className: 'hint', text: 'no tool matches' }));
}
search.addEventListener('input', runSearch);
search.addEventListener('keydown', (e) => {
  if (e.key !== 'Enter' || !state.payload) return;
  const first = matches.querySelector('li[data-name]');
  if (first) (first as HTMLElement).click();
});

// ---- threshold ----
let tauTimer: ReturnType<typeof setTimeout> | undefined;
tauInput.addEventListener('input', () => {
  state.threshold = Math.round(Number(tauInput.value) * 1000) / 1000;
  renderStatus();
  redraw();
  save();
  if (tauTimer) clearTimeout(tauTimer);
  tauTimer = setTimeout(() => {
    void refreshCounts();
    if (state.selected) void select(state.selected, false);
  }, 120);
});
rebuild.addEventListener('click', () => post({ kind: 'notification', method: 'graph/rebuild', params: { threshold: state.threshold } }));

// ---- highlight (Show in Graph) and walks ----
function showHighlight(h: HighlightView): void {
  state.highlight = new Set(h.tools);
  state.walk.clear();
  state.walkEdges.clear();
  banner.hidden = false;
  clear(banner);
  banner.append(el('span', { text: `Highlighted: ${h.title} — ${h.tools.length} tools${h.missing.length ? ` (${h.missing.length} not in this graph: ${h.missing.join(', ')})` : ''}` }));
  const list = el('span', { className: 'highlight-list', attrs: { id: 'graph-highlight-list' } });
  for (const t of h.tools) {
    const a = el('a', { text: t, attrs: { href: '#', 'data-name': t } });
    a.addEventListener('click', (ev) => {
      ev.preventDefault();
      void select(t, true);
    });
    list.append(a, document.createTextNode(' '));
  }
  const clearBtn = el('button', { text: 'Clear', attrs: { id: 'graph-highlight-clear' } });
  clearBtn.addEventListener('click', () => {
    state.highlight.clear();
    banner.hidden = true;
    renderStatus();
    redraw();
  });
  banner.append(list, clearBtn);
  renderStatus();
  redraw();
  if (h.tools[0]) focusOn(h.tools[0]);
}

function playWalk(w: WalkView): void {
  if (!graph) return;
  if (walkTimer) clearTimeout(walkTimer);
  state.highlight.clear();
  state.walk = new Set([w.start]);
  state.walkEdges.clear();
  banner.hidden = false;
  clear(banner);
  const line = el('span', { attrs: { id: 'graph-walk', 'data-start': w.start, 'data-size': String(w.size), 'data-seed': String(w.seed) } });
  banner.append(line);
  let i = 0;
  const step = () => {
    if (i < w.steps.length) {
      const s = w.steps[i++]!;
      const e = ensureEdge(s.from, s.to, s.similarity);
      if (e) state.walkEdges.add(e);
      state.walk.add(s.to);
    }
    line.textContent = `Algorithm 1 from ${w.start} (seed ${w.seed}): step ${i}/${w.steps.length} · ${state.walk.size} tools: ${[...state.walk].join(', ')}${i === w.steps.length && w.short ? ' (component smaller than the sample size)' : ''}`;
    line.dataset.step = String(i);
    line.dataset.done = String(i === w.steps.length);
    renderStatus();
    redraw();
    if (i < w.steps.length) walkTimer = setTimeout(step, 350);
  };
  step();
}

window.addEventListener('message', (event: MessageEvent<ToGraphWebview>) => {
  const m = event.data;
  if (m.kind === 'response') {
    const resolve = pending.get(m.inReplyTo);
    pending.delete(m.inReplyTo);
    resolve?.(m.result ?? null);
    return;
  }
  switch (m.method) {
    case 'graph/load':
      load(m.params);
      break;
    case 'graph/highlight':
      showHighlight(m.params);
      break;
    case 'graph/walk':
      playWalk(m.params);
      break;
    case 'graph/progress':
      // (also over a graph shown, e.g. while a rebuilt one is laid out; load() writes the status line again)
      status.textContent = m.params.message;
      break;
    case 'graph/error':
      banner.hidden = false;
      banner.textContent = m.params.message;
      banner.dataset.error = '1';
      break;
  }
});

post({ kind: 'notification', method: 'graph/ready', params: {} });
