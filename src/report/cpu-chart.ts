import type { RunResult } from '../metrics/index.js';
import { chartSize, seriesScheme, tidyTimeSeries, type SeriesOptions } from './charts.js';
import { chartConfig } from './theme.js';
import type { VlSpec } from './types.js';

/** Fleet CPU columns by work type, each a share of the cores of the servers that are up. */
export const CPU_WORK_COLUMNS: readonly SeriesOptions[] = [
  { column: 'cpu.handshakeOffered', label: 'handshakes (offered)' },
  { column: 'cpu.messages', label: 'messages' },
  { column: 'cpu.heartbeat', label: 'heartbeats' },
];

/** Fleet CPU stacked by work type, from whichever of {@link CPU_WORK_COLUMNS} the run sampled (messages and heartbeats need `messages:`). */
export function cpuByWorkChart(result: RunResult): VlSpec {
  const series = CPU_WORK_COLUMNS.filter((s) => result.timeseries.columns.includes(s.column));
  const values = tidyTimeSeries(result.timeseries, series, 'timeMs').map((p) => ({ ...p, value: p.value ?? 0 }));
  const labels = series.map((s) => s.label);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Fleet CPU by work type', subtitle: 'share of the running servers’ cores per sample interval, stacked' },
    ...chartSize,
    config: chartConfig,
    data: { values },
    mark: { type: 'area', interpolate: 'step-before', opacity: 0.85 },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'time (s)' },
      y: { field: 'value', type: 'quantitative', title: 'share of cores', stack: 'zero', axis: { format: '%' } },
      color: { field: 'series', type: 'nominal', title: 'work', scale: { domain: labels, scheme: seriesScheme(labels.length) } },
      order: { field: 'order', type: 'quantitative' },
    },
    transform: [{ calculate: `indexof(${JSON.stringify(labels)}, datum.series)`, as: 'order' }],
  } as VlSpec;
}
