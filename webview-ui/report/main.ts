/**
 * The quality report page: a Table-2-style comparison of runs, Table 1 statistics, per-dialogue
 * distributions as bar charts (Chart.js, bundled: no network), near-duplicate clusters and leakage.
 * One bundle for two hosts:
 *   - the self-contained HTML file of `toolflow report` (data in <script type="application/json" id="toolflow-report-data">);
 *   - the "ToolFlow: Show Quality Report" webview (data arrives as a `report/data` message).
 * Only draws what the engine computed; every text (tool names, snippets of model output) goes
 * through textContent.
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Title, Tooltip } from 'chart.js';
import type { Distribution, QualityReport, ReportFromWebview, ReportToWebview, RunQuality } from '../../src/shared/qualityReport';
import { clear, el } from '../shared/dom';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Title, Tooltip);

const CSS = `
:root { color-scheme: light dark; }
body { font-family: var(--vscode-font-family, system-ui, sans-serif); font-size: var(--vscode-font-size, 14px);
  color: var(--vscode-foreground, #1f2328); background: var(--vscode-editor-background, #ffffff); margin: 0; padding: 16px 24px; }
h1 { font-size: 1.5em; margin: 0 0 4px; } h2 { font-size: 1.2em; margin: 28px 0 8px; border-bottom: 1px solid var(--vscode-panel-border, #d0d7de); padding-bottom: 4px; }
.meta, .hint { color: var(--vscode-descriptionForeground, #59636e); font-size: 0.9em; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid var(--vscode-panel-border, #d0d7de); padding: 4px 10px; text-align: right; }
th:first-child, td:first-child, td.text { text-align: left; }
thead th { background: var(--vscode-editorWidget-background, #f6f8fa); }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 16px; }
.chart { border: 1px solid var(--vscode-panel-border, #d0d7de); padding: 8px; height: 260px; position: relative; }
.notes li { color: var(--vscode-editorWarning-foreground, #9a6700); }
.cluster { margin: 6px 0; } .snippet { font-style: italic; }
`;

const COLORS = ['#0969da', '#cf222e', '#1a7f37', '#8250df', '#bf8700', '#57606a'];

function applyStyles(): void {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}

const fmt = (v: number | null | undefined, digits = 2): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));
const int = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : Math.round(v).toLocaleString('en-US'));
const pct = (v: number | null | undefined, digits = 1): string => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(digits)}`);
const mark = (v: boolean | null): string => (v === null ? '?' : v ? '✓' : '✗');

function table(head: string[], rows: string[][], id: string): HTMLTableElement {
  return el('table', { attrs: { id } }, [
    el('thead', {}, [el('tr', {}, head.map((h) => el('th', { text: h })))]),
    el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c) => el('td', { text: c }))))),
  ]);
}

function comparison(runs: RunQuality[]): HTMLElement {
  const head = ['Run', 'Graph', 'Plan', 'SS ×100', 'EnR %', 'H', 'D-3', 'NAT', 'COH', 'HELP', 'ACC'];
  const rows = runs.map((r) => [
    r.name,
    mark(r.settings.graph),
    mark(r.settings.plan),
    pct(r.coherence.ss, 2),
    r.coherence.enr === undefined ? 'n/a' : pct(r.coherence.enr),
    fmt(r.diversity.entropy),
    fmt(r.diversity.distinct3, 4),
    fmt(r.judge?.naturalness),
    fmt(r.judge?.coherence),
    fmt(r.judge?.helpfulness),
    fmt(r.judge?.accuracy),
  ]);
  return el('section', {}, [
    el('h2', { text: runs.length > 1 ? 'Comparison (paper Table 2)' : 'Quality (paper Table 2)' }),
    table(head, rows, 'comparison'),
    el('p', {
      className: 'hint',
      text: 'SS: mean cosine of consecutive rounds; EnR: share of round pairs an NLI model labels entailment (n/a: no NLI model); H: word entropy in bits; D-3: distinct word trigrams / all; NAT–ACC: LLM judge means (1–5).',
    }),
  ]);
}

function statistics(runs: RunQuality[]): HTMLElement {
  const head = ['Run', 'dialogues', 'rejected', '# token', '# call', '# call turn', 'parallel call turns', 'user turns / dialogue', 'tools / dialogue', 'no-tool rounds %', 'chitchat steps %', 'repairs'];
  const rows = runs.map((r) => {
    const s = r.stats;
    return [r.name, int(s.dialogues), int(s.rejected), int(s.tokens), int(s.calls), int(s.callTurns), int(s.parallelCallTurns), fmt(s.meanRounds), fmt(s.meanTools), pct(s.noToolRoundShare), pct(s.chitchatStepShare), int(s.repairs)];
  });
  const reasons = new Set<string>();
  for (const r of runs) for (const k of Object.keys(r.stats.rejectionReasons)) reasons.add(k);
  const children: HTMLElement[] = [el('h2', { text: 'Statistics (paper Table 1)' }), table(head, rows, 'statistics')];
  if (reasons.size > 0) {
    const list = [...reasons].sort();
    children.push(el('h3', { text: 'Rejection reasons' }), table(['Run', ...list], runs.map((r) => [r.name, ...list.map((k) => int(r.stats.rejectionReasons[k] ?? 0))]), 'rejections'));
  }
  return el('section', {}, children);
}

function binLabel(d: Distribution, i: number): string {
  const a = d.edges[i]!, b = d.edges[i + 1]!;
  const integer = d.edges.every((e) => Number.isInteger(e));
  if (integer) return b - a === 1 ? String(a) : `${a}–${b - 1}`;
  const digits = Math.min(6, Math.max(2, Math.ceil(-Math.log10(b - a)) + 1));
  return `${a.toFixed(digits)}–${b.toFixed(digits)}`;
}

function charts(report: QualityReport): HTMLElement {
  const box = el('div', { className: 'charts' });
  const section = el('section', {}, [el('h2', { text: 'Distributions per dialogue' }), box]);
  for (const d of report.distributions) {
    const canvas = el('canvas', { attrs: { 'aria-label': d.label, role: 'img' } });
    box.appendChild(el('div', { className: 'chart', attrs: { 'data-metric': d.metric } }, [canvas]));
    new Chart(canvas, {
      type: 'bar',
      data: {
        labels: d.counts[0]!.map((_, i) => binLabel(d, i)),
        datasets: report.runs.map((r, i) => ({ label: r.name, data: d.counts[i] ?? [], backgroundColor: COLORS[i % COLORS.length]! })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { title: { display: true, text: d.label }, legend: { display: report.runs.length > 1 } },
        scales: { y: { beginAtZero: true, title: { display: true, text: 'dialogues' } } },
      },
    });
  }
  return section;
}

function duplicates(runs: RunQuality[]): HTMLElement {
  const section = el('section', {}, [
    el('h2', { text: 'Near-duplicate dialogues' }),
    table(['Run', 'clusters', 'dialogues in clusters', 'left out by --dedupe', 'threshold'], runs.map((r) => [r.name, int(r.duplicates.clusters), int(r.duplicates.dialogues), int(r.duplicates.removable), fmt(r.duplicates.threshold)]), 'duplicates'),
  ]);
  for (const r of runs) {
    for (const c of r.duplicates.top) {
      section.appendChild(
        el('div', { className: 'cluster' }, [
          el('div', { text: `${r.name} · cluster ${c.id}: ${c.members.join(', ')} (similarity to the first: ${c.similarity.map((s) => s.toFixed(2)).join(', ')})` }),
          ...c.snippets.map((s) => el('div', { className: 'snippet', text: `shared: “${s}”` })),
        ]),
      );
    }
  }
  return section;
}

function leakage(runs: RunQuality[]): HTMLElement | null {
  const withLeak = runs.filter((r) => r.leakage);
  if (withLeak.length === 0) return null;
  const section = el('section', {}, [el('h2', { text: 'Leakage into the evaluation tool set (paper Section 7)' })]);
  section.appendChild(
    table(
      ['Run', 'evaluation set', 'tools', 'n-gram leaking', 'n-gram %', 'similarity leaking', 'similarity %'],
      withLeak.map((r) => {
        const l = r.leakage!;
        return [r.name, `${l.evalSource} (${l.evalTools})`, int(l.tools), int(l.ngram.leaking), pct(l.ngram.share, 3), l.embedding ? int(l.embedding.leaking) : 'n/a', l.embedding ? pct(l.embedding.share, 3) : 'n/a'];
      }),
      'leakage',
    ),
  );
  for (const r of withLeak) {
    const rows = r.leakage!.leaking.map((t) => [
      t.name,
      t.ngram ? `${pct(t.ngram.share)} % tokens${t.ngram.closest ? ` · ${t.ngram.closest}` : ''}` : '–',
      t.embedding ? `${t.embedding.cosine.toFixed(3)} · ${t.embedding.closest}` : '–',
    ]);
    if (rows.length > 0) section.append(el('h3', { text: `${r.name}: leaking tools` }), table(['tool', 'n-gram rule (closest)', 'similarity rule (closest)'], rows, `leaking-${r.name}`));
  }
  return section;
}

function render(report: QualityReport): void {
  const app = document.getElementById('app')!;
  clear(app);
  const notes = report.runs.flatMap((r) => r.notes.map((n) => `${r.name}: ${n}`));
  app.append(
    el('h1', { text: 'ToolFlow quality report' }),
    el('div', { className: 'meta', text: `${report.runs.length} run(s) · ${report.createdAt} · tokens counted with ${report.tokenizer}` }),
    ...(notes.length ? [el('ul', { className: 'notes' }, notes.map((n) => el('li', { text: n })))] : []),
    comparison(report.runs),
    statistics(report.runs),
    charts(report),
    duplicates(report.runs),
    ...[leakage(report.runs)].filter((x): x is HTMLElement => x !== null),
  );
  document.body.dataset.rendered = 'true';
}

function message(text: string): void {
  const app = document.getElementById('app')!;
  clear(app);
  app.appendChild(el('p', { className: 'meta', attrs: { id: 'report-status' }, text }));
}

declare function acquireVsCodeApi(): { postMessage(m: ReportFromWebview): void };

applyStyles();
const embedded = document.getElementById('toolflow-report-data');
if (embedded?.textContent) {
  render(JSON.parse(embedded.textContent) as QualityReport);
} else if (typeof acquireVsCodeApi === 'function') {
  const vscode = acquireVsCodeApi();
  window.addEventListener('message', (e: MessageEvent<ReportToWebview>) => {
    const m = e.data;
    if (m.type === 'report/data') render(m.report);
    else if (m.type === 'report/progress') message(m.message);
    else if (m.type === 'report/error') message(`Could not compute the report: ${m.message}`);
  });
  message('Computing the quality report…');
  vscode.postMessage({ type: 'report/ready' });
}
