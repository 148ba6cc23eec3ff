/** Word helpers for the LLM simulator's (a test double's) agents. */
const STOP = new Set(
  'a an the to of for in on at by with and or is are be it this that me my i you your we our please can could would will do does get some any from about into as what which who how when where all also then just like want need let know tell show find give'.split(' '),
);

/** Lower-case content words of a text or identifier (splits camelCase, snake_case, kebab-case). */
export function contentWords(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 1 && !STOP.has(w))
    .map(stem);
}

function stem(w: string): string {
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1);
  return w;
}

/** `get_current_weather` -> `get current weather`. */
export function humanize(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_\-.]+/g, ' ')
    .trim()
    .toLowerCase();
}

/** The first sentence of a description, without its final period, at most `max` characters. */
export function firstSentence(text: string, max = 120): string {
  const s = text.trim().split(/(?<=[.!?])\s/)[0] ?? '';
  const t = s.replace(/[.!?]+$/, '').trim();
  return t.length > max ? `${t.slice(0, max).replace(/\s+\S*$/, '')}` : t;
}
