import type { Summary } from '../metrics/index.js';

/** The metrics compared when none are named: end state, effort, distribution, recovery. */
export const DEFAULT_VALIDATION_METRICS = ['clients.connected.final', 'connect.attempts', 'connections.dropped', 'servers.connections.cv', 'recovery.ms95'] as const;

export interface MetricComparison {
  metric: string;
  sim: number;
  real: number;
  relativeError: number;
}

/** |sim − real| / |real|: 0 when both are 0, Infinity when only real is 0. */
export function relativeError(sim: number, real: number): number {
  if (real === 0) return sim === 0 ? 0 : Infinity;
  return Math.abs(sim - real) / Math.abs(real);
}

/** Each metric in both summaries; a metric missing from either is listed in `missing`. */
export function compareSummaries(sim: Summary, real: Summary, metrics: readonly string[]): { rows: MetricComparison[]; missing: string[] } {
  const rows: MetricComparison[] = [];
  const missing: string[] = [];
  for (const metric of metrics) {
    const s = sim[metric];
    const r = real[metric];
    if (s === undefined || r === undefined) missing.push(metric);
    else rows.push({ metric, sim: s, real: r, relativeError: relativeError(s, r) });
  }
  return { rows, missing };
}
