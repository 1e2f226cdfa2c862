/// <reference types="vite/client" />
// WCAG AA contrast of the theme colours (jsdom cannot compute it on the page):
// each pair of text colour and background the window uses, in both themes.

import { describe, expect, it } from 'vitest';
import css from '../app.css?raw';

/** The custom properties set in the first CSS block whose selector is `selector`. */
export function variables(source: string, selector: string): Record<string, string> {
  const start = source.indexOf(`${selector} {`);
  if (start < 0) throw new Error(`no ${selector} block in app.css`);
  const body = source.slice(start, source.indexOf('}', start));
  return Object.fromEntries([...body.matchAll(/--([\w-]+):\s*([^;]+);/g)].map(([, name, value]) => [name, value.trim()]));
}

/** Relative luminance of `#rgb` or `#rrggbb` (WCAG 2.x). */
function luminance(hex: string): number {
  if (!/^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(hex)) throw new Error(`not a colour: ${hex}`);
  const digits = hex.replace('#', '');
  const full = digits.length === 3 ? [...digits].map((d) => d + d).join('') : digits.slice(0, 6);
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16) / 255);
  const linear = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

export function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

/** Text colour on background, as the components pair them. */
const PAIRS: [string, string][] = [
  ['fg', 'bg'],
  ['fg', 'panel'],
  ['fg', 'sunken'],
  ['fg', 'mark'],
  ['muted', 'bg'],
  ['muted', 'panel'],
  ['muted', 'sunken'],
  ['accent', 'bg'],
  ['accent', 'panel'],
  ['accent', 'sunken'],
  ['bad', 'bg'],
  ['bad', 'panel'],
  ['warn', 'panel'],
  ['warn', 'sunken'],
  ['on-accent', 'accent'],
  ['on-accent', 'bad'],
  ['on-accent', 'warn'],
  ['on-accent', 'ok'],
  ['bad', 'sunken'],
  ['ok', 'panel'],
];

const THEMES = {
  light: variables(css, ':root'),
  dark: { ...variables(css, ':root'), ...variables(css, ":root[data-theme='dark']") },
};

describe('theme contrast (WCAG AA, 4.5:1 for text)', () => {
  it('measures as WCAG does (the check can fail)', () => {
    expect(contrast('#000', '#fff')).toBeCloseTo(21, 5);
    expect(contrast('#777777', '#ffffff')).toBeLessThan(4.5);
    expect(() => contrast('(no --nothing)', '#ffffff')).toThrow('not a colour');
  });

  for (const [theme, colours] of Object.entries(THEMES)) {
    it(`${theme}: every text colour on every background it sits on`, () => {
      const colour = (name: string) => colours[name] ?? `(no --${name})`;
      const low = PAIRS.map(([text, background]) => [text, background, contrast(colour(text), colour(background))] as const)
        .filter(([, , ratio]) => ratio < 4.5)
        .map(([text, background, ratio]) => `${text} on ${background}: ${ratio.toFixed(2)}`);
      expect(low).toEqual([]);
    });
  }

  it('every focused control shows a ring in the accent colour (which the pairs above hold to 4.5:1)', () => {
    expect(css).toMatch(/:focus-visible \{\s*outline: 2px solid var\(--accent\);/);
  });

  it('the dark block for the system setting matches the one the theme button sets', () => {
    const system = variables(css, "  :root:not([data-theme='light'])");
    expect(system).toEqual(variables(css, ":root[data-theme='dark']"));
  });
});
