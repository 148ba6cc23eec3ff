/**
 * Where a JSON text stops being valid JSON. V8's `JSON.parse` messages name a position only for
 * some errors ("Unexpected token '}', ... is not valid JSON" has none), and a diagnostic without a
 * line sends the user hunting. This scanner runs only after `JSON.parse` failed; it checks syntax
 * without building values and keeps its own stack, so deep nesting cannot overflow the call stack.
 */
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const HEX4 = /^[0-9a-fA-F]{4}$/;

/** Offset of the first syntax error in `text`, or undefined when the text is valid JSON. */
export function jsonSyntaxErrorOffset(text: string): number | undefined {
  const n = text.length;
  let i = 0;
  const stack: string[] = [];
  const skipWhitespace = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  /** Scans a string starting at text[i] === '"'; returns false at the offending offset. */
  const scanString = (): boolean => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!HEX4.test(text.slice(i + 2, i + 6))) return false;
          i += 6;
        } else if (e !== undefined && ESCAPES.has(e)) i += 2;
        else return false;
      } else i++;
    }
    return false;
  };
  let state: 'value' | 'key' | 'after' = 'value';
  for (;;) {
    skipWhitespace();
    if (state === 'after') {
      const open = stack[stack.length - 1];
      if (open === undefined) return i < n ? i : undefined;
      if (text[i] === ',') {
        i++;
        state = open === '{' ? 'key' : 'value';
      } else if (text[i] === (open === '{' ? '}' : ']')) {
        i++;
        stack.pop();
      } else return i;
      continue;
    }
    if (i >= n) return n;
    if (state === 'key') {
      if (text[i] !== '"' || !scanString()) return i;
      skipWhitespace();
      if (text[i] !== ':') return i;
      i++;
      state = 'value';
      continue;
    }
    const c = text[i];
    if (c === '{' || c === '[') {
      stack.push(c);
      i++;
      skipWhitespace();
      if (text[i] === (c === '{' ? '}' : ']')) {
        i++;
        stack.pop();
        state = 'after';
      } else state = c === '{' ? 'key' : 'value';
      continue;
    }
    if (c === '"') {
      if (!scanString()) return i;
    } else if (text.startsWith('true', i)) i += 4;
    else if (text.startsWith('false', i)) i += 5;
    else if (text.startsWith('null', i)) i += 4;
    else {
      NUMBER.lastIndex = i;
      if (!NUMBER.test(text)) return i;
      i = NUMBER.lastIndex;
    }
    state = 'after';
  }
}
