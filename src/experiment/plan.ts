/**
 * `wsfleet plan`: the cheapest fleet that meets its SLOs under every fault it must survive.
 *
 *   plan: ──configurations──► profile × grid ──for each, cheapest first──► bisection on the searched value
 *                                                                         │
 *        probe(config, value) = every fault judged on its own ◄───────────┘
 *        judge(config, value, fault): replications added while a confidence interval straddles a bound
 *
 * A configuration whose smallest value already costs as much as an answer found is pruned; the
 * analytic estimate (plan-theory.ts) is the first value probed and is printed beside the answer.
 * Replication r of every trial runs on seed replicationSeed(seed, r), so configurations are compared
 * with common random numbers, and the number of replications never depends on the worker count:
 * the same file and seed give the same plan, byte for byte.
 */
import { describeGridValue, mser5, oneSidedHalfWidth, type PlanConfig, type PlanFault, type PlanResult, type PlanSlo, type PlanSloResult, type PlanTrial, type RunResult, type Summary } from '../metrics/index.js';
import { dedupeIssues, type InputIssue, type IssuePath } from './issues.js';
import { readYaml } from './yaml-file.js';
import { readExperiment, type ExperimentInput, type LoadOptions, type LoadResult } from './load.js';
import type { SetFlag } from './overrides.js';
import { runPool } from './pool.js';
import { distributionMean, planTheory } from './plan-theory.js';
import { resolvedExperimentYaml } from './resolved.js';
import { runExperiment } from './run.js';
import type { Experiment } from './schema/experiment.js';
import { onlyEntry } from './schema/one-of.js';
import { SLO_BOUND, sloMetrics, type PlanSpec } from './schema/plan.js';
import { expandGrid, replicationSeed } from './sweep.js';

/** Options of {@link runPlan}. */
export interface RunPlanOptions extends LoadOptions {
  /** Worker threads; 1 runs every simulation in this thread. The plan is the same either way. @default 1 */
  jobs?: number;
  /** Only configurations k with k mod count = index − 1 (`--shard K/N`); `wsfleet merge` joins the shards' answers. */
  shard?: { index: number; count: number };
  /** A line of progress after each judged trial. */
  onProgress?: (line: string) => void;
  /** Called once before any run with the largest experiments the plan may run (each configuration at the top of the range, under each fault), e.g. to check a memory budget; throwing stops the plan. */
  beforeRuns?: (largest: readonly Experiment[]) => void;
  /** Aborting stops the plan between runs (the workers are terminated): runPlan rejects with {@link PlanAbortedError}. */
  signal?: AbortSignal;
}

/** The plan was stopped by its signal; nothing it found is an answer. */
export class PlanAbortedError extends Error {
  readonly code = 'WSFLEET_PLAN_ABORTED';
  constructor() {
    super('The plan was stopped before it finished');
    this.name = 'PlanAbortedError';
  }
}

export type RunPlanResult = { ok: true; result: PlanResult; chosenYaml: string | null; baseYaml: string; experiment: Experiment } | { ok: false; issues: InputIssue[] };

/** A configuration: the overrides that make it, and its costs. */
interface Config extends PlanConfig {
  index: number;
  overrides: SetFlag[];
  perCoreHour: number;
}

/** A fault of the plan, expanded: what it adds to the experiment, given the fleet's shape. */
interface Fault extends PlanFault {
  /** The faults to append, for an experiment of this shape. */
  add: (e: Experiment) => Record<string, unknown>[];
}

/** SLOs on means over the run that are judged after the warm-up, and the series each is the mean of. */
const STEADY_SERIES: Record<string, (columns: readonly string[]) => (row: readonly number[]) => number> = {
  'clients.connected.mean': (columns) => {
    const k = columns.indexOf('clients.connected');
    return (row) => row[k] as number;
  },
  'servers.cpu.utilization.mean': (columns) => {
    const cpu = columns.flatMap((c, k) => (/^server\.\d+\.cpu$/.test(c) ? [k] : []));
    const up = cpu.map((k) => columns.indexOf((columns[k] as string).replace(/cpu$/, 'up')));
    return (row) => {
      let sum = 0;
      let n = 0;
      cpu.forEach((k, j) => {
        if ((row[up[j] as number] ?? 1) > 0) {
          sum += row[k] as number;
          n++;
        }
      });
      return n > 0 ? sum / n : 0;
    };
  },
};

/** The SLOs as written, parsed. */
export function parseSlos(spec: PlanSpec): PlanSlo[] {
  return Object.entries(spec.slos).flatMap(([metric, text]) => {
    const m = SLO_BOUND.exec(text);
    if (m === null) return [];
    const sign = (m[1] as string).replace('≤', '<=').replace('≥', '>=');
    const bound = Number(m[2]);
    // `= 0` bounds a count from above (it cannot go below 0); any other `= x` is both bounds.
    if (sign === '=' && bound === 0) return [{ metric, op: '<=' as const, bound, label: `${metric} = 0` }];
    const ops: ('<=' | '>=')[] = sign === '=' ? ['<=', '>='] : [sign as '<=' | '>='];
    return ops.map((op) => ({ metric, op, bound, label: `${metric} ${op === '<=' ? '≤' : '≥'} ${String(bound)}` }));
  });
}

/** An SLO's value in one run's summary: the metric, or the ratio of two (0 / 0 is 0). */
export function sloValue(summary: Summary, metric: string): number {
  const parts = sloMetrics(metric);
  if (parts === undefined) return Number.NaN;
  const a = summary[parts[0]] ?? Number.NaN;
  if (parts.length === 1) return a;
  const b = summary[parts[1]] ?? Number.NaN;
  return b === 0 ? (a === 0 ? 0 : Number.POSITIVE_INFINITY) : a / b;
}

/**
 * The verdict on one SLO from its replications: pass when the one-sided confidence bound is on the
 * safe side of the bound, fail when the mean is past the bound by more than the half-width, unclear
 * otherwise. A non-negative metric bounded by 0 fails as soon as one replication is above 0: its
 * expectation is then above 0 whatever the interval says.
 */
export function judgeSlo(slo: PlanSlo, values: readonly number[], confidence: number): PlanSloResult {
  const { mean, halfWidth } = oneSidedHalfWidth(values, confidence);
  const scale = Math.abs(slo.bound) > 0 ? Math.abs(slo.bound) : 1;
  const margin = (slo.op === '<=' ? slo.bound - mean : mean - slo.bound) / scale;
  let verdict: PlanSloResult['verdict'];
  if (values.some((v) => Number.isNaN(v))) verdict = 'fail';
  else if (slo.op === '<=' && slo.bound === 0 && values.every((v) => v >= 0) && values.some((v) => v > 0)) verdict = 'fail';
  else if (slo.op === '<=') verdict = mean + halfWidth <= slo.bound ? 'pass' : mean - halfWidth > slo.bound ? 'fail' : 'unclear';
  else verdict = mean - halfWidth >= slo.bound ? 'pass' : mean + halfWidth < slo.bound ? 'fail' : 'unclear';
  return { metric: slo.metric, mean: tidy(mean), ci: tidy(halfWidth), verdict, margin: tidy(margin) };
}

const tidy = (x: number): number => (Number.isFinite(x) ? Number(x.toPrecision(9)) : x);

/** The replication counts a trial goes through: min, then half as many again each time, up to max. */
export function replicationSteps(min: number, max: number): number[] {
  const steps = [min];
  for (let n = min; n < max; ) {
    n = Math.min(max, n + Math.max(1, Math.ceil(n / 2)));
    steps.push(n);
  }
  return steps;
}

/**
 * Smallest value in [lo, hi] for which `passes` holds, `passes` assumed monotone (false below the
 * answer, true from it on); null when hi fails. With a first guess (theory's estimate) the search
 * gallops from it: steps of 1, 2, 4, … down from a pass or up from a fail until the verdict flips,
 * then bisects between; a good guess costs two probes, a bad one O(log distance).
 */
export async function bisect(lo: number, hi: number, first: number | undefined, passes: (v: number) => Promise<boolean>): Promise<number | null> {
  // Below low every value fails; high passes once known.
  const at = { low: lo, high: hi, known: false };
  const probe = async (v: number): Promise<boolean> => {
    const ok = await passes(v);
    if (ok) Object.assign(at, { high: v, known: true });
    else at.low = v + 1;
    return ok;
  };
  if (first !== undefined && first >= lo && first <= hi) {
    const up = !(await probe(first));
    for (let step = 1; at.low < at.high || !at.known; step *= 2) {
      const v = up ? Math.min(hi, first + step) : Math.max(lo, first - step);
      if (up ? v < at.low : v >= at.high) break;
      if ((await probe(v)) === up) break;
      if (up && v === hi) return null;
      if (!up && v === lo) break;
    }
  }
  // The top is probed first: when it fails nothing in range passes, and a plan says so in one trial per fault.
  if (!at.known && (at.low > hi || !(await probe(hi)))) return null;
  while (at.low < at.high) await probe(Math.floor((at.low + at.high) / 2));
  return at.high;
}

/** Server count, and cores summed over servers, of a loaded experiment. */
function fleetShape(e: Experiment): { servers: number; cores: number; firsts: { group: string | null; server: number }[] } {
  if (e.fleet.groups !== undefined) {
    let at = 0;
    let cores = 0;
    const firsts: { group: string | null; server: number }[] = [];
    for (const g of e.fleet.groups) {
      firsts.push({ group: g.name, server: at });
      at += g.servers;
      cores += g.servers * g.server.processes * g.server.coresPerProcess;
    }
    return { servers: at, cores, firsts };
  }
  const s = e.fleet.server as NonNullable<Experiment['fleet']['server']>;
  const servers = e.fleet.servers as number;
  return { servers, cores: servers * s.processes * s.coresPerProcess, firsts: [{ group: null, server: 0 }] };
}

/** When a fault strikes by default: at peak, the end of a ramp, else half way through the run. */
function peakMs(e: Experiment): number {
  const [kind, spec] = onlyEntry(e.clients.arrivals as Record<string, unknown>);
  if (kind === 'ramp') {
    const r = spec as { startMs: number; overMs: number };
    return Math.min(r.startMs + r.overMs, e.durationMs / 2);
  }
  return e.durationMs / 2;
}

/** Clients at peak without faults: a ramp's count, else Poisson arrivals × mean session (Little's law), capped by the run. */
export function peakClients(e: Experiment, sessionMeanMs: number): number {
  const [kind, spec] = onlyEntry(e.clients.arrivals as Record<string, unknown>);
  if (kind === 'ramp') return (spec as { clients: number }).clients;
  const p = spec as { ratePerSec: number; startMs: number; stopMs?: number };
  const open = (p.stopMs ?? e.durationMs) - p.startMs;
  return p.ratePerSec * (Math.min(sessionMeanMs, open) / 1000);
}

const ms = (t: number): string => (t % 1000 === 0 ? `${String(t / 1000)} s` : `${String(t)} ms`);

/** The plan's faults, expanded: n+1 once per server group. */
function planFaults(spec: PlanSpec, base: Experiment, sessionMeanMs: number): Fault[] {
  return spec.faults.flatMap((f, k): Fault[] => {
    const [kind, opts] = typeof f === 'string' ? [f, {} as Record<string, unknown>] : (onlyEntry(f) as [string, Record<string, unknown>]);
    const at = (e: Experiment): number => (typeof opts.atMs === 'number' ? opts.atMs : peakMs(e));
    const when = typeof opts.atMs === 'number' ? `at ${ms(opts.atMs)}` : `at peak (${ms(peakMs(base))})`;
    switch (kind) {
      case 'none':
        return [{ kind, label: 'no fault', add: () => [] }];
      case 'n+1': {
        const host = (opts.host as string | undefined) ?? 'down';
        return fleetShape(base).firsts.map((first, g) => ({
          kind,
          label: `lose one server${first.group === null ? '' : ` of ${first.group}`} ${when}`,
          add: (e: Experiment) => [{ crash: { server: fleetShape(e).firsts[g]?.server ?? 0, atMs: at(e), host } }],
        }));
      }
      case 'zone': {
        const zones = opts.zones as number | undefined;
        const group = opts.group as string | undefined;
        return [
          {
            kind,
            label: zones !== undefined ? `lose one zone of ${String(zones)} ${when}` : `lose zone ${String(group)} ${when}`,
            add: (e: Experiment) => {
              const shape = fleetShape(e);
              const servers =
                zones !== undefined
                  ? Array.from({ length: shape.servers }, (_, i) => i).filter((i) => i % zones === 0)
                  : (() => {
                      const g = (e.fleet.groups ?? []).findIndex((x) => x.name === group);
                      const start = shape.firsts[g]?.server ?? 0;
                      return Array.from({ length: e.fleet.groups?.[g]?.servers ?? 0 }, (_, i) => start + i);
                    })();
              return servers.map((server) => ({ crash: { server, atMs: at(e) } }));
            },
          },
        ];
      }
      case 'rolling-deploy':
        return [
          {
            kind,
            label: `rolling deploy ${when}`,
            add: (e: Experiment) => [
              { 'rolling-restart': { atMs: at(e), windowMs: opts.windowMs ?? 30_000, restartAfterMs: opts.restartAfterMs ?? 10_000, pauseMs: opts.pauseMs ?? 10_000 } },
            ],
          },
        ];
      case 'flash-crowd': {
        const factor = opts.factor as number;
        return [
          {
            kind,
            label: `flash crowd of ${String(factor)}× the clients ${when}`,
            add: (e: Experiment) => [{ 'flash-crowd': { clients: Math.max(1, Math.round((factor - 1) * peakClients(e, sessionMeanMs))), atMs: at(e), overMs: opts.overMs ?? 1000 } }],
          },
        ];
      }
      case 'faults': {
        const list = opts.list as Record<string, unknown>[];
        return [{ kind, label: opts.label as string, add: () => list }];
      }
      default:
        throw new TypeError(`Unknown plan fault '${kind}' at plan.faults[${String(k)}]`);
    }
  });
}

/** Every profile × grid combination, with its overrides and costs. */
function planConfigs(spec: PlanSpec): Config[] {
  const profiles = spec.profiles ?? [undefined];
  const variants = expandGrid(spec.grid);
  return profiles.flatMap((p, pk) =>
    variants.map((v) => {
      const overrides: SetFlag[] = [...(p === undefined ? [] : [{ flag: `plan.profiles[${String(pk)}].name`, path: ['fleet', 'server', 'profile'], value: p.name }]), ...v.overrides.map((o) => ({ ...o, flag: o.flag.replace(/^sweep\.grid/, 'plan.grid') }))];
      const settings: Record<string, unknown> = {};
      if (p !== undefined) settings['fleet.server.profile'] = p.name;
      for (const o of v.overrides) settings[o.path.join('.')] = o.value;
      const perServerHour = p?.perServerHour ?? spec.cost.perServerHour ?? (p?.perCoreHour ?? spec.cost.perCoreHour) === undefined ? (p?.perServerHour ?? spec.cost.perServerHour ?? 1) : 0;
      const label = [p?.name, ...v.overrides.map((o) => `${o.path.join('.')}=${describeGridValue(o.value)}`)].filter((x) => x !== undefined).join(', ') || 'as written';
      return { index: 0, label, settings, overrides, costPerServerHour: perServerHour, perCoreHour: p?.perCoreHour ?? spec.cost.perCoreHour ?? 0, answer: null, status: 'infeasible' as const };
    }),
  ).map((c, index) => ({ ...c, index }));
}

/** Read through a call, so the check after an await is not narrowed away. */
const isAborted = (signal: AbortSignal | undefined): boolean => signal?.aborted === true;

/** Runs experiments in this thread or on the worker pool; results in task order. */
async function runAll(experiments: readonly Experiment[], jobs: number, signal: AbortSignal | undefined): Promise<RunResult[]> {
  if (signal?.aborted === true) throw new PlanAbortedError();
  if (jobs === 1 || experiments.length === 1) {
    const out: RunResult[] = [];
    for (const e of experiments) {
      out.push(runExperiment(e));
      // One run at a time in this thread: a signal is seen between runs.
      await new Promise((resolve) => setImmediate(resolve));
      if (isAborted(signal)) throw new PlanAbortedError();
    }
    return out;
  }
  const out: RunResult[] = new Array<RunResult>(experiments.length);
  const outcome = await runPool(experiments, {
    jobs,
    ...(signal === undefined ? {} : { signal }),
    onDone: (id, result) => {
      out[id] = result;
    },
  });
  if (outcome === 'aborted') throw new PlanAbortedError();
  return out;
}

/** Each SLO's value in one run: means over the run after the warm-up where the SLO is one; the warm-up cut, or null. */
function runValues(result: RunResult, slos: readonly PlanSlo[], warmup: PlanSpec['warmup']): { values: number[]; warmupMs: number | null } {
  const { columns, rows } = result.timeseries;
  const time = columns.indexOf('timeMs');
  let warmupMs: number | null = null;
  const values = slos.map((slo) => {
    const series = STEADY_SERIES[slo.metric];
    if (warmup === 'none' || series === undefined || rows.length === 0) return sloValue(result.summary, slo.metric);
    const at = series(columns);
    const ys = rows.map(at);
    const from = warmup === 'auto' ? mser5(ys).truncateIndex : rows.findIndex((r) => (r[time] as number) >= warmup);
    const kept = ys.slice(Math.max(0, from));
    warmupMs = Math.max(warmupMs ?? 0, from > 0 ? ((rows[from] as number[])[time] as number) : 0);
    return kept.length > 0 ? kept.reduce((a, b) => a + b, 0) / kept.length : sloValue(result.summary, slo.metric);
  });
  return { values, warmupMs };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : (s[Math.floor((s.length - 1) / 2)] as number);
};

/**
 * Loads the plan's experiment, searches every configuration and returns the plan: the answer,
 * every trial, the analytic estimate. Problems with the input come back as issues before anything runs.
 */
export async function runPlan(input: ExperimentInput, options: RunPlanOptions = {}): Promise<RunPlanResult> {
  const { jobs = 1, shard, onProgress, signal, beforeRuns, ...load } = options;
  const base = readExperiment(input, load);
  if (!base.ok) return base;
  const name = 'file' in input ? input.file : (input.name ?? ('yaml' in input ? '<yaml>' : '<object>'));
  const spec = base.experiment.plan;
  if (spec === undefined) return { ok: false, issues: [{ source: name, path: ['plan'], message: 'required: expected a plan block (SLOs, faults, search) for wsfleet plan' }] };
  const slos = parseSlos(spec);
  const sessionMeanMs = sessionMean(base.experiment);
  const faults = planFaults(spec, base.experiment, sessionMeanMs);
  const all = planConfigs(spec);
  const inShard = (c: Config): boolean => shard === undefined || c.index % shard.count === shard.index - 1;
  const configs = all.filter(inShard);
  const searchPath = spec.search.path.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const at = (value: number): SetFlag => ({ flag: 'plan.search', path: searchPath, value });

  // Everything is loaded once before any run, so every bad value is reported together.
  const issues: InputIssue[] = [];
  const loadAt = (c: Config, value: number, extra: readonly SetFlag[] = [], seed?: number): LoadResult =>
    readExperiment(input, { ...load, overrides: [...(load.overrides ?? []), ...c.overrides, at(value), ...extra], ...(seed === undefined ? {} : { seed }) });
  for (const c of configs) {
    for (const value of [spec.search.min, spec.search.max]) {
      const loaded = loadAt(c, value);
      if (!loaded.ok) issues.push(...loaded.issues);
      else {
        for (const f of faults) {
          const faulted = loadAt(c, value, faultFlags(loaded.experiment, f));
          if (!faulted.ok) issues.push(...faulted.issues.map((i) => ({ ...i, source: `${name} (plan fault: ${f.label})` })));
        }
      }
    }
  }
  const atIssues = faultTimeIssues(spec, base.experiment, name);
  // A value the plan sets is the plan file's mistake: name the file, the line and the plan's own path.
  const yaml = 'file' in input ? readYaml(input.file) : undefined;
  const lineOf = (path: IssuePath): { line?: number; column?: number } => (yaml !== undefined && 'source' in yaml ? yaml.source.locate(path) : {});
  const located = issues.map((i) => {
    const plan = planIssue(i, name);
    return plan === undefined ? i : { ...plan, ...lineOf(plan.path) };
  });

  if (located.length > 0 || atIssues.length > 0) return { ok: false, issues: dedupeIssues([...atIssues, ...located]) };

  const costOf = (c: Config, e: Experiment, value: number): number => {
    const shape = fleetShape(e);
    if (spec.minimize === 'servers') return shape.servers;
    if (spec.minimize === 'value') return value;
    return tidy(shape.servers * c.costPerServerHour + shape.cores * c.perCoreHour + e.balancer.count * spec.cost.perBalancerHour);
  };
  const loaded = (c: Config, value: number, extra: readonly SetFlag[] = [], seed?: number): Experiment => {
    const r = loadAt(c, value, extra, seed);
    if (!r.ok) throw new TypeError(`Expected a plan trial to load: ${r.issues.map((i) => i.message).join('; ')}`);
    return r.experiment;
  };

  if (beforeRuns !== undefined) {
    beforeRuns(
      configs.flatMap((c) => {
        const top = loaded(c, spec.search.max);
        return faults.map((f) => loaded(c, spec.search.max, faultFlags(top, f)));
      }),
    );
  }
  const theory = { configs: all.map((c) => planTheory(loaded(c, spec.search.min), spec, slos, faults)) };
  const trials: PlanTrial[] = [];
  let runs = 0;
  const steps = replicationSteps(spec.replications.min, spec.replications.max);

  /** Judges every fault at (config, value) in rounds: each round adds replications to the faults still unclear. */
  const probe = async (c: Config, value: number): Promise<boolean> => {
    const e0 = loaded(c, value);
    const cost = costOf(c, e0, value);
    const state = faults.map(() => ({ values: [] as number[][], warmups: [] as number[], done: false, judged: [] as PlanSloResult[] }));
    for (const [s, n] of steps.entries()) {
      const tasks: { fault: number; r: number; e: Experiment }[] = [];
      faults.forEach((f, fk) => {
        const st = state[fk] as (typeof state)[number];
        if (st.done) return;
        for (let r = s === 0 ? 0 : (steps[s - 1] as number); r < n; r++) tasks.push({ fault: fk, r, e: loaded(c, value, faultFlags(e0, f), replicationSeed(base.experiment.seed, r)) });
      });
      if (tasks.length === 0) break;
      const results = await runAll(
        tasks.map((t) => t.e),
        jobs,
        signal,
      );
      runs += results.length;
      results.forEach((res, k) => {
        const t = tasks[k] as (typeof tasks)[number];
        const st = state[t.fault] as (typeof state)[number];
        const v = runValues(res, slos, spec.warmup);
        st.values.push(v.values);
        if (v.warmupMs !== null) st.warmups.push(v.warmupMs);
      });
      for (const st of state) {
        if (st.done) continue;
        st.judged = slos.map((slo, j) => judgeSlo(slo, st.values.map((row) => row[j] as number), spec.confidence));
        if (st.judged.some((x) => x.verdict === 'fail') || st.judged.every((x) => x.verdict === 'pass') || n === spec.replications.max) st.done = true;
      }
    }
    let all = true;
    state.forEach((st, fk) => {
      const pass = st.judged.every((x) => x.verdict === 'pass');
      all &&= pass;
      const worst = pass ? undefined : st.judged.map((x, j) => ({ x, j })).filter(({ x }) => x.verdict !== 'pass').sort((a, b) => a.x.margin - b.x.margin || a.j - b.j)[0];
      const trial: PlanTrial = {
        config: c.index,
        value,
        cost,
        fault: fk,
        replications: st.values.length,
        warmupMs: st.warmups.length > 0 ? median(st.warmups) : null,
        slos: st.judged,
        verdict: pass ? 'pass' : 'fail',
        binding: worst === undefined ? null : (slos[worst.j] as PlanSlo).label,
      };
      trials.push(trial);
      onProgress?.(`${c.label}: ${spec.search.path}=${String(value)} under ${(faults[fk] as Fault).label}: ${pass ? 'pass' : `fail (${worst === undefined ? '' : (slos[worst.j] as PlanSlo).label})`} after ${String(trial.replications)} replications`);
    });
    return all;
  };

  // Cheapest configurations first, so an answer prunes the rest early; ties keep the written order.
  const order = configs
    .map((c) => ({ c, cost: costOf(c, loaded(c, spec.search.min), spec.search.min) }))
    .sort((a, b) => a.cost - b.cost || a.c.index - b.c.index);
  let best: { c: Config; value: number; cost: number } | null = null;
  for (const { c, cost: cheapest } of order) {
    if (best !== null && cheapest >= best.cost) {
      c.status = 'pruned';
      continue;
    }
    // Only values cheaper than the answer so far can improve on it.
    let hi = spec.search.max;
    if (best !== null) {
      // The largest value still cheaper than the answer (cost never falls as the value grows): a bisection, not a walk, so wide ranges stay cheap.
      const limit = best.cost;
      let lo = spec.search.min;
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if (costOf(c, loaded(c, mid), mid) < limit) lo = mid;
        else hi = mid - 1;
      }
    }
    const estimate = theory.configs[c.index]?.value;
    const answer = await bisect(spec.search.min, hi, estimate === undefined || spec.search.start === 'top' ? undefined : Math.min(Math.max(estimate, spec.search.min), hi), (v) => probe(c, v));
    if (answer === null) {
      c.status = 'infeasible';
      continue;
    }
    c.answer = answer;
    c.status = 'feasible';
    const cost = costOf(c, loaded(c, answer), answer);
    if (best === null || cost < best.cost) best = { c, value: answer, cost };
  }

  const partial = {
    name: base.experiment.name,
    question: base.experiment.question,
    seed: base.experiment.seed,
    confidence: spec.confidence,
    objective: spec.minimize,
    search: { path: spec.search.path, min: spec.search.min, max: spec.search.max },
    slos,
    faults: faults.map(({ kind, label }) => ({ kind, label })),
    configs: all.map((c) => (inShard(c) ? c : { ...c, status: 'elsewhere' as const })).map(({ label, settings, costPerServerHour, answer: a, status }) => ({ label, settings, costPerServerHour, answer: a, status })),
    theory,
    trials,
    runs,
  };
  const result = concludePlan(partial, best === null ? null : { config: best.c.index, value: best.value, cost: best.cost });
  const chosenYaml = best === null ? null : chosenExperimentYaml(loaded(best.c, best.value), result);
  return { ok: true, result, chosenYaml, baseYaml: resolvedExperimentYaml(base.experiment), experiment: base.experiment };
}

/**
 * The answer, why the next cheaper configuration fails, and the sentence, from the configurations
 * and trials: what `wsfleet plan` concludes, and what `wsfleet merge` concludes again from shards.
 */
export function concludePlan(p: Omit<PlanResult, 'answer' | 'nextCheaper' | 'sentence'>, best: { config: number; value: number; cost: number } | null): PlanResult {
  const answer = best === null ? null : { ...best, experimentFile: 'chosen.yaml' };
  const failing = p.trials.filter((t) => t.verdict === 'fail' && (answer === null || t.cost <= answer.cost));
  const next = [...failing].sort((a, b) => b.cost - a.cost || b.value - a.value || a.config - b.config || a.fault - b.fault)[0];
  const j = next === undefined ? -1 : p.slos.findIndex((s) => s.label === next.binding);
  const nextSlo = next?.slos[j];
  const nextBound = p.slos[j];
  const result: PlanResult = {
    ...p,
    answer,
    nextCheaper:
      next === undefined || nextSlo === undefined || nextBound === undefined
        ? null
        : {
            config: next.config,
            value: next.value,
            cost: next.cost,
            fault: next.fault,
            metric: nextBound.metric,
            mean: nextSlo.mean,
            bound: nextBound.bound,
            by: tidy(-nextSlo.margin),
            verdict: nextSlo.verdict,
            ci: nextSlo.ci,
            replications: next.replications,
          },
    sentence: '',
  };
  result.sentence = planSentence(result);
  return result;
}

/** The faults a plan fault appends, as `--set faults.N=…` flags after the experiment's own. */
function faultFlags(e: Experiment, f: Fault): SetFlag[] {
  return f.add(e).map((spec, k) => ({ flag: `plan fault '${f.label}'`, path: ['faults', e.faults.length + k], value: spec }));
}

/** An issue raised by a value the plan sets (a grid value, a profile, the searched path), moved to the plan's own place in the file; undefined for any other. */
function planIssue(i: InputIssue, source: string): InputIssue | undefined {
  const grid = /^plan\.grid\['([^']+)'\]\[(\d+)\]$/.exec(i.source);
  if (grid !== null) return { source, path: ['plan', 'grid', grid[1] as string, Number(grid[2])], message: `${i.path.join('.')}: ${i.message}` };
  const profile = /^plan\.profiles\[(\d+)\]\.name$/.exec(i.source);
  if (profile !== null) return { source, path: ['plan', 'profiles', Number(profile[1]), 'name'], message: i.message };
  if (i.source === 'plan.search') return { source, path: ['plan', 'search', 'path'], message: `${i.path.join('.')}: ${i.message}` };
  return undefined;
}

/** A fault time past the end of the run is a mistake in the plan. */
function faultTimeIssues(spec: PlanSpec, e: Experiment, source: string): InputIssue[] {
  return spec.faults.flatMap((f, k) => {
    if (typeof f === 'string') return [];
    const [kind, opts] = onlyEntry(f) as [string, { atMs?: number }];
    return opts.atMs !== undefined && opts.atMs >= e.durationMs ? [{ source, path: ['plan', 'faults', k, kind, 'atMs'], message: `expected a time before the end of the run (durationMs ${String(e.durationMs)}), got ${String(opts.atMs)}` }] : [];
  });
}

/** The mean session of a client, Infinity for `forever`. */
function sessionMean(e: Experiment): number {
  const s = e.clients.sessionMs as unknown;
  if (s === 'forever') return Number.POSITIVE_INFINITY;
  return distributionMean(s);
}


const fmt = (x: number): string => (Number.isInteger(x) ? x.toLocaleString('en-US') : x.toLocaleString('en-US', { maximumFractionDigits: 3 }));

/** The answer in one sentence. */
export function planSentence(r: PlanResult): string {
  const under = `${String(r.slos.length)} SLO${r.slos.length === 1 ? '' : 's'} under ${r.faults.map((f) => f.label).join(', ')} with ${String(Math.round(r.confidence * 100))} % confidence`;
  if (r.answer === null) {
    const n = r.nextCheaper;
    const why = n === null ? '' : `: at ${r.search.path} = ${fmt(n.value)}, ${n.metric} is ${fmt(n.mean)}${n.verdict === 'unclear' ? ` ± ${fmt(n.ci ?? 0)}, not shown to hold,` : ''} under ${(r.faults[n.fault] as PlanFault).label} (bound ${fmt(n.bound)})`;
    return `No configuration tried meets ${under}${why}.`;
  }
  const c = r.configs[r.answer.config] as PlanConfig;
  const what = `${r.search.path} = ${fmt(r.answer.value)}${r.configs.length > 1 || Object.keys(c.settings).length > 0 ? ` with ${c.label}` : ''}`;
  const objective = r.objective === 'cost' ? ` at ${fmt(r.answer.cost)} per hour` : r.objective === 'servers' && r.search.path !== 'fleet.servers' ? ` (${fmt(r.answer.cost)} servers)` : '';
  const theory = r.theory.configs[r.answer.config]?.value;
  const versus = theory === undefined ? '' : theory === r.answer.value ? '; theory alone gives the same' : `; theory alone asks for ${fmt(theory)}`;
  return `The cheapest fleet that meets ${under} is ${what}${objective}${versus}.`;
}

/** The chosen fleet as an experiment `wsfleet run` reproduces: the workload without the plan, the chosen settings filled in. */
function chosenExperimentYaml(e: Experiment, r: PlanResult): string {
  const { plan: _plan, ...rest } = e;
  const header = [
    `# The fleet wsfleet plan chose for '${r.name}': ${r.sentence}`,
    '# The workload without faults; the plan judged it under each of these as well:',
    ...r.faults.map((f) => `#   ${f.label}`),
  ].join('\n');
  return `${header}\n${resolvedExperimentYaml({ ...rest, name: `${e.name}-chosen` } as Experiment)}`;
}
