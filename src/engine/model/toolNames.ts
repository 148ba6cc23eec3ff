/**
 * Tool names as OpenAI accepts them (`^[a-zA-Z0-9_-]{1,64}$`), made from whatever the source wrote.
 * Both functions are pure and deterministic, so re-importing the same files gives the same names.
 */
import { createHash } from 'node:crypto';
import { OPENAI_NAME_PATTERN } from './tool';

const MAX_NAME_LENGTH = 64;

/** Short stable hash (8 hex digits of SHA-1) used to keep truncated or emptied names distinct. */
export function shortHash(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 8);
}

/**
 * Makes `original` valid for OpenAI: every character outside `[a-zA-Z0-9_-]` (dots, spaces, slashes,
 * `:param` templates, non-ASCII) becomes `_`, runs of `_` collapse, leading/trailing `_` go; a name
 * longer than 64 is cut and gets `_<hash>` so different long names stay different; a name with no
 * usable character becomes `tool_<hash>`.
 */
export function makeValidToolName(original: string): string {
  if (OPENAI_NAME_PATTERN.test(original)) return original;
  let name = original.replace(/[^a-zA-Z0-9_-]/g, '_').replace(/_{2,}/g, '_').replace(/^_+|_+$/g, '');
  if (name === '' || /^[-_]*$/.test(name)) return `tool_${shortHash(original)}`;
  if (name.length > MAX_NAME_LENGTH) name = `${name.slice(0, MAX_NAME_LENGTH - 9)}_${shortHash(original)}`;
  return name;
}

/**
 * Hands out names unique within one set: the first `x` keeps `x`, later ones get `x_2`, `x_3`, …
 * (shortened so the suffix still fits in 64 characters).
 */
export class UniqueNameAllocator {
  private readonly taken = new Set<string>();

  /** Marks a name as used without renaming it (e.g. names already in a loaded set). */
  reserve(name: string): void {
    this.taken.add(name);
  }

  has(name: string): boolean {
    return this.taken.has(name);
  }

  allocate(name: string): string {
    if (!this.taken.has(name)) {
      this.taken.add(name);
      return name;
    }
    for (let i = 2; ; i++) {
      const suffix = `_${i}`;
      const candidate = name.slice(0, MAX_NAME_LENGTH - suffix.length) + suffix;
      if (!this.taken.has(candidate)) {
        this.taken.add(candidate);
        return candidate;
      }
    }
  }
}
