/**
 * Chart specs from wide tables, built in named pure phases:
 *
 *   Table (wide rows)
 *     │ tidyTimeSeries: one point per row and series, ms → s
 *     ▼
 *   TimeSeriesPoint[] (tidy long table)
 *     │ timeSeriesSpec: line layer + marker layers, data inlined
 *     ▼
 *   VlSpec
 *
 * Data is inlined as `data.values`, so specs render offline; the same input gives the same spec.
 */
import { chartConfig } from './theme.js';
import type { Table, VlSpec } from './types.js';
import type { Unit } from '../metrics/index.js';
import { displayUnit, withUnit } from './readable.js';

/** One line of a time-series chart. */
export interface SeriesOptions {
  /** Column of the table holding the series' values. */
  column: string;
  /** Name shown in the legend. */
  label: string;
}

/** A labelled vertical rule, e.g. a fault such as "crash server 3". */
export interface Marker {
  /** When the event happened, in ms since run start. */
  atMs: number;
  /** Text drawn next to the rule. */
  label: string;
  /** `alert`: a red rule with its label upright along it, so close firings stay legible. @default 'fault' */
  tone?: 'fault' | 'alert';
}

/** Options of {@link timeSeriesChart}. */
export interface TimeSeriesChartOptions {
  /** Chart title. */
  title: string;
  /** A line under the title, e.g. the raw column key. */
  subtitle?: string;
  /** Lines to draw, in legend order; labels must be unique. */
  series: SeriesOptions[];
  /** Legend title, e.g. "server". */
  seriesTitle: string;
  /** Y axis title, with its unit unless `unit` is given. */
  yTitle: string;
  /**
   * The catalogue unit of the values: they are drawn in the unit that reads best for them (ms as s
   * past 10 s, bytes as kB/MB/GB) and the y title gets it in brackets.
   */
  unit?: Unit | undefined;
  /** Column holding time in ms. @default 'timeMs' */
  xColumn?: string;
  /** Vertical rules with labels. @default [] */
  markers?: Marker[];
}

/** One row of the tidy long table: a value of one series at time `t` (seconds); `null` breaks the line. */
export interface TimeSeriesPoint {
  t: number;
  series: string;
  value: number | null;
}

/** Plot area size in pixels. */
export const chartSize = { width: 640, height: 320 } as const;

const vlSchemaUrl = 'https://vega.github.io/schema/vega-lite/v6.json';
const markerColor = '#555555';
const xTitle = 'time (s)';

/** Builds a line chart with one line per series and optional labelled markers. */
export function timeSeriesChart(table: Table, options: TimeSeriesChartOptions): VlSpec {
  const points = tidyTimeSeries(table, options.series, options.xColumn ?? 'timeMs');
  if (options.unit === undefined) return timeSeriesSpec(points, options);
  const unit = displayUnit(options.unit, points.flatMap((p) => (p.value === null ? [] : [p.value])));
  const scaled = unit.factor === 1 ? points : points.map((p) => ({ ...p, value: p.value === null ? null : p.value * unit.factor }));
  return timeSeriesSpec(scaled, { ...options, yTitle: withUnit(options.yTitle, unit) });
}

/** Phase 1: N wide rows × K series become N×K long points in seconds; rows without a finite time are skipped. */
export function tidyTimeSeries(table: Table, series: SeriesOptions[], xColumn: string): TimeSeriesPoint[] {
  assertUniqueLabels(series);
  const xIndex = columnIndex(table, xColumn, 'xColumn');
  const indexes = series.map((s) => columnIndex(table, s.column, 'series[].column'));
  const points: TimeSeriesPoint[] = [];
  for (const row of table.rows) {
    const t = finiteOrNull(row[xIndex]);
    if (t === null) continue;
    series.forEach((s, k) => {
      points.push({ t: t / 1000, series: s.label, value: finiteOrNull(row[indexes[k] ?? -1]) });
    });
  }
  return points;
}

/** Phase 2: the vega-lite spec drawing tidy points and markers. */
export function timeSeriesSpec(points: TimeSeriesPoint[], options: TimeSeriesChartOptions): VlSpec {
  const labels = options.series.map((s) => s.label);
  const markers = options.markers ?? [];
  return {
    $schema: vlSchemaUrl,
    title: options.subtitle === undefined ? options.title : { text: options.title, subtitle: options.subtitle },
    ...chartSize,
    config: chartConfig,
    layer: [
      lineLayer(points, labels, options),
      ...(markers.some((m) => m.tone !== 'alert') ? markerLayers(markers.filter((m) => m.tone !== 'alert'), points) : []),
      ...(markers.some((m) => m.tone === 'alert') ? alertLayers(markers.filter((m) => m.tone === 'alert'), points) : []),
    ],
  };
}

/** Picks a categorical scheme: 10 strong hues when they suffice, 20 paired hues beyond. */
export function seriesScheme(seriesCount: number): 'tableau10' | 'tableau20' {
  return seriesCount <= 10 ? 'tableau10' : 'tableau20';
}

/** One layer of a layered vega-lite spec. */
type VlLayer = Extract<VlSpec, { layer: unknown }>['layer'][number];

const xEncoding = { field: 't', type: 'quantitative', title: xTitle } as const;

function lineLayer(points: TimeSeriesPoint[], labels: string[], options: TimeSeriesChartOptions): VlLayer {
  return {
    data: { values: points },
    mark: { type: 'line', strokeWidth: 1.5 },
    encoding: {
      x: xEncoding,
      y: { field: 'value', type: 'quantitative', title: options.yTitle },
      color: {
        field: 'series',
        type: 'nominal',
        title: options.seriesTitle,
        scale: { domain: labels, scheme: seriesScheme(labels.length) },
        // Variant labels differ at their ends; the default limit cuts them there.
        legend: { labelLimit: 420 },
      },
    },
  };
}

/** Width of a marker label's character in pixels, a little above DejaVu Sans's mean at vega's 11 px (the browser cannot measure here). */
const LABEL_CHAR_PX = 6.8;
/** Space kept between two labels on one row. */
const LABEL_GAP_PX = 6;

/**
 * Dashed rules with labels above the plot, where lines cannot hide them; right-half labels end at
 * their rule. Successive labels alternate between two rows; a label that would overprint a placed one
 * on both rows is left off (row -1), its rule still drawn and named in the tooltip.
 */
function markerLayers(markers: Marker[], points: TimeSeriesPoint[]): VlLayer[] {
  const sorted = [...markers].sort((a, b) => a.atMs - b.atMs);
  const times = [...points.map((p) => p.t), ...sorted.map((m) => m.atMs / 1000)];
  const { min, max } = extent(times);
  const middle = (min + max) / 2;
  const pxPerSecond = chartSize.width / Math.max(max - min, 1e-9);
  const placed: [number, number][][] = [[], []];
  const values = sorted.map((m, k) => {
    const t = m.atMs / 1000;
    const x = (t - min) * pxPerSecond;
    const width = m.label.length * LABEL_CHAR_PX;
    const [from, to] = t <= middle ? [x, x + width] : [x - width, x];
    const free = (row: number): boolean => (placed[row] ?? []).every(([a, b]) => to + LABEL_GAP_PX <= a || b + LABEL_GAP_PX <= from);
    const row = [k % 2, 1 - (k % 2)].find(free) ?? -1;
    if (row >= 0) placed[row]?.push([from, to]);
    return { t, label: m.label, row };
  });
  const rule: VlLayer = {
    data: { values },
    mark: { type: 'rule', color: markerColor, strokeDash: [4, 3] },
    encoding: { x: xEncoding, tooltip: { field: 'label', type: 'nominal' } },
  };
  const texts = [0, 1].flatMap((row) => [
    markerText(values.filter((v) => v.t <= middle && v.row === row), 'left', row),
    markerText(values.filter((v) => v.t > middle && v.row === row), 'right', row),
  ]);
  return [rule, ...texts.filter((layer): layer is VlLayer => layer !== undefined)];
}

const alertColor = '#c0392b';

/** Horizontal room an upright alert label needs (its 10 px line and a gap). */
const ALERT_LABEL_PX = 13;

/**
 * Red rules for alert firings, labelled upright from the bottom of the plot; firings at the same time
 * share one label, and a label closer than its own height to the previous one is left off (its rule
 * stays, named in the tooltip), so the first firing of a burst stays legible.
 */
function alertLayers(markers: Marker[], points: TimeSeriesPoint[]): VlLayer[] {
  const byTime = new Map<number, string[]>();
  for (const m of [...markers].sort((a, b) => a.atMs - b.atMs)) byTime.set(m.atMs, [...(byTime.get(m.atMs) ?? []), m.label]);
  const values = [...byTime].map(([atMs, labels]) => ({ t: atMs / 1000, label: labels.join(', ') }));
  const { min, max } = extent([...points.map((p) => p.t), ...values.map((v) => v.t)]);
  const pxPerSecond = chartSize.width / Math.max(max - min, 1e-9);
  let last = -Infinity;
  const labelled = values.filter((v) => {
    const x = (v.t - min) * pxPerSecond;
    if (x - last < ALERT_LABEL_PX) return false;
    last = x;
    return true;
  });
  return [
    { data: { values }, mark: { type: 'rule', color: alertColor, strokeDash: [2, 2] }, encoding: { x: xEncoding, tooltip: { field: 'label', type: 'nominal' } } },
    {
      data: { values: labelled },
      mark: { type: 'text', angle: 270, align: 'left', baseline: 'bottom', dx: 4, dy: -2, fontSize: 10, color: alertColor },
      encoding: { x: xEncoding, y: { value: chartSize.height }, text: { field: 'label', type: 'nominal' } },
    },
  ];
}

function markerText(values: { t: number; label: string }[], align: 'left' | 'right', row: number): VlLayer | undefined {
  if (values.length === 0) return undefined;
  return {
    data: { values },
    mark: { type: 'text', align, baseline: 'bottom', dy: -4 - 14 * row, color: markerColor },
    encoding: { x: xEncoding, y: { value: 0 }, text: { field: 'label', type: 'nominal' } },
  };
}

function extent(values: number[]): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { min, max };
}

function columnIndex(table: Table, column: string, option: string): number {
  const index = table.columns.indexOf(column);
  if (index < 0) {
    throw new TypeError(`Expected \`${option}\` to name a table column (${table.columns.join(', ')}), got '${column}'`);
  }
  return index;
}

function assertUniqueLabels(series: SeriesOptions[]): void {
  const seen = new Set<string>();
  for (const { label } of series) {
    if (seen.has(label)) throw new TypeError(`Expected \`series[].label\` to be unique, got '${label}' twice`);
    seen.add(label);
  }
}

function finiteOrNull(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) ? value : null;
}
