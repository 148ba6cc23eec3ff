// The graph view's colours (webview-ui/graph/themeColours.ts): sigma 3 draws translucent colours too
// bright (premultiplied blending of non-premultiplied colours), so the view draws only opaque colours,
// mixed with the theme's editor background.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { graphColours, mixOver, parseColour } from '../../../webview-ui/graph/themeColours';

const opaque = /^#[0-9a-f]{6}$/;
const channels = (hex: string) => parseColour(hex)!;
/** Mean distance per channel. */
const distance = (a: string, b: string) => channels(a).reduce((n, v, i) => n + Math.abs(v - channels(b)[i]!), 0) / 3;

describe('graph view colours', () => {
  it('reads the colour forms VS Code themes put in their variables', () => {
    assert.deepEqual(parseColour('#1e1e1e'), [30, 30, 30]);
    assert.deepEqual(parseColour(' #FFF '), [255, 255, 255]);
    assert.deepEqual(parseColour('#1e1e1ecc'), [30, 30, 30]);
    assert.deepEqual(parseColour('#abcd'), [170, 187, 204]);
    assert.deepEqual(parseColour('rgb(12, 34, 56)'), [12, 34, 56]);
    assert.deepEqual(parseColour('rgba(12,34,56,0.5)'), [12, 34, 56]);
    assert.equal(parseColour('transparent'), undefined);
    assert.equal(parseColour('rgba(0, 0, 0, 0)'), undefined, 'an unstyled page’s transparent background is no colour to mix with');
    assert.equal(parseColour('#12345'), undefined);
  });

  it('mixes a colour at an opacity over the background, as an opaque colour', () => {
    assert.equal(mixOver([136, 136, 136], 0.3, [30, 30, 30]), '#3e3e3e');
    assert.equal(mixOver([136, 136, 136], 0.3, [255, 255, 255]), '#dbdbdb');
    assert.equal(mixOver([255, 0, 0], 1, [0, 0, 0]), '#ff0000');
    assert.equal(mixOver([255, 0, 0], 0, [1, 2, 3]), '#010203');
  });

  for (const [theme, bg, fg] of [
    ['Dark Modern', '#1f1f1f', '#cccccc'],
    ['Light Modern', '#ffffff', '#3b3b3b'],
    ['High Contrast', '#000000', '#ffffff'],
  ] as const) {
    it(`${theme}: every colour is opaque; dimmed tools and resting edges sit near the background, not near white or grey`, () => {
      const c = graphColours(bg, fg);
      for (const v of Object.values(c)) assert.match(v, opaque);
      assert.equal(c.background, bg);
      // Dimmed: 30 % of the way from the background to #888 (the old rgba(136,136,136,0.3) as it was meant to look).
      assert.ok(distance(c.dim, bg) <= 0.31 * distance('#888888', bg) + 1 && distance(c.dim, bg) >= 0.29 * distance('#888888', bg) - 1, `${c.dim} over ${bg}`);
      assert.ok(distance(c.edge, bg) < distance(c.edge, '#888888'), `resting edge ${c.edge} nearer the background than the grey`);
      assert.ok(distance(c.dim, bg) < distance('#ffd400', bg) / 2, 'the walk highlight stands out from dimmed tools');
      assert.ok(distance(c.selectedEdge, bg) > distance(c.edge, bg), 'the selected tool’s edges stand out from resting ones');
      assert.equal(c.label, fg);
    });
  }

  it('falls back to a dark theme when the variables are missing', () => {
    assert.deepEqual(graphColours('', ''), graphColours('#1e1e1e', '#cccccc'));
  });
});
