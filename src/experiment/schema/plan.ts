import { z } from 'zod';
import { isSummaryKey } from '../../metrics/index.js';
import { oneOf } from './one-of.js';

/**
 * `plan:`: what `wsfleet plan` searches for. The experiment is the workload; the plan adds the
 * SLOs, the faults the fleet must survive, the search space and the objective. `wsfleet run`
 * ignores it.
 */

const METRIC = String.raw`[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)*`;
const NUMBER = String.raw`-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?`;
/** `<= 500`, `>= 0.999`, `= 0` (and ≤ ≥). */
export const SLO_BOUND = new RegExp(String.raw`^\s*(<=|>=|≤|≥|=)\s*(${NUMBER})\s*$`, 'i');
/** `a` or `a / b`: a summary metric, or the ratio of two. */
export const SLO_METRIC = new RegExp(String.raw`^\s*(${METRIC})\s*(?:/\s*(${METRIC})\s*)?$`);

/** The summary keys an SLO key names: one metric, or the two of a ratio; undefined when malformed. */
export function sloMetrics(key: string): [string] | [string, string] | undefined {
  const m = SLO_METRIC.exec(key);
  if (m === null) return undefined;
  return m[2] === undefined ? [m[1] as string] : [m[1] as string, m[2]];
}

const sloKey = z.string().refine(
  (key) => {
    const parts = sloMetrics(key);
    return parts !== undefined && parts.every(isSummaryKey);
  },
  { error: (issue) => `expected a summary metric (wsfleet list metrics) or a ratio of two ('connect.refused / connect.attempts'), got '${String(issue.input)}'` },
);

const sloBound = z.string().regex(SLO_BOUND, "expected a bound such as '<= 500', '>= 0.999' or '= 0'");

const atMs = z.number().min(0).optional().describe('when the fault strikes; default: at peak (the end of the ramp, else half way through the run)');

/** The faults a plan judges a fleet under, each on its own. */
export const planFaultKinds = {
  none: z.object({}).strict().describe('the workload as written'),
  'n+1': z
    .object({
      atMs,
      host: z.enum(['down', 'up']).default('down').describe('down: the machine is gone; up: only the process died'),
    })
    .strict()
    .describe('lose one server at peak (the first of each server group; every group judged)'),
  zone: z
    .object({
      atMs,
      zones: z.number().int().min(2).max(64).optional().describe('servers spread round-robin over this many zones; one zone is lost'),
      group: z.string().optional().describe('or: the server group that is the zone'),
    })
    .strict()
    .refine((z) => (z.zones === undefined) !== (z.group === undefined), { error: 'expected exactly one of: zones, group' })
    .describe('lose a zone: every server in it at once, at peak'),
  'rolling-deploy': z
    .object({
      atMs,
      windowMs: z.number().positive().default(30_000).describe('drain window of each server'),
      restartAfterMs: z.number().min(0).default(10_000).describe('time each server is down'),
      pauseMs: z.number().min(0).default(10_000).describe('pause before the next server'),
    })
    .strict()
    .describe('restart every server in turn, draining each first'),
  'flash-crowd': z
    .object({
      atMs,
      factor: z.number().gt(1).max(100).describe('clients at peak become factor × as many (the extra arrive together)'),
      overMs: z.number().positive().default(1000),
    })
    .strict()
    .describe('a flash crowd of factor × the clients'),
  faults: z
    .object({
      label: z.string().min(1).describe('what the faults do, for tables and sentences'),
      list: z.array(z.unknown()).min(1).describe('experiment faults (as under faults:), appended to the experiment’s own: a balancer or broker crash, a partition, …'),
    })
    .strict()
    .describe('any faults of the experiment schema, judged together as one scenario'),
};

const planFault = z.union([z.enum(['none', 'n+1', 'rolling-deploy']), oneOf(planFaultKinds, 'a fault the fleet must survive')]);

const cost = {
  perServerHour: z.number().min(0).optional().describe('cost per server per hour'),
  perCoreHour: z.number().min(0).optional().describe('cost per core (processes × coresPerProcess) per hour, on top of perServerHour'),
};

export const planSection = z
  .object({
    slos: z
      .record(sloKey, sloBound)
      .refine((r) => Object.keys(r).length > 0, { error: 'expected at least one SLO, e.g. availability: ">= 0.999"' })
      .describe("bounds on summary metrics (or a ratio of two), e.g. 'connect.latencyMs.p99': '<= 500'; each met with the plan's confidence"),
    confidence: z.number().gt(0.5).lt(1).default(0.95).describe('one-sided confidence with which every SLO must be shown to hold'),
    replications: z
      .object({
        min: z.number().int().min(2).max(100).default(3).describe('replications before the first verdict'),
        max: z.number().int().min(2).max(1000).default(12).describe('replications at most while a confidence interval straddles a bound; still straddling: not shown to hold'),
      })
      .strict()
      .refine((r) => r.min <= r.max, { error: 'expected min ≤ max' })
      .prefault({}),
    faults: z.array(planFault).min(1).default(['none']).describe('each judged on its own: none, n+1, zone, rolling-deploy, flash-crowd, or faults (any experiment faults)'),
    search: z
      .object({
        path: z
          .string()
          .regex(/^[A-Za-z0-9$-]+(\.[A-Za-z0-9$-]+)*$/, 'expected a dotted path such as fleet.servers')
          .default('fleet.servers')
          .describe('the whole-number setting searched by bisection; more must never be worse (server count, a cap, cores)'),
        min: z.number().int().min(1),
        max: z.number().int().min(1),
        start: z
          .enum(['theory', 'top'])
          .default('theory')
          .describe("theory: gallop from the analytic estimate (two trials when it is right); top: probe the maximum, then bisect, ignoring theory"),
      })
      .strict()
      .refine((s) => s.min <= s.max, { error: 'expected min ≤ max' })
      .describe('the monotone dimension: the smallest value that passes is found by bisection'),
    profiles: z
      .array(z.object({ name: z.string().min(1).describe('a server profile (wsfleet list profiles)'), ...cost }).strict())
      .min(1)
      .optional()
      .describe('server types to try, each with its own cost; default: the experiment’s server'),
    grid: z
      .record(z.string().regex(/^[A-Za-z0-9$-]+(\.[A-Za-z0-9$-]+)*$/, 'expected a dotted path such as balancer.strategy'), z.array(z.unknown()).min(1))
      .default({})
      .describe('other settings to try (every combination), as in sweep.grid'),
    cost: z
      .object({ ...cost, perBalancerHour: z.number().min(0).default(0).describe('cost per balancer per hour') })
      .strict()
      .prefault({})
      .describe('cost per hour: servers × (perServerHour + perCoreHour × cores) + balancers × perBalancerHour; a profile’s own figures replace these'),
    minimize: z.enum(['cost', 'servers', 'value']).default('cost').describe('cost per hour, server count, or the searched value itself'),
    warmup: z
      .union([z.literal('auto'), z.literal('none'), z.number().min(0)])
      .default('auto')
      .describe('SLOs on means over the run are judged after this warm-up: auto (MSER-5 on the metric’s series), none, or milliseconds'),
  })
  .strict();

export type PlanSpec = z.output<typeof planSection>;
