/**
 * Diversity metrics of the paper (Table 2, Appendix A.1):
 *   H    Shannon entropy, in bits, of the word-frequency distribution: -Σ p(w) log2 p(w)
 *   D-3  distinct word trigrams / all word trigrams (Distinct-N of Li et al. 2016, N = 3)
 * Words come from `wordsOf` (dialogueText.ts); trigrams never cross a message boundary.
 * `DiversityCounter` accumulates a whole dataset (the figures the paper reports); `diversityOf`
 * gives one dialogue's own values (stored per dialogue in quality.jsonl).
 */
import { wordsOf } from '../text/dialogueText';

export interface DiversityValues {
  /** bits; 0 for no words. */
  entropy: number;
  /** in [0, 1]; undefined when there is no trigram. */
  distinct3: number | undefined;
  words: number;
  trigrams: number;
  distinctTrigrams: number;
}

/** Entropy in bits of a frequency table with `total` = sum of counts. */
export function entropyOfCounts(counts: Iterable<number>, total: number): number {
  if (total <= 0) return 0;
  let h = 0;
  for (const c of counts) {
    if (c <= 0) continue;
    const p = c / total;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Word ids up to 2^17 pack three to a number below 2^51 (exact in a double). */
const PACK_BITS = 17;
const PACK = 2 ** PACK_BITS;

/**
 * Counts words and trigrams of many texts. Words are interned to ids; a trigram of three ids below
 * 2^17 is a packed number, any other a string key (the two sets never hold the same trigram).
 */
export class DiversityCounter {
  private readonly ids = new Map<string, number>();
  private readonly wordCounts: number[] = [];
  private readonly packed = new Set<number>();
  private readonly keyed = new Set<string>();
  private words = 0;
  private trigrams = 0;

  /** Adds one message's text. */
  addText(text: string): void {
    const ws = wordsOf(text);
    let a = -1;
    let b = -1;
    for (const w of ws) {
      let id = this.ids.get(w);
      if (id === undefined) {
        id = this.wordCounts.length;
        this.ids.set(w, id);
        this.wordCounts.push(0);
      }
      this.wordCounts[id]!++;
      this.words++;
      if (a >= 0) {
        this.trigrams++;
        if (a < PACK && b < PACK && id < PACK) this.packed.add((a * PACK + b) * PACK + id);
        else this.keyed.add(`${a},${b},${id}`);
      }
      a = b;
      b = id;
    }
  }

  values(): DiversityValues {
    const distinctTrigrams = this.packed.size + this.keyed.size;
    return {
      entropy: entropyOfCounts(this.wordCounts, this.words),
      distinct3: this.trigrams > 0 ? distinctTrigrams / this.trigrams : undefined,
      words: this.words,
      trigrams: this.trigrams,
      distinctTrigrams,
    };
  }
}

/** H and D-3 of a list of texts (e.g. one dialogue's messages). */
export function diversityOf(texts: readonly string[]): DiversityValues {
  const c = new DiversityCounter();
  for (const t of texts) c.addText(t);
  return c.values();
}
