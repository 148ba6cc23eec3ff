/**
 * A list that renders only the rows in view (plus a margin): a spacer gives the scroll height, rows
 * are absolutely positioned. Rows are fetched from the host for the visible range and cached; the
 * selection is a logical position, so keys work on rows that are not in the DOM.
 */
import type { ReviewRow } from '../../src/shared/review';
import { clear, el } from '../shared/dom';

export const ROW_HEIGHT = 46;
const OVERSCAN = 12;

export class VirtualList {
  readonly element: HTMLElement;
  private readonly spacer: HTMLElement;
  private slots: number[] = [];
  private readonly cache = new Map<number, ReviewRow>();
  private fetching = false;
  private selectedPos = -1;
  private rendered = new Map<number, HTMLElement>();

  constructor(
    private readonly fetchRows: (slots: number[]) => Promise<ReviewRow[]>,
    private readonly renderRow: (row: ReviewRow | undefined, slot: number) => HTMLElement,
    private readonly onPick: (pos: number) => void,
  ) {
    this.spacer = el('div', { className: 'spacer' });
    this.element = el('div', { className: 'list', attrs: { id: 'list', role: 'listbox', 'aria-label': 'Dialogues', tabindex: '0' } }, [this.spacer]);
    this.element.addEventListener('scroll', () => this.render());
    this.element.addEventListener('click', (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>('.row');
      if (row?.dataset.pos) this.onPick(Number(row.dataset.pos));
    });
  }

  get length(): number {
    return this.slots.length;
  }

  get items(): readonly number[] {
    return this.slots;
  }

  slotAt(pos: number): number | undefined {
    return this.slots[pos];
  }

  cached(slot: number): ReviewRow | undefined {
    return this.cache.get(slot);
  }

  setSlots(slots: number[]): void {
    this.slots = slots;
    clear(this.spacer);
    this.spacer.style.height = `${slots.length * ROW_HEIGHT}px`;
    this.clearRendered();
    void this.render();
  }

  /** Drops cached rows (all, or some slots) and redraws. */
  invalidate(slots?: number[]): void {
    if (slots) for (const s of slots) this.cache.delete(s);
    else this.cache.clear();
    this.clearRendered();
    void this.render();
  }

  private clearRendered(): void {
    for (const r of this.rendered.values()) r.remove();
    this.rendered.clear();
  }

  select(pos: number): void {
    this.selectedPos = pos;
    this.scrollIntoView(pos);
    for (const [p, node] of this.rendered) {
      node.classList.toggle('selected', p === pos);
      node.setAttribute('aria-selected', String(p === pos));
    }
  }

  private scrollIntoView(pos: number): void {
    if (pos < 0) return;
    const top = pos * ROW_HEIGHT;
    const view = this.element;
    if (top < view.scrollTop) view.scrollTop = top;
    else if (top + ROW_HEIGHT > view.scrollTop + view.clientHeight) view.scrollTop = top + ROW_HEIGHT - view.clientHeight;
    void this.render();
  }

  /** Rows in view; fetches those not cached yet. Resolves once the visible rows are drawn with data. */
  render(): Promise<void> {
    const view = this.element;
    const first = Math.max(0, Math.floor(view.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.slots.length - 1, Math.ceil((view.scrollTop + Math.max(view.clientHeight, 400)) / ROW_HEIGHT) + OVERSCAN);
    for (const [pos, node] of this.rendered) {
      if (pos < first || pos > last) {
        node.remove();
        this.rendered.delete(pos);
      }
    }
    const missing: number[] = [];
    for (let pos = first; pos <= last; pos++) {
      const slot = this.slots[pos]!;
      const row = this.cache.get(slot);
      if (!row) missing.push(slot);
      const existing = this.rendered.get(pos);
      if (existing && (existing.dataset.loaded === '1' || !row)) continue;
      const node = this.renderRow(row, slot);
      node.classList.add('row');
      node.dataset.pos = String(pos);
      node.dataset.loaded = row ? '1' : '0';
      node.style.top = `${pos * ROW_HEIGHT}px`;
      node.setAttribute('role', 'option');
      node.classList.toggle('selected', pos === this.selectedPos);
      node.setAttribute('aria-selected', String(pos === this.selectedPos));
      existing?.remove();
      this.rendered.set(pos, node);
      this.element.appendChild(node);
    }
    if (missing.length === 0 || this.fetching) return Promise.resolve();
    this.fetching = true;
    return this.fetchRows(missing)
      .then((rows) => {
        for (const r of rows) this.cache.set(r.slot, r);
      })
      .finally(() => {
        this.fetching = false;
      })
      .then(
        () => this.render(),
        () => undefined, // the host refused (e.g. the file changed): rows stay as placeholders
      );
  }

  empty(text: string): void {
    this.setSlots([]);
    clear(this.spacer);
    this.spacer.append(el('p', { className: 'empty', text }));
  }
}
