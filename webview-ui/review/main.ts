/**
 * The dialogue review editor's webview: counts, search and filters, a virtualized list of the
 * dialogues, the selected dialogue, and keyboard-first review (keys shown on the buttons and in
 * the legend). The host owns the document; this page asks for what it shows. Rendering with
 * textContent only; selection, query and scroll kept with setState.
 */
import type { DialogueDetail, FromReviewWebview, ReviewCommand, ReviewQueryView, ReviewRow, ReviewStateView, ReviewWebviewState, ToReviewWebview } from '../../src/shared/review';
import { clear, el } from '../shared/dom';
import { getVsCodeApi } from '../shared/vscodeApi';
import { renderDetail, type DetailView } from './detailView';
import { Rpc } from './rpc';
import { VirtualList } from './virtualList';

/** One letter per plan step in the list: Tool, Chitchat, Irrelevant (no tool can do it), Missing detail (ask first). */
const PLAN_KIND_LETTER: Record<string, string> = { tool: 'T', chitchat: 'C', irrelevant: 'I', 'missing-detail': 'M' };

const api = getVsCodeApi<ReviewWebviewState, FromReviewWebview>();
const rpc = new Rpc(api);
const saved = api.getState();
let query: ReviewQueryView = saved?.query ?? {};
let selectedSlot: number | null = saved?.selectedSlot ?? null;
let state: ReviewStateView | null = null;
let detail: DetailView | null = null;
let detailData: DialogueDetail | null = null;
const readyAt = performance.now();
let painted = false;

/** Keys handled by the page itself (outside text fields); the same actions have Alt+key bindings in VS Code. */
const KEYS: Array<{ key: string; label: string; command: ReviewCommand }> = [
  { key: 'j', label: 'next', command: 'next' },
  { key: 'k', label: 'previous', command: 'previous' },
  { key: 'n', label: 'next not looked at', command: 'nextUnreviewed' },
  { key: 'a', label: 'accept', command: 'accept' },
  { key: 'r', label: 'reject (note)', command: 'reject' },
  { key: 'e', label: 'edit message', command: 'edit' },
  { key: 't', label: 'tags', command: 'tag' },
  { key: 'm', label: 'looked at', command: 'reviewed' },
  { key: '/', label: 'search', command: 'search' },
];

// ------------------------------------------------------------------------------------------------
// Layout

const app = document.getElementById('app')!;
const banner = el('div', { className: 'banner', attrs: { id: 'readonly', role: 'status', hidden: '' } });
const counts = el('div', { className: 'counts', attrs: { id: 'counts', 'aria-live': 'polite' } });
const search = el('input', { className: 'search', attrs: { id: 'search', type: 'search', placeholder: 'Search text (/)', 'aria-label': 'Search dialogues' } });
const status = select('status', 'Status', [['', 'any status'], ['accepted', 'accepted'], ['rejected', 'rejected']]);
const reason = select('reason', 'Reason', [['', 'any reason']]);
const tool = select('tool', 'Tool', [['', 'any tool']]);
const tag = select('tag', 'Tag', [['', 'any tag']]);
const reviewed = select('reviewed', 'Looked at', [['', 'looked at or not'], ['yes', 'looked at'], ['no', 'not looked at']]);
const minScore = el('input', { className: 'score-input', attrs: { id: 'min-score', type: 'number', step: '0.5', placeholder: 'min score', 'aria-label': 'Minimum score' } });
const shown = el('span', { className: 'shown', attrs: { id: 'shown' } });
const toolbar = el('div', { className: 'toolbar' }, [search, status, reason, tool, tag, reviewed, minScore, shown]);
const actions = el('div', { className: 'actions', attrs: { id: 'actions' } });
const legend = el('div', { className: 'legend', attrs: { id: 'legend' } }, KEYS.map((k) => el('span', {}, [el('kbd', { text: k.key }), el('span', { text: ` ${k.label}` })])));
const prompt = el('div', { className: 'prompt', attrs: { id: 'prompt', hidden: '' } });
const detailBox = el('main', { className: 'detail-box', attrs: { id: 'detail-box' } });
const problems = el('details', { className: 'problems', attrs: { id: 'problems', hidden: '' } });

const list = new VirtualList(
  (slots) => rpc.request('review/rows', { slots }),
  renderRow,
  (pos) => selectPos(pos),
);
app.append(banner, el('header', { className: 'top' }, [counts, toolbar, actions, legend, prompt, problems]), el('div', { className: 'columns' }, [list.element, detailBox]));

function select(id: string, label: string, options: Array<[string, string]>): HTMLSelectElement {
  const s = el('select', { attrs: { id: `filter-${id}`, 'aria-label': label } });
  for (const [v, t] of options) s.append(el('option', { text: t, attrs: { value: v } }));
  return s;
}

function setOptions(s: HTMLSelectElement, first: string, values: Record<string, number>, current: string | undefined): void {
  clear(s);
  s.append(el('option', { text: first, attrs: { value: '' } }));
  for (const [v, n] of Object.entries(values).sort((a, b) => b[1] - a[1])) s.append(el('option', { text: `${v} (${n})`, attrs: { value: v } }));
  s.value = current ?? '';
}

function actionButton(text: string, command: ReviewCommand, id: string): HTMLButtonElement {
  const b = el('button', { text, attrs: { id, 'data-command': command } });
  b.addEventListener('click', () => run(command));
  return b;
}
actions.append(
  actionButton('Accept (A)', 'accept', 'btn-accept'),
  actionButton('Reject… (R)', 'reject', 'btn-reject'),
  actionButton('Tags… (T)', 'tag', 'btn-tag'),
  actionButton('Looked at (M)', 'reviewed', 'btn-reviewed'),
  actionButton('Edit (E)', 'edit', 'btn-edit'),
  actionButton('Previous (K)', 'previous', 'btn-previous'),
  actionButton('Next (J)', 'next', 'btn-next'),
  actionButton('Next not looked at (N)', 'nextUnreviewed', 'btn-next-unreviewed'),
);

function renderRow(row: ReviewRow | undefined, slot: number): HTMLElement {
  if (!row) return el('div', { className: 'row-loading', text: '…', attrs: { 'data-slot': String(slot) } });
  const plan = row.planKinds.map((k) => PLAN_KIND_LETTER[k] ?? 'T').join('');
  return el('div', { className: `status-${row.status}${row.reviewed ? ' reviewed' : ''}`, attrs: { 'data-slot': String(slot), 'data-id': row.id, 'data-status': row.status } }, [
    el('div', { className: 'row-line' }, [
      el('span', { className: 'row-id', text: row.id }),
      el('span', { className: `badge status status-${row.status}`, text: row.verdict ? `${row.status} ✎` : row.status }),
      row.reviewed ? el('span', { className: 'badge reviewed', text: '✓', attrs: { title: 'looked at' } }) : null,
      row.edited ? el('span', { className: 'badge edited', text: 'edited' }) : null,
      row.score !== undefined ? el('span', { className: 'badge score', text: row.score.toFixed(1) }) : null,
      el('span', { className: 'row-meta', text: `${row.turns} turns · plan ${plan || '—'}` }),
    ]),
    el('div', { className: 'row-line row-sub' }, [
      el('span', { className: 'row-reasons', text: [...new Set(row.reasons)].join(', ') }),
      el('span', { className: 'row-tags', text: row.tags.map((t) => `#${t}`).join(' ') }),
      el('span', { className: 'row-tools', text: row.tools.join(', ') }),
    ]),
  ]);
}

// ------------------------------------------------------------------------------------------------
// State, query, selection

function persist(): void {
  api.setState({ selectedSlot, query, scrollTop: list.element.scrollTop });
}

function renderCounts(): void {
  if (!state) return;
  const c = state.counts;
  counts.replaceChildren(
    el('strong', { text: state.fileName.split(/[\\/]/).slice(-2).join('/') }),
    el('span', { attrs: { id: 'count-text' }, text: ` ${c.total} dialogues · ${c.reviewed} looked at · ${c.accepted} accepted · ${c.rejected} rejected · ${c.edited} edited` }),
  );
  if (state.readOnly) {
    banner.hidden = false;
    banner.textContent = `Read-only: ${state.readOnly}`;
  } else {
    banner.hidden = true;
    banner.textContent = '';
  }
  document.body.classList.toggle('read-only', !!state.readOnly);
  for (const b of actions.querySelectorAll<HTMLButtonElement>('button')) {
    const cmd = b.dataset.command as ReviewCommand;
    b.disabled = !!state.readOnly && !['next', 'previous', 'nextUnreviewed'].includes(cmd);
  }
  setOptions(reason, 'any reason', c.reasons, query.reason);
  setOptions(tool, 'any tool', c.tools, query.tool);
  setOptions(tag, 'any tag', c.tags, query.tag);
  problems.hidden = state.problems.length === 0;
  problems.replaceChildren(el('summary', { text: `${state.problems.length} line(s) are not dialogues` }), ...state.problems.map((p) => el('div', { text: p })));
}

let querySeq = 0;
async function runQuery(keepSelection = true): Promise<void> {
  const mine = ++querySeq;
  const t0 = performance.now();
  const { slots, ms } = await rpc.request('review/query', query);
  if (mine !== querySeq) return;
  list.setSlots(slots);
  shown.textContent = `${slots.length} shown`;
  shown.dataset.count = String(slots.length);
  if (slots.length === 0) list.empty('No dialogue matches.');
  let pos = keepSelection && selectedSlot !== null ? slots.indexOf(selectedSlot) : -1;
  if (pos < 0 && slots.length > 0) pos = 0;
  // The rows on screen and the selected dialogue are asked for at the same time.
  const rows = list.render().then(() => {
    if (mine !== querySeq) return;
    document.body.dataset.queryMs = (performance.now() - t0).toFixed(1);
    document.body.dataset.hostQueryMs = ms.toFixed(1);
    document.body.dataset.queryDone = String(mine);
  });
  if (pos >= 0) await Promise.all([rows, selectPos(pos)]);
  else {
    selectedSlot = null;
    showDetail(null);
    await rows;
  }
  if (mine !== querySeq) return;
  if (!painted) {
    painted = true;
    const ms = performance.now() - readyAt;
    document.body.dataset.firstPaintMs = ms.toFixed(1);
    rpc.notify({ kind: 'notification', method: 'review/painted', params: { ms, rows: list.length } });
  }
}

let selectSeq = 0;
async function selectPos(pos: number): Promise<void> {
  const slot = list.slotAt(pos);
  if (slot === undefined) return;
  list.select(pos);
  const changed = slot !== selectedSlot || !detailData;
  selectedSlot = slot;
  persist();
  if (changed) await loadDetail();
}

async function loadDetail(): Promise<void> {
  if (selectedSlot === null) return;
  const mine = ++selectSeq;
  try {
    const d = await rpc.request('review/dialogue', { slot: selectedSlot });
    if (mine === selectSeq) showDetail(d);
  } catch (e) {
    if (mine === selectSeq) detailBox.replaceChildren(el('p', { className: 'error', text: e instanceof Error ? e.message : String(e) }));
  }
}

function showDetail(d: DialogueDetail | null): void {
  detailData = d;
  if (!d) {
    detail = null;
    detailBox.replaceChildren(el('p', { className: 'empty', text: 'Select a dialogue.' }));
    return;
  }
  const scroll = detailBox.scrollTop;
  const keepScroll = detailBox.firstElementChild instanceof HTMLElement && detailBox.firstElementChild.dataset.slot === String(d.slot);
  detail = renderDetail(d, {
    readOnly: () => !!state?.readOnly,
    apply: (action) => void apply(action),
    checkArguments: (name, text) => rpc.request('review/checkArguments', { slot: d.slot, name, text }),
  });
  detailBox.replaceChildren(detail.element);
  if (keepScroll) detailBox.scrollTop = scroll;
}

function flash(text: string, error = false): void {
  const t = el('div', { className: `toast${error ? ' error' : ''}`, text, attrs: { role: 'status' } });
  document.body.append(t);
  setTimeout(() => t.remove(), 4000);
}

async function apply(action: Parameters<typeof rpc.request<'review/apply'>>[1]['action']): Promise<void> {
  if (selectedSlot === null) return;
  try {
    await rpc.request('review/apply', { slot: selectedSlot, action });
  } catch (e) {
    flash(e instanceof Error ? e.message : String(e), true);
  }
}

// ------------------------------------------------------------------------------------------------
// Commands and keys

function currentPos(): number {
  return selectedSlot === null ? -1 : list.items.indexOf(selectedSlot);
}

async function nextUnreviewed(): Promise<void> {
  const from = currentPos() + 1;
  const items = list.items;
  for (let start = from; start < items.length; start += 200) {
    const chunk = items.slice(start, start + 200);
    const rows = await rpc.request('review/rows', { slots: chunk.filter((s) => !list.cached(s)) });
    const bySlot = new Map(rows.map((r) => [r.slot, r]));
    const hit = chunk.findIndex((s) => !(list.cached(s) ?? bySlot.get(s))?.reviewed);
    if (hit >= 0) {
      await selectPos(start + hit);
      return;
    }
  }
  flash('Every dialogue below this one has been looked at.');
}

/** A one-line input under the toolbar (note of a rejection, tags). Enter confirms, Escape cancels. */
function ask(label: string, value: string, done: (text: string) => void): void {
  const input = el('input', { attrs: { id: 'prompt-input', type: 'text', 'aria-label': label } });
  input.value = value;
  prompt.replaceChildren(el('label', { text: `${label} `, attrs: { for: 'prompt-input' } }), input, el('span', { className: 'meta', text: ' Enter to confirm, Esc to cancel' }));
  prompt.hidden = false;
  const close = () => {
    prompt.hidden = true;
    prompt.replaceChildren();
    list.element.focus();
  };
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      const v = input.value;
      close();
      done(v);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      close();
    }
  });
  input.focus();
}

function run(command: ReviewCommand): void {
  const pos = currentPos();
  const ro = !!state?.readOnly;
  switch (command) {
    case 'next':
      if (pos + 1 < list.length) void selectPos(pos + 1);
      return;
    case 'previous':
      if (pos > 0) void selectPos(pos - 1);
      return;
    case 'nextUnreviewed':
      void nextUnreviewed();
      return;
    case 'search':
      search.focus();
      search.select();
      return;
  }
  if (ro) {
    flash(`Read-only: ${state?.readOnly ?? ''}`, true);
    return;
  }
  if (selectedSlot === null || !detailData) return;
  switch (command) {
    case 'accept':
      void apply({ type: 'verdict', verdict: 'accepted' });
      return;
    case 'reject':
      ask('Reject — note (optional):', detailData.note ?? '', (note) => void apply({ type: 'verdict', verdict: 'rejected', note }));
      return;
    case 'tag':
      ask('Tags (comma-separated):', detailData.tags.join(', '), (text) => void apply({ type: 'tags', tags: text.split(',') }));
      return;
    case 'reviewed':
      void apply({ type: 'reviewed', reviewed: !detailData.reviewed });
      return;
    case 'edit':
      detail?.editSelected();
      return;
  }
}

function isTyping(target: EventTarget | null): boolean {
  const t = target as HTMLElement | null;
  return !!t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
}

document.addEventListener('keydown', (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (isTyping(e.target)) {
    if (e.key === 'Escape' && e.target === search) list.element.focus();
    return;
  }
  const k = e.key === 'ArrowDown' ? 'j' : e.key === 'ArrowUp' ? 'k' : e.key.toLowerCase();
  const binding = KEYS.find((x) => x.key === k);
  if (!binding) return;
  e.preventDefault();
  run(binding.command);
});

// ------------------------------------------------------------------------------------------------
// Filters

let searchTimer: number | undefined;
search.value = query.search ?? '';
search.addEventListener('input', () => {
  window.clearTimeout(searchTimer);
  searchTimer = window.setTimeout(() => {
    query = { ...query, search: search.value || undefined };
    persist();
    void runQuery();
  }, 150);
});
search.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') {
    window.clearTimeout(searchTimer);
    query = { ...query, search: search.value || undefined };
    void runQuery();
  }
});
const onFilter = () => {
  query = {
    ...(query.search ? { search: query.search } : {}),
    ...(status.value ? { status: status.value as 'accepted' | 'rejected' } : {}),
    ...(reason.value ? { reason: reason.value } : {}),
    ...(tool.value ? { tool: tool.value } : {}),
    ...(tag.value ? { tag: tag.value } : {}),
    ...(reviewed.value ? { reviewed: reviewed.value === 'yes' } : {}),
    ...(minScore.value !== '' && Number.isFinite(Number(minScore.value)) ? { minScore: Number(minScore.value) } : {}),
  };
  persist();
  void runQuery();
};
for (const s of [status, reason, tool, tag, reviewed]) s.addEventListener('change', onFilter);
minScore.addEventListener('change', onFilter);
status.value = query.status ?? '';
reviewed.value = query.reviewed === undefined ? '' : query.reviewed ? 'yes' : 'no';
if (query.minScore !== undefined) minScore.value = String(query.minScore);

// ------------------------------------------------------------------------------------------------
// Messages from the host

window.addEventListener('message', (event: MessageEvent<ToReviewWebview>) => {
  const m = event.data;
  if (!m || typeof m !== 'object') return;
  if (m.kind === 'response') {
    rpc.handle(m);
    return;
  }
  switch (m.method) {
    case 'review/state': {
      state = m.params;
      renderCounts();
      break;
    }
    case 'review/changed':
      list.invalidate(m.params.reset ? undefined : m.params.slots);
      if (m.params.reset) detailData = null;
      void runQuery().then(() => {
        if (selectedSlot !== null && (m.params.reset || m.params.slots.includes(selectedSlot))) void loadDetail();
      });
      break;
    case 'review/select': {
      selectedSlot = m.params.slot;
      detailData = null;
      const pos = list.items.indexOf(m.params.slot);
      if (pos >= 0) void selectPos(pos);
      else {
        // not among the filtered: clear the filters to show it
        query = {};
        search.value = '';
        for (const s of [status, reason, tool, tag, reviewed]) s.value = '';
        minScore.value = '';
        void runQuery();
      }
      break;
    }
    case 'review/command':
      run(m.params.command);
      break;
  }
});

rpc.notify({ kind: 'notification', method: 'review/ready', params: { selectedSlot } });
// The first query does not wait for the counts: the list can paint before them.
void runQuery().then(() => {
  if (saved?.scrollTop) list.element.scrollTop = saved.scrollTop;
});
