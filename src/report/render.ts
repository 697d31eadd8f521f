/**
 * Renders vega-lite specs offline:
 *   VlSpec ──compile──► vega spec ──View({ renderer: 'none' }).toSVG()──► SVG ──resvg──► PNG
 *
 * Text uses the bundled DejaVu Sans and no system fonts, so the same spec gives the same bytes on any machine.
 */
import { Resvg } from '@resvg/resvg-js';
import { parse, resetSVGDefIds, View } from 'vega';
import { compile } from 'vega-lite';
import { chartBackground, chartConfig, chartFont } from './theme.js';
import { fontFiles } from './fonts.js';
import { pinTextMetrics } from './text-metrics.js';
import type { VlSpec } from './types.js';

/** Options of {@link renderPng}. */
export interface RenderPngOptions {
  /** Pixels per SVG unit, e.g. 2 for high-DPI screens. @default 1 */
  scale?: number;
}

/** Renders a vega-lite spec to an SVG string; the spec's own config overrides the shared theme. */
export async function renderSvg(spec: VlSpec): Promise<string> {
  pinTextMetrics();
  const { spec: vgSpec } = compile(spec, { config: chartConfig });
  const view = new View(parse(vgSpec), { renderer: 'none' });
  try {
    resetSVGDefIds();
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterises an SVG to PNG bytes on a white background with the bundled fonts. */
export function renderPng(svg: string, options: RenderPngOptions = {}): Uint8Array {
  const scale = options.scale ?? 1;
  if (!(Number.isFinite(scale) && scale > 0)) {
    throw new TypeError(`Expected \`scale\` to be a number above 0, got ${String(scale)}`);
  }
  const resvg = new Resvg(svg, {
    background: chartBackground,
    fitTo: { mode: 'zoom', value: scale },
    font: { fontFiles: fontFiles(), loadSystemFonts: false, defaultFontFamily: chartFont },
    logLevel: 'off',
  });
  return new Uint8Array(resvg.render().asPng());
}
