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
  /** Y axis title, with its unit. */
  yTitle: string;
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
  return timeSeriesSpec(points, options);
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
      ...(markers.some((m) => m.tone === 'alert') ? alertLayers(markers.filter((m) => m.tone === 'alert')) : []),
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

/**
 * Dashed rules with labels above the plot, where lines cannot hide them; right-half labels end at
 * their rule, and successive labels alternate between two rows so neighbours do not overprint.
 */
function markerLayers(markers: Marker[], points: TimeSeriesPoint[]): VlLayer[] {
  const values = [...markers]
    .sort((a, b) => a.atMs - b.atMs)
    .map((m, k) => ({ t: m.atMs / 1000, label: m.label, row: k % 2 }));
  const middle = midpoint([...points.map((p) => p.t), ...values.map((v) => v.t)]);
  const rule: VlLayer = {
    data: { values },
    mark: { type: 'rule', color: markerColor, strokeDash: [4, 3] },
    encoding: { x: xEncoding },
  };
  const texts = [0, 1].flatMap((row) => [
    markerText(values.filter((v) => v.t <= middle && v.row === row), 'left', row),
    markerText(values.filter((v) => v.t > middle && v.row === row), 'right', row),
  ]);
  return [rule, ...texts.filter((layer): layer is VlLayer => layer !== undefined)];
}

const alertColor = '#c0392b';

/** Red rules for alert firings, labelled upright from the bottom of the plot; firings at the same time share one label. */
function alertLayers(markers: Marker[]): VlLayer[] {
  const byTime = new Map<number, string[]>();
  for (const m of [...markers].sort((a, b) => a.atMs - b.atMs)) byTime.set(m.atMs, [...(byTime.get(m.atMs) ?? []), m.label]);
  const values = [...byTime].map(([atMs, labels]) => ({ t: atMs / 1000, label: labels.join(', ') }));
  return [
    { data: { values }, mark: { type: 'rule', color: alertColor, strokeDash: [2, 2] }, encoding: { x: xEncoding } },
    {
      data: { values },
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

function midpoint(values: number[]): number {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return (min + max) / 2;
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
