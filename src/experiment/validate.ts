import { meanCi, type MeanCi, type Summary } from '../metrics/index.js';

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

/** Relative error of the means allowed before two worlds whose intervals do not overlap are said to differ. */
export const DEFAULT_TOLERANCE = 0.1;

/** The judgement on one metric over replications. */
export type Verdict = 'agrees' | 'differs';

/** The rule, in words, for --help, the README and docs/validation.md. */
export const VERDICT_RULE =
  'agrees when the 95 % confidence intervals of the sim mean and the real mean overlap (|sim mean − real mean| ≤ sim ci95 + real ci95), or when the relative error of the means |sim mean − real mean| / |real mean| is within the tolerance; differs otherwise';

/** One metric over replications: mean ± 95 % half-width (Student t) in each world, the error of the means, the verdict. */
export interface ReplicatedComparison {
  metric: string;
  sim: MeanCi;
  real: MeanCi;
  relativeError: number;
  verdict: Verdict;
  /** Replications in each world (the smaller count if they differ). */
  n: number;
}

/** Two 95 % intervals overlap when their means are no further apart than the half-widths together (touching counts). */
export function intervalsOverlap(a: MeanCi, b: MeanCi): boolean {
  return Math.abs(a.mean - b.mean) <= a.ci95 + b.ci95;
}

/** {@link VERDICT_RULE}; with one replication per world the half-widths are 0, so only equal means or the tolerance agree. */
export function verdict(sim: MeanCi, real: MeanCi, tolerance: number = DEFAULT_TOLERANCE): Verdict {
  return intervalsOverlap(sim, real) || relativeError(sim.mean, real.mean) <= tolerance ? 'agrees' : 'differs';
}

/** One metric compared over the replications of each world. */
export function compareMetric(metric: string, sims: readonly number[], reals: readonly number[], tolerance: number = DEFAULT_TOLERANCE): ReplicatedComparison {
  const sim = meanCi(sims);
  const real = meanCi(reals);
  return { metric, sim, real, relativeError: relativeError(sim.mean, real.mean), verdict: verdict(sim, real, tolerance), n: Math.min(sim.n, real.n) };
}

/** Each metric over every replication's summary; a metric missing from any summary of either world is listed in `missing`. */
export function compareReplications(
  sims: readonly Summary[],
  reals: readonly Summary[],
  metrics: readonly string[],
  tolerance: number = DEFAULT_TOLERANCE,
): { rows: ReplicatedComparison[]; missing: string[] } {
  const rows: ReplicatedComparison[] = [];
  const missing: string[] = [];
  const values = (summaries: readonly Summary[], metric: string): number[] | undefined => {
    const out = summaries.map((s) => s[metric]);
    return out.every((v): v is number => v !== undefined) ? out : undefined;
  };
  for (const metric of metrics) {
    const s = values(sims, metric);
    const r = values(reals, metric);
    if (s === undefined || r === undefined || s.length === 0 || r.length === 0) missing.push(metric);
    else rows.push(compareMetric(metric, s, r, tolerance));
  }
  return { rows, missing };
}
