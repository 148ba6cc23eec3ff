/**
 * The n-gram leakage rule of the paper's Section 7 (after LLaMA-2): a token of a training tool's
 * JSON is contaminated when it lies in a token n-gram longer than 10 tokens (n ≥ 11) that also
 * occurs in the evaluation set; a tool leaks when more than 10 % of its tokens are contaminated.
 *
 * Exactness: a token lies in a shared n-gram with n ≥ 11 exactly when it lies in a shared 11-gram
 * (every shared longer n-gram is covered by its shared 11-grams), so marking the tokens of every
 * shared 11-gram gives the rule's contaminated set. N-grams never cross tool boundaries.
 */
export const NGRAM_MIN_LENGTH = 11;
export const NGRAM_LEAK_SHARE = 0.1;

export interface TokenizedTool {
  name: string;
  tokens: readonly number[];
}

export interface NgramLeak {
  name: string;
  tokens: number;
  contaminated: number;
  /** contaminated / tokens. */
  share: number;
  leaks: boolean;
  /** The evaluation tool that shares the most 11-grams with this one (when any is shared). */
  closest?: { name: string; sharedNgrams: number };
}

function key(tokens: readonly number[], start: number, n: number): string {
  let s = '';
  for (let i = start; i < start + n; i++) s += `${tokens[i]},`;
  return s;
}

/** Index of the evaluation set: every 11-gram -> the evaluation tools holding it. */
export class EvalNgramIndex {
  private readonly grams = new Map<string, number[]>();
  readonly names: string[] = [];

  constructor(evalTools: readonly TokenizedTool[], readonly n = NGRAM_MIN_LENGTH) {
    evalTools.forEach((t, ti) => {
      this.names.push(t.name);
      for (let i = 0; i + n <= t.tokens.length; i++) {
        const k = key(t.tokens, i, n);
        const holders = this.grams.get(k);
        if (!holders) this.grams.set(k, [ti]);
        else if (holders[holders.length - 1] !== ti) holders.push(ti);
      }
    });
  }

  holders(tokens: readonly number[], start: number): number[] | undefined {
    return this.grams.get(key(tokens, start, this.n));
  }
}

/** Applies the rule to one training tool. */
export function ngramLeak(tool: TokenizedTool, index: EvalNgramIndex, leakShare = NGRAM_LEAK_SHARE): NgramLeak {
  const n = index.n;
  const marked = new Uint8Array(tool.tokens.length);
  const sharedBy = new Map<number, number>();
  for (let i = 0; i + n <= tool.tokens.length; i++) {
    const holders = index.holders(tool.tokens, i);
    if (!holders) continue;
    marked.fill(1, i, i + n);
    for (const h of holders) sharedBy.set(h, (sharedBy.get(h) ?? 0) + 1);
  }
  let contaminated = 0;
  for (const m of marked) contaminated += m;
  const share = tool.tokens.length > 0 ? contaminated / tool.tokens.length : 0;
  let closest: NgramLeak['closest'];
  for (const [h, count] of sharedBy) {
    if (!closest || count > closest.sharedNgrams) closest = { name: index.names[h]!, sharedNgrams: count };
  }
  return { name: tool.name, tokens: tool.tokens.length, contaminated, share, leaks: share > leakShare, ...(closest ? { closest } : {}) };
}
