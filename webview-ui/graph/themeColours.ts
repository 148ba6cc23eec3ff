/**
 * Colours of the graph drawn by sigma 3, fitted to the VS Code theme.
 *
 * Sigma 3 blends with `gl.blendFunc(ONE, ONE_MINUS_SRC_ALPHA)` (premultiplied alpha) but writes
 * colours as given, not premultiplied, and the browser composites its canvas as premultiplied. A
 * colour such as `rgba(136,136,136,0.3)` therefore adds its full grey on top of what is below it:
 * dimmed tools and edges came out light grey, and white where several overlap, brighter than the
 * highlight they should stand behind. So every colour the view draws is opaque: a translucent colour
 * is mixed here with the theme's editor background (what it would look like over it) and mixed
 * again when the theme changes.
 */

export type Rgb = readonly [number, number, number];

/** Parses `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`, `rgb(r, g, b)` and `rgba(r, g, b, a)`; alpha is ignored, but a fully transparent `rgba` (what an unstyled page reports) is no colour. Undefined for anything else. */
export function parseColour(css: string): Rgb | undefined {
  const s = css.trim().toLowerCase();
  const hex = /^#([0-9a-f]{3,8})$/.exec(s)?.[1];
  if (hex) {
    if (hex.length === 3 || hex.length === 4) return [0, 1, 2].map((i) => parseInt(hex[i]! + hex[i]!, 16)) as unknown as Rgb;
    if (hex.length === 6 || hex.length === 8) return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as unknown as Rgb;
    return undefined;
  }
  const fn = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+)%?)?\s*\)$/.exec(s);
  if (fn && fn[4] !== undefined && Number(fn[4]) === 0) return undefined; // transparent: no colour to mix with
  if (fn) return [fn[1], fn[2], fn[3]].map((v) => Math.max(0, Math.min(255, Math.round(Number(v))))) as unknown as Rgb;
  return undefined;
}

export function toHex(c: Rgb): string {
  return `#${c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
}

/** The opaque colour of `colour` drawn at opacity `alpha` over `background`, as `#rrggbb`. */
export function mixOver(colour: Rgb, alpha: number, background: Rgb): string {
  return toHex(colour.map((v, i) => background[i]! + alpha * (v - background[i]!)) as unknown as Rgb);
}

export interface GraphColours {
  background: string;
  /** Tools outside the focus (a search, a selection, Show in Graph, a walk). */
  dim: string;
  /** Edges at rest. */
  edge: string;
  /** Edges of the selected tool. */
  selectedEdge: string;
  /** Labels. */
  label: string;
}

const GREY: Rgb = [136, 136, 136];
const DARK_BACKGROUND: Rgb = [30, 30, 30];
const DARK_FOREGROUND: Rgb = [204, 204, 204];

/** The view's colours for a theme's editor background and foreground (CSS colour strings, as VS Code's variables hold them). */
export function graphColours(backgroundCss: string, foregroundCss: string): GraphColours {
  const bg = parseColour(backgroundCss) ?? DARK_BACKGROUND;
  const fg = parseColour(foregroundCss) ?? DARK_FOREGROUND;
  return {
    background: toHex(bg),
    dim: mixOver(GREY, 0.3, bg),
    edge: mixOver(GREY, 0.35, bg),
    selectedEdge: mixOver(fg, 0.6, bg),
    label: toHex(fg),
  };
}
