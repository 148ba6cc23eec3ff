/**
 * The `toolflow generate` progress line on stderr: done, rejected, tokens, rate, ETA. On a TTY the
 * line is redrawn in place; otherwise a line is printed at most every `intervalMs`.
 */
import type { RunProgressEvent } from '../../../engine/pipeline/events';

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

function compact(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}

export function formatProgress(e: RunProgressEvent, width = 24): string {
  const { done, total, rejected } = e.counts;
  const filled = total > 0 ? Math.round((done / total) * width) : 0;
  const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
  const eta = e.etaMs === null ? 'ETA --' : `ETA ${duration(e.etaMs)}`;
  return `[${bar}] ${done}/${total} done · ${rejected} rejected · ${compact(e.tokens)} tokens · ${e.perMinute.toFixed(1)}/min · ${eta}`;
}

export class ProgressLine {
  private last = 0;
  private drawn = false;

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly intervalMs = 2000,
  ) {}

  update(e: RunProgressEvent, force = false): void {
    const now = Date.now();
    const tty = this.out.isTTY === true;
    if (!force && now - this.last < (tty ? 100 : this.intervalMs)) return;
    this.last = now;
    const line = formatProgress(e);
    if (tty) {
      this.out.write(`\r${line}\x1b[K`);
      this.drawn = true;
    } else this.out.write(line + '\n');
  }

  /** Ends the in-place line so that following output starts on a new line. */
  end(): void {
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}
