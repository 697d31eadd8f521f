/**
 * Writes the sample chart as spec, SVG and PNG, for eyeballing and for the cross-process determinism test.
 * Usage: npx tsx test/report/write-sample.ts [outDir] (default /tmp/wsfleet-report-sample)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { timeSeriesChart } from '../../src/report/charts.js';
import { renderPng, renderSvg } from '../../src/report/render.js';
import { serverChartOptions, serverTable } from './fixtures.js';

/** Renders the 12-server sample chart; the PNG is at scale 2. */
export async function renderSample(): Promise<{ spec: string; svg: string; png: Uint8Array }> {
  const chart = timeSeriesChart(serverTable(12, 121), {
    ...serverChartOptions(12),
    markers: [
      { atMs: 45_000, label: 'crash server 3' },
      { atMs: 90_000, label: 'restart server 3' },
    ],
  });
  const svg = await renderSvg(chart);
  return { spec: JSON.stringify(chart, null, 2), svg, png: renderPng(svg, { scale: 2 }) };
}

async function main(outDir: string): Promise<void> {
  const { spec, svg, png } = await renderSample();
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'sample.vl.json'), spec);
  writeFileSync(join(outDir, 'sample.svg'), svg);
  writeFileSync(join(outDir, 'sample.png'), png);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv[2] ?? '/tmp/wsfleet-report-sample');
}
