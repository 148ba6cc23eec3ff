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

/**
 * A 53-bit hash of tokens[start, start + n): two independent 32-bit multiplicative hashes, 32 + 21
 * bits kept. Only a filter: every hit is confirmed by comparing the tokens, so the rule stays exact.
 */
function hashAt(tokens: readonly number[], start: number, n: number): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  for (let i = start; i < start + n; i++) {
    const t = tokens[i]!;
    h1 = Math.imul(h1 ^ t, 0x01000193);
    h2 = Math.imul(h2 ^ t, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return (h1 >>> 0) * 0x200000 + (h2 & 0x1fffff);
}

function sameTokens(a: readonly number[], aStart: number, b: readonly number[], bStart: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[aStart + i] !== b[bStart + i]) return false;
  return true;
}

/** Index of the evaluation set: every 11-gram -> where it occurs (tool, start). */
export class EvalNgramIndex {
  /** hash -> flat list of (tool index, start) pairs. */
  private readonly grams = new Map<number, number[]>();
  private readonly tokens: (readonly number[])[] = [];
  readonly names: string[] = [];

  constructor(evalTools: readonly TokenizedTool[], readonly n = NGRAM_MIN_LENGTH) {
    evalTools.forEach((t, ti) => {
      this.names.push(t.name);
      this.tokens.push(t.tokens);
      for (let i = 0; i + n <= t.tokens.length; i++) {
        const h = hashAt(t.tokens, i, n);
        const at = this.grams.get(h);
        if (at) at.push(ti, i);
        else this.grams.set(h, [ti, i]);
      }
    });
  }

  /** The evaluation tools holding exactly tokens[start, start + n) (undefined when none). */
  holders(tokens: readonly number[], start: number): number[] | undefined {
    const at = this.grams.get(hashAt(tokens, start, this.n));
    if (!at) return undefined;
    let out: number[] | undefined;
    for (let k = 0; k < at.length; k += 2) {
      const ti = at[k]!;
      if (out && out[out.length - 1] === ti) continue;
      if (sameTokens(this.tokens[ti]!, at[k + 1]!, tokens, start, this.n)) (out ??= []).push(ti);
    }
    return out;
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
