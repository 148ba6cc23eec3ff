/**
 * Maps JSON pointers to positions in JSON text, so diagnostics about parsed values can name a
 * line and column. `JSON.parse` keeps no positions, so this scanner walks the (already validated)
 * text once and records where every value starts. It never recurses deeper than `maxDepth`:
 * deeper values are skipped iteratively, so pathological nesting cannot overflow the stack.
 */

/** Offsets of line starts, for turning an offset into a 1-based line and column. */
export class LineIndex {
  private starts: number[] | undefined;
  constructor(private readonly text: string) {}

  position(offset: number): { line: number; column: number } {
    if (!this.starts) {
      const starts = [0];
      for (let i = 0; i < this.text.length; i++) if (this.text.charCodeAt(i) === 10) starts.push(i + 1);
      this.starts = starts;
    }
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  }
}

function escapeSegment(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Builds pointer -> start offset for every value of a valid JSON text, up to `maxDepth`. */
export function indexJsonPointers(text: string, maxDepth = 64): Map<string, number> {
  const map = new Map<string, number>();
  let pos = 0;

  const skipWs = () => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) pos++;
      else break;
    }
  };
  const skipString = () => {
    pos++; // opening quote
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 92) pos += 2;
      else if (c === 34) {
        pos++;
        return;
      } else pos++;
    }
  };
  /** Skips one value without recording anything (iterative, any depth). */
  const skipValue = () => {
    let depth = 0;
    do {
      skipWs();
      const c = text[pos];
      if (c === '"') skipString();
      else if (c === '{' || c === '[') {
        depth++;
        pos++;
      } else if (c === '}' || c === ']') {
        depth--;
        pos++;
      } else if (c === ',' || c === ':') pos++;
      else {
        while (pos < text.length && !/[\s,\]}]/.test(text[pos]!)) pos++;
      }
    } while (depth > 0 && pos < text.length);
  };
  const value = (pointer: string, depth: number) => {
    skipWs();
    map.set(pointer, pos);
    if (depth > maxDepth) {
      skipValue();
      return;
    }
    const c = text[pos];
    if (c === '{') {
      pos++;
      skipWs();
      if (text[pos] === '}') {
        pos++;
        return;
      }
      while (pos < text.length) {
        skipWs();
        const keyStart = pos;
        skipString();
        let key: string;
        try {
          key = JSON.parse(text.slice(keyStart, pos)) as string;
        } catch {
          return;
        }
        skipWs();
        pos++; // ':'
        value(`${pointer}/${escapeSegment(key)}`, depth + 1);
        skipWs();
        if (text[pos] === ',') pos++;
        else {
          pos++; // '}'
          return;
        }
      }
    } else if (c === '[') {
      pos++;
      skipWs();
      if (text[pos] === ']') {
        pos++;
        return;
      }
      for (let i = 0; pos < text.length; i++) {
        value(`${pointer}/${i}`, depth + 1);
        skipWs();
        if (text[pos] === ',') pos++;
        else {
          pos++; // ']'
          return;
        }
      }
    } else if (c === '"') skipString();
    else skipValue();
  };
  try {
    value('', 0);
  } catch {
    // Positions are a convenience; a scanner problem must never hide the diagnostic itself.
  }
  return map;
}

/** Finds the longest recorded prefix of `pointer` (the value itself, or its nearest indexed ancestor). */
export function nearestOffset(map: Map<string, number>, pointer: string): number | undefined {
  let p = pointer;
  for (;;) {
    const hit = map.get(p);
    if (hit !== undefined) return hit;
    if (p === '') return undefined;
    p = p.slice(0, p.lastIndexOf('/'));
  }
}

/** Line and column of a `JSON.parse` error, from the "position N" V8 puts in its message. */
export function jsonErrorOffset(message: string, textLength?: number): number | undefined {
  const m = /position (\d+)/.exec(message);
  if (m) return Number(m[1]);
  // "Unexpected end of JSON input": the text stops early; point at its end.
  return textLength !== undefined && /end of JSON input/i.test(message) ? textLength : undefined;
}
