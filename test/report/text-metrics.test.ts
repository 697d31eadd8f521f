import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { fontFiles } from '../../src/report/fonts.js';
import { itemWidth, textWidth } from '../../src/report/text-metrics.js';

/** Ink width of a text line as resvg draws it with the bundled fonts. */
function resvgInkWidth(text: string, fontSize: number, bold: boolean): number {
  const weight = bold ? ' font-weight="bold"' : '';
  const font = `font-family="DejaVu Sans" font-size="${fontSize}"${weight}`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="60"><text x="10" y="40" ${font}>${text}</text></svg>`;
  const fonts = { fontFiles: fontFiles(), loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' };
  return new Resvg(svg, { font: fonts }).getBBox()?.width ?? Number.NaN;
}

describe('textWidth', () => {
  it.each([
    ['open connections', 10, false],
    ['Open connections per server', 13, true],
    ['−1,400', 10, false],
    ['héllo wörld', 11, false],
  ] as const)('matches the width resvg draws %j within a few pixels', (text, fontSize, bold) => {
    const ink = resvgInkWidth(text, fontSize, bold);
    expect(textWidth(text, fontSize, bold)).toBeGreaterThanOrEqual(ink);
    expect(textWidth(text, fontSize, bold)).toBeLessThan(ink + 4);
  });

  it('measures bold wider than regular', () => {
    expect(textWidth('server', 11, true)).toBeGreaterThan(textWidth('server', 11, false));
  });
});

describe('itemWidth', () => {
  it('trims, defaults to 11 px and caps at the item limit', () => {
    expect(itemWidth({}, ' abc ')).toBe(textWidth('abc', 11, false));
    expect(itemWidth({ fontSize: 10, limit: 20 }, 'a long legend label')).toBe(20);
    expect(itemWidth({ fontWeight: 700 }, 'x')).toBe(textWidth('x', 11, true));
    expect(itemWidth({}, null)).toBe(0);
  });
});
