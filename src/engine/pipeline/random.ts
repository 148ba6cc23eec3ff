/**
 * Seeded randomness for the pipeline. Every random choice about dialogue i (tools, style, number of
 * plan steps, simulated tool errors) comes from an RNG seeded with `dialogueSeed(runSeed, i)`, so a
 * dialogue is the same whatever the concurrency and across resumes.
 */

import { createRandom } from '../sampling/seededRandom';

/** A uniform float in [0, 1). */
export type Rng = () => number;

/** The same seeded PRNG as tool sampling (mulberry32), as a plain function. */
export function createRng(seed: number): Rng {
  return createRandom(seed).next;
}

/** splitmix32-style mix of the run seed and the dialogue index into a 32-bit dialogue seed. */
export function dialogueSeed(runSeed: number, index: number): number {
  let z = (Math.imul(runSeed >>> 0, 0x9e3779b1) + Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** An integer in [min, max] (inclusive). */
export function intBetween(rng: Rng, min: number, max: number): number {
  if (max <= min) return min;
  return min + Math.floor(rng() * (max - min + 1));
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  if (items.length === 0) throw new Error('pick from an empty list');
  return items[Math.floor(rng() * items.length)]!;
}
