/**
 * The selected dialogue: verdict and review, rejection reasons linked to their message, the plan
 * with its steps, turns by role with pretty tool calls and results, the offered tools' schemas
 * (collapsible), tokens and LLM calls; and the editors of a message, a tool call (arguments checked
 * against the tool's schema as you type, the failing field pointed at) and a tool result.
 * Everything is rendered with textContent.
 */
import type { ArgumentProblemView, DialogueDetail, MessageDetail, ReviewActionView } from '../../src/shared/review';
import { el } from '../shared/dom';

export interface DetailHandlers {
  readOnly: () => boolean;
  apply: (action: ReviewActionView) => void;
  checkArguments: (name: string, text: string) => Promise<ArgumentProblemView[]>;
}

export interface DetailView {
  element: HTMLElement;
  /** Opens the editor of the selected message (or the first editable one). */
  editSelected(): void;
  selectedMessage(): number | null;
}

const CHECK_DELAY_MS = 120;

function badge(text: string, className: string): HTMLElement {
  return el('span', { className: `badge ${className}`, text });
}

/** Scrolls a message into view and highlights it for a moment. */
export function revealMessage(root: HTMLElement, index: number): void {
  const target = root.querySelector<HTMLElement>(`.turn[data-index="${index}"]`);
  if (!target) return;
  for (const old of root.querySelectorAll('.turn.highlight')) old.classList.remove('highlight');
  target.classList.add('highlight');
  target.scrollIntoView({ block: 'center' });
}

export function renderDetail(d: DialogueDetail, h: DetailHandlers): DetailView {
  const root = el('article', { className: 'detail', attrs: { id: 'detail', 'data-id': d.id, 'data-slot': String(d.slot), 'data-status': d.status } });
  let selected: number | null = null;

  // Header: id, status, verdict, review.
  const header = el('header', { className: 'detail-header' }, [
    el('h2', { text: d.id }),
    badge(d.status, `status status-${d.status}`),
    d.verdict ? badge(`reviewer: ${d.verdict}`, 'verdict') : badge(`filter: ${d.filterStatus}`, 'filter-status'),
    d.reviewed ? badge('looked at', 'reviewed') : null,
    d.edits.length ? badge(`edited (${d.edits.length})`, 'edited') : null,
    d.score !== undefined ? badge(`score ${d.score.toFixed(2)}`, 'score') : null,
  ]);
  const meta = el('p', { className: 'meta', text: `line ${d.line} · index ${d.index} · style: ${d.style}${d.by ? ` · reviewed by ${d.by}${d.at ? ` at ${d.at}` : ''}` : ''}` });
  root.append(header, meta);
  if (d.note) root.append(el('p', { className: 'note', attrs: { id: 'note' }, text: `Note: ${d.note}` }));
  if (d.tags.length) root.append(el('p', { className: 'tags', attrs: { id: 'tags' } }, d.tags.map((t) => badge(t, 'tag'))));

  // Reasons, each linked to its message.
  if (d.reasons.length) {
    const list = el('ul', { className: 'reasons', attrs: { id: 'reasons' } });
    for (const r of d.reasons) {
      const item = el('li', { className: 'reason', attrs: { 'data-code': r.code } }, [el('code', { text: r.code }), el('span', { text: ` ${r.message}` })]);
      if (r.messageIndex !== undefined) {
        const link = el('button', { className: 'link reason-link', text: `message ${r.messageIndex}${r.pointer ? ` ${r.pointer}` : ''}`, attrs: { 'data-message': String(r.messageIndex), title: 'Show the message' } });
        link.addEventListener('click', () => revealMessage(root, r.messageIndex!));
        item.append(' → ', link);
      }
      list.append(item);
    }
    root.append(el('h3', { text: 'Rejection reasons' }), list);
  }

  // Plan.
  if (d.plan) {
    const ol = el('ol', { className: 'plan', attrs: { id: 'plan' } });
    for (const s of d.plan) {
      const li = el('li', { className: `step step-${s.kind}` }, [el('span', { className: 'step-kind', text: s.kind === 'tool' || s.kind === 'missing-detail' ? `${s.kind}${s.tools?.length ? `: ${s.tools.join(', ')}` : ''}` : s.kind }), el('span', { text: s.request })]);
      if (s.turns?.length) {
        const served = el('span', { className: 'served', text: ' served by ' });
        for (const t of s.turns) {
          const b = el('button', { className: 'link', text: `#${t}` });
          b.addEventListener('click', () => revealMessage(root, t));
          served.append(b, ' ');
        }
        li.append(served);
      }
      ol.append(li);
    }
    root.append(el('h3', { text: `Plan (${d.plan.length} steps)` }), ol);
  } else {
    root.append(el('p', { className: 'meta', text: 'No plan (generated with --no-plan, or planning failed).' }));
  }

  // Turns.
  const turns = el('section', { className: 'turns', attrs: { id: 'turns' } });
  const renderTurn = (m: MessageDetail): HTMLElement => {
    const box = el('div', { className: `turn turn-${m.role}${m.edited ? ' edited' : ''}`, attrs: { 'data-index': String(m.index), 'data-role': m.role, tabindex: '-1' } });
    const who = m.role === 'tool' ? `tool result${m.toolName ? ` · ${m.toolName}` : ''}` : m.role;
    const head = el('div', { className: 'turn-head' }, [el('span', { className: 'author', text: `#${m.index} ${who}${m.edited ? ' (edited)' : ''}` })]);
    const edit = el('button', { className: 'icon edit-turn', text: 'Edit (E)', attrs: { title: 'Edit this message' } });
    const del = el('button', { className: 'icon delete-turn', text: 'Delete', attrs: { title: m.role === 'assistant' && m.toolCalls?.length ? 'Delete this turn and its tool results' : m.role === 'tool' ? 'Delete this result and its call' : 'Delete this turn' } });
    edit.addEventListener('click', (e) => {
      e.stopPropagation();
      openEditor(m, box);
    });
    del.addEventListener('click', (e) => {
      e.stopPropagation();
      if (!h.readOnly()) h.apply({ type: 'delete-turn', messageIndex: m.index });
    });
    if (!h.readOnly()) head.append(edit, del);
    box.append(head);
    if (m.role === 'tool') box.append(el('pre', { className: 'result', text: m.pretty ?? m.content ?? '' }));
    else if (m.content !== null && m.content !== '') box.append(el('div', { className: 'text', text: m.content }));
    for (const c of m.toolCalls ?? []) {
      box.append(el('div', { className: 'call' }, [el('div', { className: 'call-name', text: `→ ${c.name}` }), el('pre', { className: 'args', text: c.arguments })]));
    }
    box.addEventListener('click', () => {
      selected = m.index;
      for (const t of turns.querySelectorAll('.turn.selected')) t.classList.remove('selected');
      box.classList.add('selected');
    });
    return box;
  };
  for (const m of d.messages) turns.append(renderTurn(m));
  root.append(el('h3', { text: `Turns (${d.messages.length} messages)` }), turns);

  // Offered tools.
  const tools = el('section', { className: 'tools', attrs: { id: 'tools' } });
  for (const t of d.tools) {
    const det = el('details', { className: 'tool' }, [el('summary', { text: t.name }), el('p', { className: 'meta', text: t.description }), el('pre', { className: 'schema', text: t.parameters })]);
    tools.append(det);
  }
  root.append(el('h3', { text: `Offered tools (${d.tools.length})` }), tools);

  // Usage.
  const total = d.usage.reduce((n, u) => n + u.promptTokens + u.completionTokens, 0);
  const usage = el('table', { className: 'usage', attrs: { id: 'usage' } }, [el('tr', {}, [el('th', { text: 'role' }), el('th', { text: 'prompt' }), el('th', { text: 'completion' })])]);
  for (const u of d.usage) usage.append(el('tr', {}, [el('td', { text: u.role }), el('td', { text: String(u.promptTokens) }), el('td', { text: String(u.completionTokens) })]));
  root.append(el('h3', { text: `Tokens ${total.toLocaleString('en-US')} · ${d.llmCalls} LLM calls` }), usage);
  if (d.quality) root.append(el('p', { className: 'meta', text: Object.entries(d.quality).map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(3)}`).join(' · ') }));
  if (d.edits.length) {
    const ul = el('ul', { className: 'edits' });
    for (const e of d.edits) ul.append(el('li', {}, [el('span', { text: `${e.kind} of message ${e.messageIndex} at ${e.at}${e.by ? ` by ${e.by}` : ''}` }), el('details', {}, [el('summary', { text: 'original' }), el('pre', { text: e.original })])]));
    root.append(el('h3', { text: 'Edits (originals kept)' }), ul);
  }

  /** Replaces a turn's body with its editor. */
  function openEditor(m: MessageDetail, box: HTMLElement): void {
    if (h.readOnly() || box.querySelector('.editor')) return;
    const form = el('div', { className: 'editor', attrs: { 'data-index': String(m.index) } });
    const buttons = el('div', { className: 'editor-buttons' });
    const applyBtn = el('button', { className: 'primary apply-edit', text: 'Apply (Ctrl+Enter)' });
    const cancelBtn = el('button', { className: 'cancel-edit', text: 'Cancel (Esc)' });
    buttons.append(applyBtn, cancelBtn);
    const close = () => {
      form.remove();
      box.focus();
    };
    let apply: () => void;
    let firstField: HTMLTextAreaElement | HTMLInputElement;
    if (m.role === 'assistant' && m.toolCalls?.length) {
      // one editor per call; the first is focused
      const calls = m.toolCalls.map((c, callIndex) => {
        const name = el('input', { className: 'call-name-input', attrs: { type: 'text', 'aria-label': 'tool name', value: c.name } });
        const args = el('textarea', { className: 'json-editor args-input', attrs: { rows: String(Math.min(16, c.arguments.split('\n').length + 1)), spellcheck: 'false', 'aria-label': 'arguments (JSON)' } });
        args.value = c.arguments;
        const errors = el('ul', { className: 'arg-errors', attrs: { 'aria-live': 'polite' } });
        let timer: number | undefined;
        let seq = 0;
        const check = () => {
          const mine = ++seq;
          void h.checkArguments(name.value, args.value).then((problems) => {
            if (mine !== seq) return; // a newer check is on its way
            showProblems(errors, args, problems);
          });
        };
        const schedule = () => {
          window.clearTimeout(timer);
          timer = window.setTimeout(check, CHECK_DELAY_MS);
        };
        args.addEventListener('input', schedule);
        name.addEventListener('input', schedule);
        check();
        form.append(el('label', { className: 'field', text: `call ${callIndex + 1} tool` }), name, el('label', { className: 'field', text: 'arguments' }), args, errors);
        return { name, args, callIndex, original: c };
      });
      firstField = calls[0]!.args;
      if (m.content) {
        form.prepend(el('p', { className: 'meta', text: 'The text of this turn is edited separately (select it, then E) once its calls are done.' }));
      }
      apply = () => {
        for (const c of calls) {
          let text = c.args.value;
          // keep the arguments compact on disk, as models write them, when they are valid JSON
          try {
            text = JSON.stringify(JSON.parse(text));
          } catch {
            /* keep what was typed; the filter reports it */
          }
          if (c.name.value !== c.original.name || c.args.value !== c.original.arguments) h.apply({ type: 'edit-tool-call', messageIndex: m.index, callIndex: c.callIndex, name: c.name.value, arguments: text });
        }
      };
    } else {
      const area = el('textarea', { className: m.role === 'tool' ? 'json-editor result-input' : 'text-input', attrs: { rows: '6', spellcheck: m.role === 'tool' ? 'false' : 'true', 'aria-label': 'message text' } });
      area.value = m.role === 'tool' ? (m.pretty ?? m.content ?? '') : (m.content ?? '');
      form.append(area);
      firstField = area;
      apply = () => {
        if (m.role === 'tool') {
          let text = area.value;
          try {
            text = JSON.stringify(JSON.parse(text));
          } catch {
            /* not JSON: the filter reports tool-result-unparseable */
          }
          h.apply({ type: 'edit-tool-result', messageIndex: m.index, content: text });
        } else {
          h.apply({ type: 'edit-content', messageIndex: m.index, content: area.value });
        }
      };
    }
    form.append(buttons);
    applyBtn.addEventListener('click', () => {
      apply();
      close();
    });
    cancelBtn.addEventListener('click', close);
    form.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        close();
      } else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        e.stopPropagation();
        apply();
        close();
      }
    });
    box.append(form);
    firstField.focus();
  }

  return {
    element: root,
    selectedMessage: () => selected,
    editSelected: () => {
      const m = (selected !== null ? d.messages[selected] : undefined) ?? d.messages.find((x) => x.toolCalls?.length) ?? d.messages[0];
      if (!m) return;
      const box = root.querySelector<HTMLElement>(`.turn[data-index="${m.index}"]`);
      if (box) {
        box.scrollIntoView({ block: 'center' });
        openEditor(m, box);
      }
    },
  };
}

/** Lists the problems under the arguments and points at each: line, column and a caret under the field. */
function showProblems(list: HTMLElement, area: HTMLTextAreaElement, problems: ArgumentProblemView[]): void {
  list.replaceChildren();
  area.classList.toggle('invalid', problems.length > 0);
  area.setAttribute('aria-invalid', String(problems.length > 0));
  const lines = area.value.split('\n');
  for (const p of problems) {
    const src = lines[p.line - 1] ?? '';
    const item = el('li', { className: 'arg-error', attrs: { 'data-pointer': p.pointer, 'data-line': String(p.line), 'data-column': String(p.column) } }, [
      el('div', { className: 'arg-error-message', text: `${p.pointer || '/'} (line ${p.line}, column ${p.column}): ${p.message}` }),
      el('pre', { className: 'arg-error-context', text: `${src}\n${' '.repeat(Math.max(0, p.column - 1))}^` }),
    ]);
    item.addEventListener('click', () => {
      area.focus();
      area.setSelectionRange(p.offset, p.offset);
    });
    list.append(item);
  }
}
