import { LATENCY_METRICS, LATENCY_STATS, METRIC_PATTERNS, SUMMARY_METRICS, type CapStart, type LatencyStat, type MetricGroup, type MetricInfo, type SummaryKey } from './catalogue.js';
import type { Condition, Unit, World } from './units.js';

/** What a summary key means, resolved through fixed keys, latency families and patterns. */
export interface MetricDescription {
  /** The catalogue entry's name: the key itself, a family (`connect.latencyMs.p99`) or a pattern (`alerts.<rule>.firings`). */
  name: string;
  group: MetricGroup;
  unit: Unit;
  doc: string;
  worlds: readonly World[];
  notReal?: string;
  when?: Condition;
  /** Capped at the run's end when never reached, counted from this start. */
  capped?: CapStart;
  /** Which way is better, where the catalogue says. */
  better?: 'higher' | 'lower';
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function entry(name: string, info: MetricInfo, doc: string): MetricDescription {
  const out: MetricDescription = { name, group: info.group, unit: info.unit, doc, worlds: info.worlds };
  if ('notReal' in info) out.notReal = info.notReal;
  if (info.when !== undefined) out.when = info.when;
  if (info.capped !== undefined) out.capped = info.capped;
  if (info.better !== undefined) out.better = info.better;
  return out;
}

/** The catalogue entry of a single run's summary key; undefined for a key the catalogue does not know. */
export function describeMetric(key: string): MetricDescription | undefined {
  if (hasOwn(SUMMARY_METRICS, key)) {
    const info = SUMMARY_METRICS[key as keyof typeof SUMMARY_METRICS] as MetricInfo;
    return entry(key, info, info.doc);
  }
  const dot = key.lastIndexOf('.');
  const family = key.slice(0, dot);
  const stat = key.slice(dot + 1);
  if (dot > 0 && hasOwn(LATENCY_METRICS, family) && hasOwn(LATENCY_STATS, stat)) {
    const info = LATENCY_METRICS[family as keyof typeof LATENCY_METRICS] as MetricInfo;
    const d = entry(key, info, `${info.doc}: ${LATENCY_STATS[stat as LatencyStat]}`);
    if (stat !== 'count') return d;
    // A sample count is neither better high nor low.
    const counted: MetricDescription = { ...d, unit: 'count' };
    delete counted.better;
    return counted;
  }
  const pattern = METRIC_PATTERNS.find((p) => p.regex.test(key));
  return pattern === undefined ? undefined : entry(pattern.pattern, pattern, pattern.doc);
}

/** A sweep summary key (`variants.<n>.<metric>.mean|ci95`) split into its parts; undefined for any other key. */
export function splitSweepKey(key: string): { variant: number; metric: string; stat: 'mean' | 'ci95' } | undefined {
  const m = /^variants\.(\d+)\.(.+)\.(mean|ci95)$/.exec(key);
  return m ? { variant: Number(m[1]), metric: m[2] as string, stat: m[3] as 'mean' | 'ci95' } : undefined;
}

/** True when the catalogue describes `key` (a single run's key). */
export function isSummaryKey(key: string): key is SummaryKey {
  return describeMetric(key) !== undefined;
}

/** Every fixed summary key of a world, with the six keys of each latency family expanded. */
export function catalogueKeys(world: World): string[] {
  const fixed = Object.entries(SUMMARY_METRICS as Record<string, MetricInfo>).filter(([, i]) => (i.worlds as readonly World[]).includes(world)).map(([k]) => k);
  const families = Object.entries(LATENCY_METRICS as Record<string, MetricInfo>).filter(([, i]) => (i.worlds as readonly World[]).includes(world));
  return [...fixed, ...families.flatMap(([f]) => Object.keys(LATENCY_STATS).map((s) => `${f}.${s}`))];
}
