/**
 * What makes a chart readable without the README: axis titles that name the unit (from the metric
 * catalogue), values converted to a unit that reads well (s instead of 90,000 ms, MB instead of
 * 12,000,000 bytes), and variant labels that keep only what differs between variants, named.
 */
import { describeGridValue, describeMetric, FLEET_COLUMN_INFO, SERVER_COLUMN_INFO, UNITS, type ColumnInfo, type Unit } from '../metrics/index.js';

/** How a metric's values are drawn: multiply by `factor`, and say `label`. */
export interface DisplayUnit {
  factor: number;
  label: string;
}

/** The catalogue entry of a time-series column, fleet-wide or `server.<id>.<column>`. */
function columnInfo(key: string): ColumnInfo | undefined {
  const fleet = (FLEET_COLUMN_INFO as Record<string, ColumnInfo | undefined>)[key];
  if (fleet !== undefined) return fleet;
  const server = /^server\.\d+\.(.+)$/.exec(key)?.[1];
  return server === undefined ? undefined : (SERVER_COLUMN_INFO as Record<string, ColumnInfo | undefined>)[server];
}

/** The catalogue unit of a time-series column or, failing that, of a summary metric. */
export function unitOf(key: string): Unit | undefined {
  return columnInfo(key)?.unit ?? describeMetric(key)?.unit;
}

/** What a summary metric (`summary`) or a time-series column (`column`, the default) means, from the catalogue. */
export function docOf(key: string, kind: 'summary' | 'column' = 'column'): string | undefined {
  return (kind === 'column' ? columnInfo(key)?.doc : undefined) ?? describeMetric(key)?.doc;
}

/**
 * A time-series chart's title from the catalogue, not the raw key: a fleet column by its meaning
 * ("Clients with an open connection"), a per-server column by its server and meaning ("Server 6: open
 * connections"), a per-server metric for every server ("Per server: open connections"); the key when
 * the catalogue does not know it.
 */
export function columnTitle(key: string, kind: 'column' | 'per-server' = 'column'): string {
  if (kind === 'per-server') {
    const doc = columnInfo(`server.0.${key}`)?.doc;
    return doc === undefined ? `${key} per server` : `Per server: ${doc}`;
  }
  const doc = columnInfo(key)?.doc;
  if (doc === undefined) return key;
  const server = /^server\.(\d+)\./.exec(key)?.[1];
  return server === undefined ? capitalise(doc) : `Server ${server}: ${doc}`;
}

/** The unit to draw values in: seconds once milliseconds reach 10 s, kB/MB/GB for bytes, else the catalogue's. */
export function displayUnit(unit: Unit | undefined, values: readonly number[]): DisplayUnit {
  const max = values.reduce((m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 0);
  if (unit === 'ms') return max >= 10_000 ? { factor: 1 / 1000, label: 's' } : { factor: 1, label: 'ms' };
  if (unit === 'bytes') {
    for (const [size, label] of [
      [1e9, 'GB'],
      [1e6, 'MB'],
      [1e3, 'kB'],
    ] as const) {
      if (max >= size) return { factor: 1 / size, label };
    }
    return { factor: 1, label: 'bytes' };
  }
  return { factor: 1, label: unit === undefined ? 'value' : UNITS[unit] };
}

/** `name (unit)`, the axis title every chart uses. */
export const withUnit = (name: string, unit: DisplayUnit): string => `${name} (${unit.label})`;

/** True when positive values span more than two orders of magnitude: a linear axis would hide the small ones. */
export function spansDecades(values: readonly number[]): boolean {
  const positive = values.filter((v) => Number.isFinite(v) && v > 0);
  if (positive.length < 2) return false;
  return Math.max(...positive) / Math.min(...positive) > 100;
}

/**
 * Short labels for sweep variants from the values each sets (grid path → value): only the paths whose
 * values differ, each named by the last segment of its path (more segments where two paths would read
 * alike), so `clients.reconnect.full-jitter.baseMs=250, …capMs=5000` reads `baseMs=250, capMs=5000` and a
 * one-path sweep's bare `250` reads `baseMs=250`. The labels are unique whenever the variants are.
 */
export function shortVariantLabels(variants: readonly Readonly<Record<string, unknown>>[]): string[] {
  const paths = [...new Set(variants.flatMap((v) => Object.keys(v)))];
  const differing = paths.filter((p) => new Set(variants.map((v) => JSON.stringify(v[p]))).size > 1);
  const shown = differing.length > 0 ? differing : paths;
  const names = new Map(shown.map((p) => [p, shortestDistinctSuffix(p, shown)]));
  return variants.map((v) => shown.map((p) => `${names.get(p) ?? p}=${describeGridValue(v[p])}`).join(', ') || 'base');
}

function shortestDistinctSuffix(path: string, all: readonly string[]): string {
  const parts = path.split('.');
  for (let n = 1; n <= parts.length; n++) {
    const suffix = parts.slice(-n).join('.');
    if (all.every((other) => other === path || !other.endsWith(suffix))) return suffix;
  }
  return path;
}

/**
 * One line saying what a chart shows, from its file name: the chart registry's description, or the
 * catalogue's for the metric a sweep chart compares. report.html puts it under the chart.
 */
export function chartCaption(name: string, registry: Readonly<Record<string, { doc: string }>>): string {
  const own = registry[name]?.doc;
  if (own !== undefined) return capitalise(own);
  const rules: [RegExp, (key: string) => string][] = [
    [/^compare-(.+)$/, (m) => `${m} for each variant, mean and 95 % confidence interval${suffix(m, 'summary')}`],
    [/^series-(.+)$/, (c) => `${c} over time, one line per variant (first replication)${suffix(c, 'column')}`],
    [/^by-variant-(.+)$/, (c) => `${c} over time, one line per variant (first replication)${suffix(c, 'column')}`],
    [/^by-server-(.+)$/, (c) => `${c} on each server over time${suffix(`server.0.${c}`, 'column')}`],
    [/^sweep-curve-(.+)-by-(.+)$/, (m) => `${m} against the swept parameter, mean and 95 % confidence band${suffix(m, 'summary')}`],
    [/^latency-cdf/, () => 'Latency distributions: the share of samples at or below each latency'],
  ];
  for (const [pattern, say] of rules) {
    const m = pattern.exec(name);
    if (m !== null) return say(m[1] ?? '');
  }
  return name;
}

const suffix = (key: string, kind: 'summary' | 'column'): string => {
  const doc = docOf(key, kind);
  return doc === undefined ? '' : `: ${doc}`;
};
const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
