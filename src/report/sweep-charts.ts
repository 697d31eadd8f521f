import type { MeanCi, Table } from '../metrics/index.js';
import { chartConfig } from './theme.js';
import { timeSeriesChart, type Marker } from './charts.js';
import { compareText, NOT_REACHED_LEGEND, versusBest, VERDICT_LEGEND, type NotReached } from './compare.js';
import { columnTitle, displayUnit, docOf, spansDecades, unitOf, withUnit } from './readable.js';
import type { VlSpec } from './types.js';

/** One variant's value of a metric, with its confidence interval. */
export interface VariantValue extends MeanCi {
  /** The variant's label as the tables give it (shown in the tooltip). */
  variant: string;
  /** A short label for the axis, keeping what differs between variants. @default variant */
  short?: string;
  /** Runs of the variant that never reached a capped metric's target (see compare.ts). */
  notReached?: NotReached | undefined;
}

const vlSchemaUrl = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Bar colours: a measured value, a lower bound (some runs not reached), no bar at all (never reached). */
const TONES = { measured: '#4c78a8', partial: '#b8c7d9' } as const;

/**
 * A metric across sweep variants: a bar per variant at the mean, and a rule over the 95 %
 * confidence interval when there are replications, with the value written as the tables write it.
 * A variant whose runs never reached a capped metric's target gets no bar but the words "not
 * reached"; one where only some runs did gets a pale bar (a lower bound). With replications, each
 * bar says whether it differs significantly from the best variant. Variants keep the sweep's order;
 * the axis names the metric and its unit (milliseconds become seconds past 10 s) and turns
 * logarithmic when the values span more than two orders of magnitude.
 */
export function compareChart(metric: string, values: readonly VariantValue[]): VlSpec {
  const unit = displayUnit(unitOf(metric), values.map((v) => v.mean));
  const f = unit.factor;
  const verdicts = versusBest(metric, values);
  const data = values.map((v, k) => {
    const never = v.notReached !== undefined && v.notReached.runs === v.notReached.of;
    return {
      variant: v.short ?? v.variant,
      full: v.variant,
      mean: never ? null : v.mean * f,
      low: never ? null : (v.mean - v.ci95) * f,
      high: never ? null : (v.mean + v.ci95) * f,
      at: never ? 0 : (v.mean + (Number.isFinite(v.ci95) ? v.ci95 : 0)) * f,
      tone: v.notReached === undefined ? 'measured' : 'partial',
      label: compareText(v, v.notReached, verdicts[k], f, never ? unit.label : ''),
      n: v.n,
    };
  });
  const order = data.map((v) => v.variant);
  const log = spansDecades(data.flatMap((d) => (d.mean === null ? [] : [d.mean])));
  const y = { field: 'variant', type: 'nominal', sort: order, title: null, axis: { labelLimit: 360 } } as const;
  const x = { field: 'mean', type: 'quantitative', title: withUnit(metric, unit), ...(log ? { scale: { type: 'symlog' } } : {}) } as const;
  const tooltip = [
    { field: 'full', type: 'nominal', title: 'variant' },
    { field: 'label', type: 'nominal', title: withUnit(metric, unit) },
  ];
  const color = { field: 'tone', type: 'nominal', scale: { domain: Object.keys(TONES), range: Object.values(TONES) }, legend: null } as const;
  const doc = docOf(metric, 'summary');
  const runs = values.some((v) => v.n > 1) ? `mean and 95 % confidence interval over ${String(values[0]?.n ?? 0)} replications` : 'one run per variant';
  const notes = [
    ...(values.some((v) => v.notReached !== undefined) ? [NOT_REACHED_LEGEND] : []),
    ...(verdicts.includes('overlaps') ? [VERDICT_LEGEND] : []),
  ];
  return {
    $schema: vlSchemaUrl,
    title: { text: metric, subtitle: [...(doc === undefined ? [] : [doc]), `${runs}${log ? '; logarithmic axis' : ''}`, ...notes] },
    width: 480,
    height: { step: 28 },
    data: { values: data },
    layer: [
      { mark: { type: 'bar' }, encoding: { y, x, color, tooltip } },
      { mark: { type: 'rule', color: '#222222', strokeWidth: 2 }, encoding: { y, x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } } },
      { mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 }, encoding: { y, x: { field: 'at', type: 'quantitative' }, text: { field: 'label', type: 'nominal' } } },
    ],
    config: chartConfig,
  } as VlSpec;
}

/** One time-series column overlaid across variants (replication 0 of each), with the first run's faults marked. */
export function seriesByVariantChart(column: string, runs: readonly { variant: string; table: Table }[], markers: readonly Marker[] = []): VlSpec {
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
    title: `${columnTitle(column)}, by variant`,
    subtitle: `${column}, first replication of each variant`,
    series: runs.map((r, k) => ({ column: `v${String(k)}`, label: r.variant })),
    seriesTitle: 'variant',
    yTitle: column,
    unit: unitOf(column),
    markers: [...markers],
  });
}
