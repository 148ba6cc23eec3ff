/**
 * MinHash signatures and LSH banding, written here rather than taken from npm: the packages that
 * offer MinHash (`bloom-filters`, `minhash`) either have no LSH index or are unmaintained (0.0.x,
 * string keys per band), and a few dozen lines over 32-bit integer hashing are faster on 8,000
 * dialogues than either. Hashes: FNV-1a of the shingle, then per permutation a murmur3 finaliser
 * of (hash xor seed_i) — a standard family of independent-enough 32-bit hash functions.
 */

/** FNV-1a, 32 bits, of a string's UTF-16 code units. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

export class MinHasher {
  private readonly seeds: Uint32Array;

  constructor(readonly permutations = 128, seed = 0x5eed) {
    this.seeds = new Uint32Array(permutations);
    let s = seed >>> 0;
    for (let i = 0; i < permutations; i++) {
      s = mix32(s + 0x9e3779b9);
      this.seeds[i] = s;
    }
  }

  /** The signature of a set of shingle hashes (all 0xffffffff for an empty set). */
  signature(shingleHashes: Iterable<number>): Uint32Array {
    const sig = new Uint32Array(this.permutations).fill(0xffffffff);
    const seeds = this.seeds;
    for (const h of shingleHashes) {
      for (let i = 0; i < sig.length; i++) {
        const v = mix32(h ^ seeds[i]!);
        if (v < sig[i]!) sig[i] = v;
      }
    }
    return sig;
  }
}

/** Estimated Jaccard similarity: the share of equal signature positions. */
export function estimatedJaccard(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return a.length ? same / a.length : 0;
}

/**
 * Candidate pairs from LSH: signatures are cut into `bands` bands of `rows` rows; two items whose
 * signatures agree on all rows of any band are candidates. With b bands of r rows a pair of
 * Jaccard s becomes a candidate with probability 1 - (1 - s^r)^b.
 */
export function lshCandidates(signatures: readonly Uint32Array[], bands: number, rows: number): Array<[number, number]> {
  const pairs = new Set<number>();
  const out: Array<[number, number]> = [];
  const n = signatures.length;
  for (let b = 0; b < bands; b++) {
    const buckets = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const sig = signatures[i]!;
      let h = 0x811c9dc5 ^ b;
      for (let r = b * rows; r < (b + 1) * rows; r++) {
        h ^= sig[r]!;
        h = Math.imul(h, 0x01000193);
        h = mix32(h);
      }
      const bucket = buckets.get(h);
      if (bucket) bucket.push(i);
      else buckets.set(h, [i]);
    }
    for (const members of buckets.values()) {
      if (members.length < 2) continue;
      for (let x = 0; x < members.length; x++) {
        for (let y = x + 1; y < members.length; y++) {
          const i = members[x]!, j = members[y]!;
          const k = i * n + j;
          if (pairs.has(k)) continue;
          pairs.add(k);
          out.push([i, j]);
        }
      }
    }
  }
  return out;
}
