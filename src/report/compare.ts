/**
 * What a compared value means before it is drawn or tabled:
 *
 *   - "not reached": a capped metric (the catalogue's `capped`, e.g. recovery.ms99) holds the time to
 *     the run's end when what it waits for never happened; that number is a bound, not a measurement.
 *   - significance: with replications, a variant whose 95 % confidence interval overlaps the best
 *     variant's (the catalogue's `better`) is not significantly different from it.
 */
import { parse } from 'yaml';
import { capStartMs, describeMetric, type MeanCi } from '../metrics/index.js';
import { humanScaled } from './format.js';

/** Runs of one variant (or one run) that never reached a capped metric's target. */
export interface NotReached {
  /** Runs at the cap. */
  runs: number;
  /** Runs in all. */
  of: number;
  /** The cap: the time from the interval's start to the run's end, in the metric's unit (ms). */
  cap: number;
}

/** How a variant compares with the best one: the best itself, interval overlapping the best's, or apart from it. */
export type Verdict = 'best' | 'overlaps' | 'apart';

type EventLike = { kind: string; atMs: number };

/** The value a capped metric takes in a run whose target was never reached (run end − start); undefined for other metrics. */
export function capOf(metric: string, events: readonly EventLike[], durationMs: number): number | undefined {
  const start = describeMetric(metric)?.capped;
  const at = start === undefined ? undefined : capStartMs(start, events);
  return at === undefined || !Number.isFinite(durationMs) ? undefined : durationMs - at;
}

/**
 * True when a value sits at its cap: the target was not reached within the run. Values and event
 * times may be rounded for the files (9 significant digits), so the cap is matched to that precision.
 */
export const atCap = (value: number, cap: number | undefined): boolean => cap !== undefined && Number.isFinite(value) && value >= cap - Math.abs(cap) * 1e-8;

/** Which of `values` (one per run) sit at the cap; undefined when none do. */
export function notReached(values: readonly number[], cap: number | undefined): NotReached | undefined {
  if (cap === undefined) return undefined;
  const runs = values.filter((v) => atCap(v, cap)).length;
  return runs === 0 ? undefined : { runs, of: values.length, cap };
}

/** The caps of a single run's capped metrics, by key. */
export function runCaps(summary: Readonly<Record<string, number>>, events: readonly EventLike[], durationMs: number): Record<string, number> {
  return Object.fromEntries(Object.keys(summary).flatMap((k) => {
    const cap = capOf(k, events, durationMs);
    return cap === undefined ? [] : [[k, cap]];
  }));
}

const durationOf = (resolvedYaml: string | undefined): number => {
  const d = resolvedYaml === undefined ? undefined : (parse(resolvedYaml) as { durationMs?: unknown } | null)?.durationMs;
  return typeof d === 'number' ? d : Number.NaN;
};

/** A run record as far as caps need it (RunRecord fits). */
export interface CapRecord {
  variant: number;
  replication: number;
  summary: Readonly<Record<string, number>>;
  events?: readonly EventLike[] | undefined;
  resolvedYaml?: string | undefined;
}

/**
 * Per variant, the capped metrics some of its runs never reached. The cap comes from the variant's
 * first replication (the one whose events are kept): its start event and run length. Faults are
 * scheduled at fixed times, so the other replications share it; a start that moves between
 * replications (an autoscaler's first join) is judged by the first replication's.
 */
export function sweepNotReached(records: readonly CapRecord[]): Map<number, Record<string, NotReached>> {
  const out = new Map<number, Record<string, NotReached>>();
  for (const first of records.filter((r) => r.replication === 0)) {
    const runs = records.filter((r) => r.variant === first.variant);
    const caps = runCaps(first.summary, first.events ?? [], durationOf(first.resolvedYaml));
    const own: Record<string, NotReached> = {};
    for (const [metric, cap] of Object.entries(caps)) {
      const n = notReached(runs.map((r) => r.summary[metric] ?? Number.NaN), cap);
      if (n !== undefined) own[metric] = n;
    }
    if (Object.keys(own).length > 0) out.set(first.variant, own);
  }
  return out;
}

/**
 * Each variant against the best (highest or lowest mean, as the catalogue's `better` says): undefined
 * for every variant when the metric has no direction or a variant lacks replications or a finite
 * interval; else `best`, `overlaps` (the 95 % intervals overlap: not a significant difference) or `apart`.
 */
export function versusBest(metric: string, values: readonly MeanCi[]): (Verdict | undefined)[] {
  const better = describeMetric(metric)?.better;
  if (better === undefined || values.length < 2 || values.some((v) => v.n < 2 || !Number.isFinite(v.mean) || !Number.isFinite(v.ci95))) return values.map(() => undefined);
  const means = values.map((v) => v.mean);
  const bestMean = better === 'higher' ? Math.max(...means) : Math.min(...means);
  const best = values.find((v) => v.mean === bestMean) as MeanCi;
  return values.map((v) => (v.mean === bestMean ? 'best' : Math.abs(v.mean - best.mean) <= v.ci95 + best.ci95 ? 'overlaps' : 'apart'));
}

/** The words a table or a bar label adds for a verdict. */
export const VERDICT_NOTE: Record<Verdict, string> = { best: 'best', overlaps: '≈ best, not significant', apart: '' };

/** One sentence on what `≈ best` means, for captions and subtitles. */
export const VERDICT_LEGEND = '≈ best: its 95 % interval overlaps the best variant’s, so the difference is not significant';

/** One sentence on what "not reached" means, for captions and subtitles. */
export const NOT_REACHED_LEGEND = 'not reached: the target was not met before the run ended (the value is a lower bound, the time to the end)';

/**
 * A compared value as tables print it: `mean ± ci`, `not reached (> cap)` when every run stopped at the
 * cap, `≥ mean ± ci (not reached in k of n)` when some did, with the verdict against the best in brackets.
 * `scale` and `unit` convert for charts (e.g. ms to s).
 */
export function compareText(c: MeanCi | undefined, never?: NotReached, verdict?: Verdict, scale = 1, unit = ''): string {
  if (c === undefined) return '-';
  const u = unit === '' ? '' : ` ${unit}`;
  if (never !== undefined && never.runs === never.of) return `not reached (> ${humanScaled(never.cap, scale)}${u})`;
  const base = `${c.n > 1 ? `${humanScaled(c.mean, scale)} ± ${humanScaled(c.ci95, scale)}` : humanScaled(c.mean, scale)}${u}`;
  if (never !== undefined) return `≥ ${base} (not reached in ${String(never.runs)} of ${String(never.of)})`;
  const note = verdict === undefined ? '' : VERDICT_NOTE[verdict];
  return note === '' ? base : `${base} (${note})`;
}

/** One metric's table cells across variants: values, "not reached", and each variant against the best. */
export function compareCells(metric: string, values: readonly (MeanCi | undefined)[], never: readonly (NotReached | undefined)[] = []): string[] {
  const all = values.filter((v): v is MeanCi => v !== undefined);
  const verdicts = all.length === values.length ? versusBest(metric, all) : values.map(() => undefined);
  return values.map((v, k) => compareText(v, never[k], verdicts[k]));
}

/** What a compare table's notes mean, for its caption. */
export const COMPARE_TABLE_NOTE = `Mean ± 95 % confidence interval. "${NOT_REACHED_LEGEND.replace(': ', '": ')}. "(best)": the best variant, where the metric has a better direction and the variants have replications; "(${VERDICT_NOTE.overlaps})": ${VERDICT_LEGEND.replace(/^≈ best: /, '')}.`;
