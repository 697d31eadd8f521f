/**
 * `charts:` entries of an experiment, drawn per run or across a sweep's variants:
 *
 *   ChartRequest ──runCharts(result)──────► { name, spec }[]   (run folders, variant folders)
 *   ChartRequest ──sweepCharts(variants)──► { name, spec }[]   (the sweep folder)
 */
import { chartFileSafe, sweepCurveName, type CdfPoint, type MeanCi, type RunResult } from '../metrics/index.js';
import { seriesByVariantChart } from './sweep-charts.js';
import { chartConfig } from './theme.js';
import { charts, markers, perServer } from './fleet-charts.js';
import { chartSize, seriesScheme, timeSeriesChart } from './charts.js';
import type { VlSpec } from './types.js';
import { columnTitle, displayUnit, unitOf, withUnit } from './readable.js';

/** A chart with options, as the experiment schema validates it (exactly one key). */
export interface ChartOptionsMap {
  'by-server'?: { metric: string } | undefined;
  'by-variant'?: { column: string } | undefined;
  'sweep-curve'?: { metric: string; x: string } | undefined;
  'latency-cdf'?: { metrics: string[] } | undefined;
}

/** Charts with options, with an example entry each, for `wsfleet list charts`. */
export const chartKindDocs: Record<keyof ChartOptionsMap, string> = {
  'by-server': 'one line per server of a per-server column: { by-server: { metric: cpu } }',
  'by-variant': 'a time-series column, one line per sweep variant: { by-variant: { column: clients.connected } }',
  'sweep-curve': 'a summary metric against a grid value, 95 % CI band: { sweep-curve: { metric: recovery.ms99, x: fleet.servers } }',
  'latency-cdf': 'latency CDFs from the HDR histogram, by variant in sweeps: { latency-cdf: { metrics: [connect.latencyMs] } }',
};

/** A `charts:` entry: a registry name or a chart with options. */
export type ChartRequest = string | ChartOptionsMap;

/** A drawn chart: its file name under charts/ (without extension) and spec. */
export interface NamedSpec {
  name: string;
  spec: VlSpec;
}

/** One sweep variant as the sweep charts need it. */
export interface VariantData {
  label: string;
  /** Grid path to this variant's value. */
  values: Record<string, unknown>;
  metrics: Record<string, MeanCi>;
  /** The first replication's run, when kept. */
  first?: RunResult | undefined;
}

const vlSchemaUrl = 'https://vega.github.io/schema/vega-lite/v6.json';

/** File names follow the metrics layer's rules (chart-names.ts), which the schema checks `keyChart` against. */
const fileSafe = chartFileSafe;

/** Charts of one run; sweep-only kinds are left to {@link sweepCharts}. */
export function runCharts(requests: readonly ChartRequest[], result: RunResult): NamedSpec[] {
  return requests.flatMap((r): NamedSpec[] => {
    if (typeof r === 'string') {
      const entry = charts[r];
      if (entry === undefined) throw new TypeError(`Expected a chart name from ${Object.keys(charts).join(', ')}, got ${r}`);
      return [{ name: r, spec: entry.build(result) }];
    }
    if (r['by-server'] !== undefined) return [{ name: `by-server-${r['by-server'].metric}`, spec: byServer(result, r['by-server'].metric) }];
    if (r['by-variant'] !== undefined) {
      const { column } = r['by-variant'];
      return [{ name: `by-variant-${fileSafe(column)}`, spec: timeSeriesChart(result.timeseries, { title: columnTitle(column), subtitle: column, series: [{ column, label: 'this run' }], seriesTitle: 'run', yTitle: column, unit: unitOf(column), markers: markers(result) }) }];
    }
    if (r['latency-cdf'] !== undefined) {
      const series = r['latency-cdf'].metrics.map((m) => ({ label: m, points: result.distributions?.[m] ?? [] }));
      return [{ name: 'latency-cdf', spec: cdfChart('Latency distribution', series, 'metric') }];
    }
    return [];
  });
}

/** Charts across a sweep's variants: by-variant lines, sweep curves with confidence bands, CDFs by variant. */
export function sweepCharts(requests: readonly ChartRequest[], variants: readonly VariantData[]): NamedSpec[] {
  return requests.flatMap((r): NamedSpec[] => {
    if (typeof r === 'string' || r['by-server'] !== undefined) return [];
    if (r['by-variant'] !== undefined) {
      const { column } = r['by-variant'];
      const runs = variants.flatMap((v) => (v.first ? [{ variant: v.label, table: v.first.timeseries }] : []));
      const first = variants[0]?.first;
      return [{ name: `by-variant-${fileSafe(column)}`, spec: seriesByVariantChart(column, runs, first === undefined ? [] : markers(first)) }];
    }
    if (r['sweep-curve'] !== undefined) {
      const { metric, x } = r['sweep-curve'];
      return [{ name: sweepCurveName(metric, x), spec: sweepCurve(metric, x, variants) }];
    }
    if (r['latency-cdf'] !== undefined) {
      return r['latency-cdf'].metrics.map((m) => ({
        name: `latency-cdf-${fileSafe(m)}`,
        spec: cdfChart(`${m}: distribution by variant`, variants.map((v) => ({ label: v.label, points: v.first?.distributions?.[m] ?? [] })), 'variant'),
      }));
    }
    return [];
  });
}

/** One line per server of a per-server column, with faults and alerts marked. */
export function byServer(result: RunResult, metric: string): VlSpec {
  return timeSeriesChart(result.timeseries, {
    title: columnTitle(metric, 'per-server'),
    subtitle: `server.<id>.${metric}`,
    series: perServer(result, metric),
    seriesTitle: 'server',
    yTitle: metric,
    unit: unitOf(`server.0.${metric}`),
    markers: markers(result),
  });
}

/** Step lines of cumulative distributions; the x axis is symlog so sub-millisecond and multi-second tails both show. */
export function cdfChart(title: string, series: readonly { label: string; points: readonly CdfPoint[] }[], seriesTitle: string): VlSpec {
  const values = series.flatMap((s) => s.points.map((p) => ({ series: s.label, valueMs: p.valueMs, share: p.percentile / 100 })));
  const labels = series.map((s) => s.label);
  return {
    $schema: vlSchemaUrl,
    title: { text: title, subtitle: 'share of samples at or below each latency (HDR histogram percentiles)' },
    ...chartSize,
    config: chartConfig,
    data: { values },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5, point: { size: 12 } },
    encoding: {
      x: { field: 'valueMs', type: 'quantitative', title: 'latency (ms, symlog scale)', scale: { type: 'symlog' }, axis: { values: logTicks(values.map((v) => v.valueMs)) } },
      y: { field: 'share', type: 'quantitative', title: 'share of samples', scale: { domain: [0, 1] }, axis: { format: '%' } },
      color: { field: 'series', type: 'nominal', title: seriesTitle, scale: { domain: labels, scheme: seriesScheme(labels.length) }, legend: { labelLimit: 420 } },
    },
  } as VlSpec;
}

/** Axis ticks 0, 1, 2, 5, 10, 20, 50, … up to the largest value: a symlog axis's own ticks crowd its upper end. */
export function logTicks(values: readonly number[]): number[] {
  const max = values.reduce((m, v) => (Number.isFinite(v) ? Math.max(m, v) : m), 0);
  const ticks = [0];
  for (let decade = 1; decade <= Math.max(1, max) * 10; decade *= 10) {
    for (const step of [1, 2, 5]) if (step * decade <= Math.max(1, max)) ticks.push(step * decade);
  }
  return ticks;
}

/**
 * A metric's mean against one grid path, one curve per combination of the other paths, with a 95 % CI
 * band; the y axis in the metric's unit (seconds past 10 s), the x axis named by the swept parameter.
 */
export function sweepCurve(metric: string, x: string, variants: readonly VariantData[]): VlSpec {
  const unit = displayUnit(unitOf(metric), variants.map((v) => v.metrics[metric]?.mean ?? Number.NaN));
  const rows = variants.map((v) => {
    const others = Object.entries(v.values).filter(([p]) => p !== x);
    const c = v.metrics[metric];
    const mean = (c?.mean ?? Number.NaN) * unit.factor;
    const ci = (Number.isFinite(c?.ci95) ? (c?.ci95 ?? 0) : 0) * unit.factor;
    return { x: describe(v.values[x]), series: others.map(([p, val]) => `${p.split('.').pop() ?? p}=${describe(val)}`).join(', ') || metric, mean, low: mean - ci, high: mean + ci };
  });
  const numeric = rows.every((r) => typeof r.x === 'number');
  const labels = [...new Set(rows.map((r) => r.series))];
  const param = x.split('.').pop() ?? x;
  const xTitle = unitOf(param) === undefined && /Ms$/.test(param) ? `${param} (ms)` : param;
  const xEnc = numeric
    ? { field: 'x', type: 'quantitative', title: xTitle }
    : { field: 'x', type: 'ordinal', title: xTitle, sort: [...new Set(rows.map((r) => r.x))] };
  const color = { field: 'series', type: 'nominal', title: null, scale: { domain: labels, scheme: seriesScheme(labels.length) }, legend: { labelLimit: 420 } };
  const n = Object.values(variants[0]?.metrics ?? {})[0]?.n ?? 1;
  const yTitle = withUnit(metric, unit);
  return {
    $schema: vlSchemaUrl,
    title: { text: `${metric} by ${param}`, subtitle: n > 1 ? `mean and 95 % confidence band over ${String(n)} replications; ${param} is ${x}` : `one run per variant; ${param} is ${x}` },
    ...chartSize,
    config: chartConfig,
    data: { values: rows },
    layer: [
      { mark: { type: 'errorband', opacity: 0.25 }, encoding: { x: xEnc, y: { field: 'low', type: 'quantitative', title: yTitle }, y2: { field: 'high' }, color } },
      { mark: { type: 'line', point: true, strokeWidth: 1.5 }, encoding: { x: xEnc, y: { field: 'mean', type: 'quantitative', title: yTitle }, color } },
    ],
  } as VlSpec;
}

/** A grid value as a number when it is one, else a short label. */
function describe(value: unknown): number | string {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value).replace(/[{}"]/g, '');
}
