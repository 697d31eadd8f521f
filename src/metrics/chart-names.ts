/**
 * The file names (under charts/, without extension) of the charts a result folder holds, from an
 * experiment's `charts:` and `sweep:`. The report names its files with these rules and the
 * experiment schema checks `keyChart` against them, so both read the one list.
 */

/** A grid path or column made safe for a file name. */
export const chartFileSafe = (s: string): string => s.replace(/[^A-Za-z0-9.=-]+/g, '-').slice(0, 80);

/** What the names depend on: the experiment's chart requests and sweep. */
export interface ChartNaming {
  charts?: readonly unknown[] | undefined;
  sweep?: { compare?: readonly string[] | undefined; compareSeries?: readonly string[] | undefined } | undefined;
}

const option = (r: unknown, kind: string): Record<string, unknown> | undefined => {
  const v = r !== null && typeof r === 'object' ? (r as Record<string, unknown>)[kind] : undefined;
  return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
};
const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const texts = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** A single run's chart names, in the order the report draws them. */
export function runChartNames(charts: readonly unknown[]): string[] {
  return charts.flatMap((r): string[] => {
    if (typeof r === 'string') return [r];
    const server = option(r, 'by-server');
    if (server !== undefined) return [`by-server-${text(server.metric)}`];
    const variant = option(r, 'by-variant');
    if (variant !== undefined) return [`by-variant-${chartFileSafe(text(variant.column))}`];
    return option(r, 'latency-cdf') !== undefined ? ['latency-cdf'] : [];
  });
}

/** The name of a sweep curve's chart: its metric and the last segment of its grid path. */
export const sweepCurveName = (metric: string, x: string): string => `sweep-curve-${chartFileSafe(metric)}-by-${chartFileSafe(x.split('.').pop() ?? x)}`;

/** A sweep folder's chart names (its own charts/, not its variants'), in the order the report draws them. */
export function sweepChartNames(e: ChartNaming): string[] {
  const asked = (e.charts ?? []).flatMap((r): string[] => {
    const variant = option(r, 'by-variant');
    if (variant !== undefined) return [`by-variant-${chartFileSafe(text(variant.column))}`];
    const curve = option(r, 'sweep-curve');
    if (curve !== undefined) return [sweepCurveName(text(curve.metric), text(curve.x))];
    const cdf = option(r, 'latency-cdf');
    return cdf === undefined ? [] : texts(cdf.metrics ?? ['connect.latencyMs']).map((m) => `latency-cdf-${chartFileSafe(m)}`);
  });
  return [...(e.sweep?.compare ?? []).map((m) => `compare-${m}`), ...(e.sweep?.compareSeries ?? []).map((c) => `series-${c}`), ...asked];
}

/** The charts in the folder an experiment writes: a sweep folder's, else a single run's. */
export const chartFileNames = (e: ChartNaming): string[] => (e.sweep === undefined ? runChartNames(e.charts ?? []) : sweepChartNames(e));
