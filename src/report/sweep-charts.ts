import type { MeanCi, Table } from '../metrics/index.js';
import { chartConfig } from './theme.js';
import { timeSeriesChart } from './charts.js';
import type { VlSpec } from './types.js';

/** One variant's value of a metric, with its confidence interval. */
export interface VariantValue extends MeanCi {
  variant: string;
}

const vlSchemaUrl = 'https://vega.github.io/schema/vega-lite/v6.json';

/**
 * A metric across sweep variants: a bar per variant at the mean, and a rule over the 95 %
 * confidence interval when there are replications. Variants keep the sweep's order.
 */
export function compareChart(metric: string, values: readonly VariantValue[]): VlSpec {
  const data = values.map((v) => ({ variant: v.variant, mean: v.mean, low: v.mean - v.ci95, high: v.mean + v.ci95, n: v.n }));
  const order = values.map((v) => v.variant);
  const y = { field: 'variant', type: 'nominal', sort: order, title: null, axis: { labelLimit: 360 } } as const;
  return {
    $schema: vlSchemaUrl,
    title: { text: metric, subtitle: values.some((v) => v.n > 1) ? `mean and 95 % confidence interval over ${String(values[0]?.n ?? 0)} replications` : 'one run per variant' },
    width: 480,
    height: { step: 28 },
    data: { values: data },
    layer: [
      { mark: { type: 'bar', color: '#4c78a8' }, encoding: { y, x: { field: 'mean', type: 'quantitative', title: metric } } },
      { mark: { type: 'rule', color: '#222222', strokeWidth: 2 }, encoding: { y, x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } } },
      { mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 }, encoding: { y, x: { field: 'high', type: 'quantitative' }, text: { field: 'mean', type: 'quantitative', format: ',.4~r' } } },
    ],
    config: chartConfig,
  } as VlSpec;
}

/** One time-series column overlaid across variants (replication 0 of each). */
export function seriesByVariantChart(column: string, runs: readonly { variant: string; table: Table }[]): VlSpec {
  const first = runs[0]?.table;
  const rows = (first?.rows ?? []).map((row, k) => [
    row[0] ?? Number.NaN,
    ...runs.map((r) => {
      const c = r.table.columns.indexOf(column);
      return c < 0 ? Number.NaN : (r.table.rows[k]?.[c] ?? Number.NaN);
    }),
  ]);
  const table: Table = { columns: ['timeMs', ...runs.map((_, k) => `v${String(k)}`)], rows };
  return timeSeriesChart(table, {
    title: `${column} by variant`,
    series: runs.map((r, k) => ({ column: `v${String(k)}`, label: r.variant })),
    seriesTitle: 'variant',
    yTitle: column,
  });
}
