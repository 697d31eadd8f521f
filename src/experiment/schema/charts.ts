import { z } from 'zod';
import { DISTRIBUTION_METRICS, SERVER_COLUMNS } from '../../metrics/index.js';
import { oneOf } from './one-of.js';

/** Charts with options, by kind; a plain name asks for a chart of the report's registry instead. */
const chartKinds = {
  'by-server': z
    .object({ metric: z.enum(SERVER_COLUMNS).describe('per-server time-series column: server.<id>.<metric>') })
    .strict()
    .describe('one line per server'),
  'by-variant': z
    .object({ column: z.string().min(1).describe('a timeseries.csv column, e.g. clients.connected') })
    .strict()
    .describe('one line per sweep variant (first replication); one line in a single run'),
  'sweep-curve': z
    .object({
      metric: z.string().min(1).describe('a summary metric, e.g. recovery.ms99'),
      x: z.string().min(1).describe('a sweep.grid path for the x axis; the other grid paths become one curve each'),
    })
    .strict()
    .describe('mean over replications against a grid value, with a 95 % confidence band (sweeps only)'),
  'latency-cdf': z
    .object({ metrics: z.array(z.enum(DISTRIBUTION_METRICS)).min(1).default(['connect.latencyMs']) })
    .strict()
    .describe('cumulative distribution of latencies from the HDR histogram; by variant in a sweep'),
};

/** Kinds of chart entry that only make sense across the variants of a sweep. */
export const SWEEP_ONLY_CHARTS = ['sweep-curve'] as const;

/** One `charts:` entry: a chart name (wsfleet list charts) or `{ kind: options }`. */
export function chartEntry(names: readonly string[]) {
  const name = names.length > 0 ? z.enum(names as [string, ...string[]]) : z.string();
  return z.union([name, oneOf(chartKinds, 'a chart with options: by-server, by-variant, sweep-curve, latency-cdf')]);
}
