import type { RunEvent, TypedRunEvent } from './events.js';

export type { RunEvent };

/** Flat metrics: dotted names (`connect.latencyMs.p99`) to numbers. */
export type Summary = Record<string, number>;

/** A wide numeric table; the first column is `timeMs` for time series. */
export interface Table {
  columns: string[];
  rows: number[][];
}


/** One point of a latency distribution: `percentile` % of samples took at most `valueMs`. */
export interface CdfPoint {
  percentile: number;
  valueMs: number;
}

/** What one run of the sim or the real fleet produces: the same schema in both worlds. */
export interface RunResult {
  summary: Summary;
  timeseries: Table;
  events: TypedRunEvent[];
  /** Latency distributions by metric prefix (e.g. `connect.latencyMs`), from HDR histograms. */
  distributions?: Record<string, CdfPoint[]>;
}

/** Rounds to 9 significant digits so files stay short and stable. */
export function roundMetric(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  return Number(value.toPrecision(9));
}

/** A summary with every value rounded and keys in a stable order (catalogued MetricValues or any flat metrics). */
export function finalizeSummary(summary: Readonly<Record<string, number | undefined>>): Summary {
  const out: Summary = {};
  for (const key of Object.keys(summary).sort()) out[key] = roundMetric(summary[key] as number);
  return out;
}
