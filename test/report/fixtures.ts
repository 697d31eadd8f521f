import type { Table } from '../../src/report/types.js';
import type { TimeSeriesChartOptions } from '../../src/report/charts.js';

/** A wide table of `rowCount` one-second samples for `seriesCount` servers, with integer values. */
export function serverTable(seriesCount: number, rowCount = 61): Table {
  const columns = ['timeMs', ...Array.from({ length: seriesCount }, (_, k) => `server${k}Connections`)];
  const rows = Array.from({ length: rowCount }, (_, i) => [
    i * 1000,
    ...Array.from({ length: seriesCount }, (_, k) => Math.round(1000 + 300 * Math.sin(i / 8 + k))),
  ]);
  return { columns, rows };
}

/** Chart options drawing every server of {@link serverTable}, with a crash marker. */
export function serverChartOptions(seriesCount: number): TimeSeriesChartOptions {
  return {
    title: 'Open connections per server',
    seriesTitle: 'server',
    yTitle: 'open connections',
    series: Array.from({ length: seriesCount }, (_, k) => ({ column: `server${k}Connections`, label: `server ${k}` })),
    markers: [{ atMs: 30_000, label: 'crash server 3' }],
  };
}
