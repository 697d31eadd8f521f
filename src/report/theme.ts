import type { Config } from 'vega-lite';

/** Font used for all chart text; bundled by the `dejavu-fonts-ttf` package. */
export const chartFont = 'DejaVu Sans';

/** Chart background, also painted behind PNGs. */
export const chartBackground = 'white';

/** Base vega-lite config shared by every chart so SVG and PNG text agree. */
export const chartConfig: Config = {
  font: chartFont,
  background: chartBackground,
  view: { stroke: null },
};
