/**
 * Live transcripts webview: the run's progress, the dialogues in flight (selectable), and the
 * selected dialogue's plan (current step marked), turns of the three agents as they are written,
 * tool calls with pretty-printed arguments and results, and the verdict with its reasons.
 * Renders only with textContent. Keeps its last snapshot with setState (survives hide/restore).
 */
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import type { DialogueListItem, DialogueView, FromLiveWebview, LiveSnapshot, LiveWebviewState, RunProgressView, ToLiveWebview, TurnView } from '../../src/shared/liveTranscripts';
import { clear, custom, el } from '../shared/dom';
import { getVsCodeApi } from '../shared/vscodeApi';

const vscode = getVsCodeApi<LiveWebviewState, FromLiveWebview>();
let snapshot: LiveSnapshot = vscode.getState()?.snapshot ?? { run: null, dialogues: [], selected: null };

const app = document.getElementById('app')!;
const runBar = el('header', { className: 'run', attrs: { id: 'run-status', 'aria-live': 'polite' } });
const list = el('nav', { className: 'dialogues', attrs: { id: 'dialogue-list', 'aria-label': 'Dialogues' } });
const main = el('main', { className: 'dialogue', attrs: { id: 'dialogue' } });
app.append(runBar, el('div', { className: 'columns' }, [list, main]));

/** What is on screen for the selected dialogue, to append turns instead of redrawing. */
let shownKey: string | null = null;
let shownTurns: string[] = [];
let turnsBox: HTMLElement | null = null;
let planBox: HTMLOListElement | null = null;
let headerBox: HTMLElement | null = null;
let verdictBox: HTMLElement | null = null;

function post(message: FromLiveWebview): void {
  vscode.postMessage(message);
}

function save(): void {
  vscode.setState({ snapshot });
}

function stateLabel(state: string): string {
  return state === 'in-flight' ? 'in flight' : state;
}

function renderRun(run: RunProgressView | null): void {
  clear(runBar);
  if (!run) {
    runBar.append(el('span', { text: 'No generation running. Start one with “ToolFlow: Generate Dataset…”, or open a dialogue from the Runs view.' }));
    return;
  }
  runBar.append(
    el('strong', { text: run.runName, className: 'run-name' }),
    el('span', { className: `run-state state-${run.state}`, text: run.state, attrs: { 'data-state': run.state } }),
    el('span', { className: 'run-counts', attrs: { 'data-done': String(run.done), 'data-total': String(run.total) }, text: `${run.done}/${run.total} done · ${run.accepted} accepted · ${run.rejected} rejected · ${run.inFlight} in flight · ${run.tokens.toLocaleString('en-US')} tokens` }),
  );
  if (run.state === 'running') {
    const bar = custom('vscode-progress-bar', { value: String(run.done), max: String(Math.max(1, run.total)) });
    runBar.append(bar);
  }
}

function renderList(items: DialogueListItem[]): void {
  clear(list);
  if (items.length === 0) {
    list.append(el('p', { className: 'empty', text: 'No dialogues yet.' }));
    return;
  }
  const ul = el('ul', { attrs: { role: 'listbox', 'aria-label': 'Dialogues' } });
  for (const item of items) {
    const selected = snapshot.selected?.key === item.key;
    const li = el('li', {
      className: `item state-${item.state}${selected ? ' selected' : ''}`,
      attrs: { role: 'option', tabindex: '0', 'aria-selected': String(selected), 'data-key': item.key, 'data-state': item.state },
    }, [
      el('span', { className: 'item-id', text: item.id }),
      el('span', { className: 'item-meta', text: `${item.runName} · ${stateLabel(item.state)} · ${item.turns} turns` }),
    ]);
    const choose = () => post({ kind: 'notification', method: 'live/select', params: { key: item.key } });
    li.addEventListener('click', choose);
    li.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        choose();
      }
    });
    ul.append(li);
  }
  list.append(ul);
}

function renderTurn(t: TurnView): HTMLElement {
  const box = el('article', { className: `turn turn-${t.author}`, attrs: { 'data-index': String(t.index), 'data-author': t.author } });
  const who = t.author === 'tool' ? `tool${t.toolName ? ` · ${t.toolName}` : ''}` : t.author;
  box.append(el('div', { className: 'author', text: who }));
  if (t.author === 'tool') {
    if (t.ok === false) box.append(custom('vscode-badge', { variant: 'default', class: 'tool-error' }, 'error'));
    box.append(el('pre', { className: 'result', text: t.text ?? '' }));
    return box;
  }
  if (t.text) box.append(el('div', { className: 'text', text: t.text }));
  for (const call of t.toolCalls ?? []) {
    const details = custom('vscode-collapsible', { title: `call ${call.name}`, open: '', class: 'tool-call', 'data-call-id': call.id }, undefined, [
      el('pre', { className: 'args', text: call.arguments }),
    ]);
    box.append(details);
  }
  return box;
}

function renderPlan(d: DialogueView): void {
  if (!planBox) return;
  clear(planBox);
  if (!d.plan) {
    planBox.append(el('li', { className: 'no-plan', text: 'No plan (plan ablation, or planning failed).' }));
    return;
  }
  d.plan.forEach((step, i) => {
    const current = d.currentStep === i && d.state === 'in-flight';
    const done = d.currentStep !== null && (i < d.currentStep || d.state !== 'in-flight');
    planBox!.append(
      el('li', { className: `step step-${step.kind}${current ? ' current' : ''}${done ? ' done' : ''}`, attrs: current ? { 'aria-current': 'step' } : {} }, [
        el('span', { className: 'step-kind', text: step.kind === 'tool' ? `tool${step.tools?.length ? `: ${step.tools.join(', ')}` : ''}` : step.kind }),
        el('span', { className: 'step-request', text: step.request }),
      ]),
    );
  });
}

function renderHeader(d: DialogueView): void {
  if (!headerBox) return;
  clear(headerBox);
  headerBox.append(
    el('h2', { text: `${d.runName} / ${d.id}` }),
    custom('vscode-badge', { class: `state state-${d.state}`, 'data-state': d.state }, stateLabel(d.state)),
    el('p', { className: 'meta', text: `tools: ${d.tools.join(', ') || '–'} · style: ${d.style || '–'} · ${d.tokens.toLocaleString('en-US')} tokens` }),
  );
}

function renderVerdict(d: DialogueView): void {
  if (!verdictBox) return;
  clear(verdictBox);
  if (d.state === 'in-flight') return;
  if (d.state === 'stopped') {
    verdictBox.append(el('p', { className: 'stopped', text: 'The run stopped before this dialogue finished; it was not recorded. Resume the run to generate it again.' }));
    return;
  }
  verdictBox.append(el('h3', { text: `Verdict: ${d.state}` }));
  if (d.reasons.length) {
    const ul = el('ul', { className: 'reasons' });
    for (const r of d.reasons) ul.append(el('li', {}, [el('code', { text: r.code }), el('span', { text: ` ${r.message}` })]));
    verdictBox.append(ul);
  } else {
    verdictBox.append(el('p', { text: 'Passed every rule of the filter.' }));
  }
}

function renderSelected(d: DialogueView | null): void {
  if (!d) {
    clear(main);
    shownKey = null;
    shownTurns = [];
    main.append(el('p', { className: 'empty', text: 'Select a dialogue to watch it.' }));
    return;
  }
  if (d.key !== shownKey) {
    clear(main);
    shownKey = d.key;
    shownTurns = [];
    headerBox = el('div', { className: 'dialogue-header' });
    planBox = el('ol', { className: 'plan', attrs: { id: 'plan', 'aria-label': 'Plan' } });
    turnsBox = el('section', { className: 'turns', attrs: { id: 'turns', 'aria-label': 'Transcript' } });
    verdictBox = el('section', { className: 'verdict', attrs: { id: 'verdict' } });
    main.append(headerBox, el('h3', { text: 'Plan' }), planBox, el('h3', { text: 'Transcript' }), turnsBox, verdictBox);
  }
  renderHeader(d);
  renderPlan(d);
  const nearBottom = window.innerHeight + window.scrollY >= document.body.scrollHeight - 40;
  const box = turnsBox!;
  d.turns.forEach((t, i) => {
    const json = JSON.stringify(t);
    if (shownTurns[i] === json) return;
    const node = renderTurn(t);
    const old = box.children.item(i);
    if (old) box.replaceChild(node, old);
    else box.append(node);
    shownTurns[i] = json;
  });
  while (box.children.length > d.turns.length) box.lastElementChild!.remove();
  shownTurns.length = d.turns.length;
  renderVerdict(d);
  if (nearBottom) window.scrollTo(0, document.body.scrollHeight);
}

function renderAll(): void {
  renderRun(snapshot.run);
  renderList(snapshot.dialogues);
  renderSelected(snapshot.selected);
}

window.addEventListener('message', (event: MessageEvent<ToLiveWebview>) => {
  const msg = event.data;
  if (!msg || msg.kind !== 'notification') return;
  switch (msg.method) {
    case 'live/snapshot':
      snapshot = msg.params;
      renderAll();
      break;
    case 'live/run':
      snapshot.run = msg.params;
      renderRun(msg.params);
      break;
    case 'live/dialogues':
      snapshot.dialogues = msg.params;
      renderList(msg.params);
      break;
    case 'live/selected':
      snapshot.selected = msg.params;
      renderSelected(msg.params);
      renderList(snapshot.dialogues);
      break;
  }
  save();
});

renderAll();
post({ kind: 'notification', method: 'live/ready', params: { selectedKey: snapshot.selected?.key ?? null } });
