import { describe, expect, it } from 'vitest';
import { timeSeriesChart } from '../../src/report/charts.js';
import { renderPng, renderSvg } from '../../src/report/render.js';
import { serverChartOptions, serverTable } from './fixtures.js';

const pngMagic = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** The root width and height attributes of an SVG. */
function svgSize(svg: string): { width: number; height: number } {
  const match = /^<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg);
  return { width: Number(match?.[1]), height: Number(match?.[2]) };
}

const spec = timeSeriesChart(serverTable(5), serverChartOptions(5));

describe('renderSvg', () => {
  it('draws one path per series line, the title and the marker label', async () => {
    const svg = await renderSvg(spec);
    const lines = svg.match(/<g class="mark-line role-mark[^>]*><path /g) ?? [];
    expect(lines).toHaveLength(5);
    expect(svg).toContain('>Open connections per server</text>');
    expect(svg).toContain('>crash server 3</text>');
    expect(svg).toContain('>time (s)</text>');
  });

  it('sets every text in DejaVu Sans on a white background', async () => {
    const svg = await renderSvg(spec);
    const families = new Set(svg.match(/font-family="[^"]*"/g));
    expect([...families]).toEqual(['font-family="DejaVu Sans"']);
    expect(svg).toMatch(/^<svg[^>]*><rect width="\d+" height="\d+" fill="white"\/>/);
  });

  it('gives byte-identical SVG across renders', async () => {
    expect(await renderSvg(spec)).toBe(await renderSvg(spec));
  });
});

describe('renderPng', () => {
  it.each([1, 2])('returns a PNG of the SVG size times scale %i', async (scale) => {
    const svg = await renderSvg(spec);
    const png = renderPng(svg, { scale });
    expect([...png.subarray(0, 8)]).toEqual(pngMagic);
    const { width, height } = svgSize(svg);
    expect(width).toBeGreaterThan(640);
    expect(pngSize(png)).toEqual({ width: width * scale, height: height * scale });
  });

  it('gives byte-identical PNG across renders', async () => {
    const svg = await renderSvg(spec);
    expect(Buffer.from(renderPng(svg, { scale: 2 })).equals(Buffer.from(renderPng(svg, { scale: 2 })))).toBe(true);
  });

  it('rejects a scale that is not above 0', () => {
    expect(() => renderPng('<svg xmlns="http://www.w3.org/2000/svg"/>', { scale: 0 })).toThrow(/`scale`.*got 0/);
  });
});
