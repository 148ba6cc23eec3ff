/**
 * Puts runs' quality results into one report: the runs' summaries and per-dialogue distributions
 * binned on shared edges, so the report's bars compare across runs side by side.
 */
import type { Distribution, QualityReport } from '../../../shared/qualityReport';
import { readQualityIndex } from '../qualityFiles';
import { TOKEN_ENCODING } from '../stats/tokenCount';
import type { RunQualityResult } from './runQuality';

const MAX_BINS = 20;

/** Bins `series` (one array per run) on shared edges: whole-number bins for integer data. */
export function binSeries(series: readonly (readonly number[])[], integer: boolean): { edges: number[]; counts: number[][] } {
  let min = Infinity;
  let max = -Infinity;
  for (const s of series) for (const v of s) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min)) return { edges: [], counts: series.map(() => []) };
  let edges: number[];
  if (integer) {
    const lo = Math.floor(min);
    const span = Math.floor(max) - lo + 1;
    const width = Math.max(1, Math.ceil(span / MAX_BINS));
    const bins = Math.ceil(span / width);
    edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * width);
  } else {
    if (max === min) max = min + 1e-9;
    edges = Array.from({ length: MAX_BINS + 1 }, (_, i) => min + ((max - min) * i) / MAX_BINS);
  }
  const bins = edges.length - 1;
  const counts = series.map((s) => {
    const c = new Array<number>(bins).fill(0);
    for (const v of s) {
      let b = Math.floor(((v - edges[0]!) / (edges[bins]! - edges[0]!)) * bins);
      if (b >= bins) b = bins - 1;
      if (b < 0) b = 0;
      c[b]!++;
    }
    return c;
  });
  return { edges, counts };
}

function defined(values: Array<number | undefined>): number[] {
  return values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}

export function buildReport(results: readonly RunQualityResult[], createdAt = new Date().toISOString()): QualityReport {
  const distributions: Distribution[] = [];
  const add = (metric: string, label: string, series: number[][], integer: boolean) => {
    if (series.every((s) => s.length === 0)) return;
    distributions.push({ metric, label, ...binSeries(series, integer) });
  };
  add('tokens', 'Tokens per dialogue (o200k_base)', results.map((r) => r.stats.map((s) => s.tokens)), true);
  add('rounds', 'User turns per dialogue', results.map((r) => r.stats.map((s) => s.rounds)), true);
  add('calls', 'Tool calls per dialogue', results.map((r) => r.stats.map((s) => s.calls)), true);
  add('tools', 'Tools offered per dialogue', results.map((r) => r.stats.map((s) => s.tools)), true);
  add('ss', 'SS per dialogue (mean cosine of consecutive rounds)', results.map((r) => defined(r.perDialogue.map((q) => q.ss))), false);
  add('enr', 'EnR per dialogue (share of entailed round pairs)', results.map((r) => defined(r.perDialogue.map((q) => q.enr))), false);
  add('entropy', 'Word entropy H per dialogue (bits)', results.map((r) => defined(r.perDialogue.map((q) => q.entropy))), false);
  add('distinct3', 'D-3 per dialogue', results.map((r) => defined(r.perDialogue.map((q) => q.distinct3))), false);
  const judged = results.map((r) => {
    const index = readQualityIndex(r.summary.dir);
    return r.perDialogue.map((q) => index.get(q.id)?.judge).filter((j) => j !== undefined);
  });
  for (const c of ['naturalness', 'coherence', 'helpfulness', 'accuracy'] as const) {
    add(`judge.${c}`, `Judge ${c} (1-5)`, judged.map((js) => js.map((j) => j[c])), true);
  }
  return { format: 'toolflow.quality-report', version: 1, createdAt, tokenizer: TOKEN_ENCODING, runs: results.map((r) => r.summary), distributions };
}
