/**
 * Tool schema preview webview: a virtualized list of the file's tools (only the rows in view are in
 * the DOM, so 47,000 tools stay responsive), the selected tool as a form (parameters with types,
 * required, enums, defaults, nested objects and arrays, descriptions; returns; an example call and
 * ajv's verdict on it) and the importer's diagnostics, each linking to its line in the editor.
 * Everything is rendered with textContent. DOM hooks for tests: `#preview-status` data-tools,
 * data-diagnostics, data-version, data-selected.
 */
import type { DiagnosticView, FormFieldView, FromSchemaPreview, PreviewContent, SchemaPreviewState, ToolFormView, ToSchemaPreview } from '../../src/shared/schemaPreview';
import { clear, el } from '../shared/dom';
import { getVsCodeApi } from '../shared/vscodeApi';

const vscode = getVsCodeApi<SchemaPreviewState, FromSchemaPreview>();
const saved = vscode.getState();
const ROW = 26;

const app = document.getElementById('app')!;
const status = el('header', { className: 'status', attrs: { id: 'preview-status', role: 'status' }, text: 'Waiting for a tool file…' });
const filter = el('input', { attrs: { id: 'preview-filter', type: 'search', placeholder: 'Filter tools…', 'aria-label': 'Filter tools' } });
const diagBox = el('section', { className: 'diagnostics', attrs: { id: 'preview-diagnostics' } });
const list = el('div', { className: 'list', attrs: { id: 'preview-tools', role: 'listbox', tabindex: '0', 'aria-label': 'Tools' } });
const spacer = el('div', { className: 'spacer' });
const rows = el('div', { className: 'rows' });
list.append(spacer, rows);
const form = el('main', { className: 'form', attrs: { id: 'preview-form' } });
app.append(status, diagBox, el('div', { className: 'columns' }, [el('div', { className: 'left' }, [filter, list]), form]));

let content: PreviewContent | null = null;
/** Indexes into content.tools shown in the list (after the filter). */
let shown: number[] = [];
let selected = saved?.selected ?? 0;
let nextId = 1;
const pending = new Map<number, (f: ToolFormView | null) => void>();

function save(): void {
  vscode.setState({ uri: content?.uri ?? null, selected, scrollTop: list.scrollTop });
}

function renderStatus(): void {
  if (!content) return;
  const errors = content.diagnostics.filter((d) => d.severity === 'error').length;
  status.dataset.tools = String(content.tools.length);
  status.dataset.diagnostics = String(content.diagnostics.length);
  status.dataset.version = String(content.version);
  status.dataset.selected = content.tools[selected]?.name ?? '';
  status.textContent = `${content.fileName} · ${content.tools.length.toLocaleString('en-US')} tools · ${content.diagnostics.length} diagnostics (${errors} errors) · imported in ${content.ms} ms`;
}

// ---- diagnostics with links to their line ----
function renderDiagnostics(diags: DiagnosticView[]): void {
  clear(diagBox);
  if (diags.length === 0) return;
  const details = el('details', { attrs: { open: '' } }, [el('summary', { text: `Importer diagnostics (${diags.length})` })]);
  const ul = el('ul');
  for (const d of diags.slice(0, 500)) {
    const li = el('li', { className: `diag diag-${d.severity}`, attrs: { 'data-code': d.code, 'data-severity': d.severity } });
    if (d.line !== null) {
      const a = el('a', { text: `line ${d.line}${d.column ? `:${d.column}` : ''}`, attrs: { href: '#', 'data-line': String(d.line), 'data-column': String(d.column ?? 1) } });
      a.addEventListener('click', (e) => {
        e.preventDefault();
        if (content) vscode.postMessage({ kind: 'notification', method: 'preview/reveal', params: { uri: content.uri, line: d.line!, column: d.column ?? 1 } });
      });
      li.append(a, document.createTextNode(' '));
    } else if (d.pointer) li.append(el('code', { text: d.pointer }), document.createTextNode(' '));
    li.append(el('span', { className: 'sev', text: `${d.severity} ${d.code}: ` }), el('span', { text: d.message }));
    if (d.hint) li.append(el('div', { className: 'hint', text: d.hint }));
    ul.append(li);
  }
  details.append(ul);
  if (diags.length > 500) details.append(el('p', { className: 'hint', text: `… ${diags.length - 500} more` }));
  diagBox.append(details);
}

// ---- virtualized tool list ----
function renderRows(): void {
  if (!content) return;
  spacer.style.height = `${shown.length * ROW}px`;
  const first = Math.max(0, Math.floor(list.scrollTop / ROW) - 10);
  const last = Math.min(shown.length, Math.ceil((list.scrollTop + list.clientHeight) / ROW) + 10);
  clear(rows);
  rows.style.transform = `translateY(${first * ROW}px)`;
  for (let i = first; i < last; i++) {
    const index = shown[i]!;
    const t = content.tools[index]!;
    const row = el('div', { className: `row${index === selected ? ' selected' : ''}`, attrs: { role: 'option', 'aria-selected': String(index === selected), 'data-index': String(index), 'data-name': t.name } }, [
      el('span', { className: 'name', text: t.name }),
      el('span', { className: 'meta', text: `${t.parameters} params · ${t.format}` }),
    ]);
    row.addEventListener('click', () => void select(index));
    rows.append(row);
  }
}
list.addEventListener('scroll', () => {
  renderRows();
  save();
});
list.addEventListener('keydown', (e) => {
  const at = shown.indexOf(selected);
  if (e.key === 'ArrowDown' && at + 1 < shown.length) void select(shown[at + 1]!, true);
  else if (e.key === 'ArrowUp' && at > 0) void select(shown[at - 1]!, true);
  else return;
  e.preventDefault();
});
filter.addEventListener('input', () => {
  applyFilter();
  renderRows();
});

function applyFilter(): void {
  const q = filter.value.trim().toLowerCase();
  shown = [];
  content?.tools.forEach((t, i) => {
    if (!q || t.name.toLowerCase().includes(q)) shown.push(i);
  });
}

// ---- the form of one tool ----
function fieldList(fields: FormFieldView[], depth = 0, id?: string): HTMLElement {
  const ul = el('ul', { className: `fields depth-${depth}`, attrs: id ? { id } : {} });
  for (const f of fields) {
    const li = el('li', { attrs: { 'data-field': f.name, 'data-type': f.type, 'data-required': String(f.required) } }, [
      el('code', { className: 'fname', text: f.name }),
      el('span', { className: 'ftype', text: ` ${f.type}` }),
      f.required ? el('span', { className: 'req', text: ' required' }) : null,
      f.format ? el('span', { className: 'fmt', text: ` (${f.format})` }) : null,
    ]);
    if (f.description) li.append(el('div', { className: 'desc', text: f.description }));
    if (f.enum) li.append(el('div', { className: 'enum', text: `one of: ${f.enum.join(', ')}` }));
    if (f.default !== undefined) li.append(el('div', { className: 'default', text: `default: ${f.default}` }));
    if (f.children?.length) li.append(fieldList(f.children, depth + 1));
    ul.append(li);
  }
  return ul;
}

function renderForm(f: ToolFormView): void {
  clear(form);
  form.dataset.tool = f.name;
  const head = el('h2', { text: f.name, attrs: { id: 'preview-tool-name' } });
  form.append(head);
  if (f.originalName !== f.name) form.append(el('p', { className: 'hint', text: `named “${f.originalName}” in the file` }));
  form.append(el('p', { className: 'desc', text: f.description || '(no description)', attrs: { id: 'preview-tool-description' } }));
  if (f.line !== null) {
    const a = el('a', { text: `${f.format}, line ${f.line}`, attrs: { href: '#', 'data-line': String(f.line) } });
    a.addEventListener('click', (e) => {
      e.preventDefault();
      if (content) vscode.postMessage({ kind: 'notification', method: 'preview/reveal', params: { uri: content.uri, line: f.line!, column: 1 } });
    });
    form.append(el('p', { className: 'meta' }, [a]));
  } else form.append(el('p', { className: 'meta', text: f.format }));
  form.append(el('h3', { text: `Parameters (${f.parameters.length})` }), f.parameters.length ? fieldList(f.parameters, 0, 'preview-parameters') : el('p', { className: 'hint', text: 'none' }));
  form.append(el('h3', { text: 'Returns' }), f.returns ? fieldList(f.returns, 0, 'preview-returns') : el('p', { className: 'hint', text: 'not described (the completion step can add a return schema)' }));
  if (f.missing.length) form.append(el('p', { className: 'hint', text: `missing: ${f.missing.join(', ')}` }));
  const verdict = f.exampleProblems.length === 0 ? 'valid against the parameter schema (ajv)' : `ajv: ${f.exampleProblems.join('; ')}`;
  form.append(
    el('h3', { text: 'Example call' }),
    el('pre', { className: 'example', text: f.exampleCall, attrs: { id: 'preview-example' } }),
    el('p', { className: f.exampleProblems.length ? 'invalid' : 'valid', text: verdict, attrs: { id: 'preview-example-verdict', 'data-valid': String(f.exampleProblems.length === 0) } }),
  );
}

async function select(index: number, scroll = false): Promise<void> {
  if (!content || !content.tools[index]) return;
  selected = index;
  renderStatus();
  if (scroll) {
    const at = shown.indexOf(index);
    if (at * ROW < list.scrollTop) list.scrollTop = at * ROW;
    else if ((at + 1) * ROW > list.scrollTop + list.clientHeight) list.scrollTop = (at + 1) * ROW - list.clientHeight;
  }
  renderRows();
  save();
  const c = content;
  const id = nextId++;
  const f = await new Promise<ToolFormView | null>((resolve) => {
    pending.set(id, resolve);
    vscode.postMessage({ kind: 'request', id, method: 'preview/tool', params: { uri: c.uri, version: c.version, index } });
  });
  if (f && content === c && selected === index) renderForm(f);
}

window.addEventListener('message', (event: MessageEvent<ToSchemaPreview>) => {
  const m = event.data;
  if (m.kind === 'response') {
    pending.get(m.inReplyTo)?.(m.result ?? null);
    pending.delete(m.inReplyTo);
    return;
  }
  if (m.method === 'preview/empty') {
    content = null;
    status.textContent = m.params.message;
    clear(rows);
    clear(form);
    clear(diagBox);
    return;
  }
  const sameFile = content?.uri === m.params.uri;
  if (sameFile && content && m.params.version < content.version) return; // stale
  content = m.params;
  if (!sameFile) {
    selected = saved?.uri === m.params.uri ? Math.min(saved.selected, m.params.tools.length - 1) : 0;
    list.scrollTop = saved?.uri === m.params.uri ? saved.scrollTop : 0;
  }
  selected = Math.max(0, Math.min(selected, m.params.tools.length - 1));
  applyFilter();
  renderStatus();
  renderDiagnostics(m.params.diagnostics);
  renderRows();
  if (m.params.tools.length) void select(selected);
  else {
    clear(form);
    form.append(el('p', { className: 'hint', text: 'No tools in this file (see the diagnostics).' }));
  }
  save();
});

vscode.postMessage({ kind: 'notification', method: 'preview/ready', params: {} });
