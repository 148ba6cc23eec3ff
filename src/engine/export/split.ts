/**
 * Train/validation splits, seeded. By dialogue: a seeded shuffle cut at the ratio. By tools: no tool
 * is offered in both a training and a validation sample, so a validation score measures calls to
 * tools the model never saw. Dialogues offering tools from both sides cannot go anywhere and are
 * dropped; the split grows the validation tool set around tools that co-occur, to drop few.
 */
import type { DialogueRecord } from '../pipeline/types';
import { createRandom } from '../sampling/seededRandom';

export interface SplitResult {
  train: DialogueRecord[];
  validation: DialogueRecord[];
  /** Only with split by tools: dialogues whose tools fall on both sides. */
  dropped: DialogueRecord[];
  /** Only with split by tools: the tools held out for validation. */
  validationTools?: string[];
}

function shuffled<T>(items: readonly T[], seed: number | string): T[] {
  const rnd = createRandom(seed);
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = rnd.int(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** Number of validation samples for `n` samples and a train ratio (at least 1 when n ≥ 2 and ratio < 1). */
export function validationTarget(n: number, trainRatio: number): number {
  if (trainRatio >= 1 || n < 2) return 0;
  return Math.min(n - 1, Math.max(1, Math.round(n * (1 - trainRatio))));
}

export function splitByDialogue(records: readonly DialogueRecord[], trainRatio: number, seed: number | string): SplitResult {
  const order = shuffled(records, seed);
  const nVal = validationTarget(records.length, trainRatio);
  const valIds = new Set(order.slice(0, nVal).map((r) => r.id));
  // Keep the run's order inside each side, so files read in dialogue order.
  return { train: records.filter((r) => !valIds.has(r.id)), validation: records.filter((r) => valIds.has(r.id)), dropped: [] };
}

export const toolsOf = (r: DialogueRecord): string[] => [...new Set((r.tools ?? []).map((t) => t.function.name))];

export function splitByTools(records: readonly DialogueRecord[], trainRatio: number, seed: number | string): SplitResult {
  const target = validationTarget(records.length, trainRatio);
  const tools = records.map(toolsOf);
  const byTool = new Map<string, number[]>();
  tools.forEach((ts, i) => ts.forEach((t) => byTool.set(t, [...(byTool.get(t) ?? []), i])));
  const order = shuffled([...byTool.keys()].sort(), seed);
  const rank = new Map(order.map((t, i) => [t, i]));
  /** Tools of each dialogue not yet in the validation set. */
  const outside = tools.map((ts) => ts.length);
  const held = new Set<string>();
  let inside = 0;
  while (inside < target && held.size < order.length) {
    // Next tool: the one completing most dialogues; ties: fewest dialogues newly cut in two, then seeded order.
    let best: string | undefined;
    let bestGain = -1;
    let bestCut = Infinity;
    for (const t of order) {
      if (held.has(t)) continue;
      let gain = 0;
      let cut = 0;
      for (const i of byTool.get(t)!) {
        if (outside[i] === 1) gain++;
        else if (outside[i] === tools[i]!.length) cut++;
      }
      if (held.size === 0) {
        best = t; // the seed picks where the held-out set starts
        break;
      }
      if (gain > bestGain || (gain === bestGain && (cut < bestCut || (cut === bestCut && rank.get(t)! < rank.get(best!)!)))) {
        best = t;
        bestGain = gain;
        bestCut = cut;
      }
    }
    if (best === undefined) break;
    held.add(best);
    for (const i of byTool.get(best)!) if (--outside[i]! === 0) inside++;
  }
  const train: DialogueRecord[] = [];
  const validation: DialogueRecord[] = [];
  const dropped: DialogueRecord[] = [];
  records.forEach((r, i) => {
    const n = tools[i]!.length;
    if (outside[i] === 0 && n > 0) validation.push(r);
    else if (outside[i] === n) train.push(r);
    else dropped.push(r);
  });
  return { train, validation, dropped, validationTools: [...held].sort() };
}
