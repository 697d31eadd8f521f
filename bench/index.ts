import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { compare, round, timed, type Plan, type RunResult, type Trial } from './measure.js';
import { formatTable, makeRow, type BenchRow, type Goal, type MemoryFields } from './report.js';
import { baselineMm1, engineMm1, engineMm1Timers, type Mm1Params } from './mm1.js';
import { baselineHold, engineHoldAt, engineHoldTimer, type HoldParams, type Prepared } from './hold.js';
import { baselineChurn, engineChurn, type ChurnParams } from './churn.js';
import { fleetBench } from './fleet.js';
import { baselineHeartbeat, engineHeartbeatLane, engineHeartbeatTimer, type HeartbeatParams } from './heartbeat.js';
import { fanoutBench } from './fanout.js';
import { million100kBench, millionBench } from './million.js';

const CHILD_FLAG = 'WSFLEET_BENCH_CHILD';

/** Re-runs this script under --expose-gc (keeping tsx's loader flags) when gc is not exposed; returns the exit code. */
function respawnWithGc(): number | null {
  if (globalThis.gc !== undefined || process.env[CHILD_FLAG] === '1') return null;
  const args = [...process.execArgv, '--expose-gc', ...process.argv.slice(1)];
  const child = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, [CHILD_FLAG]: '1' } });
  return child.status ?? 1;
}

const atLeastRatio = (min: number): Goal => ({ text: `ratio >= ${String(min)}`, met: (r) => r.ratio >= min });

const holdGoal: Goal = {
  text: '>= 1.5 M ev/s, <= 100 B/timer',
  met: (r) => r.eventsPerSec >= 1.5e6 && (r.bytesPerPendingTimer ?? Infinity) <= 100,
};

/** A trial that times one fresh run of `model(params)`. */
const fresh =
  <P>(model: (params: P) => RunResult, params: P) =>
  (): Trial =>
    timed(() => model(params));

/** M/M/1 at utilisation 0.9, 1.5 M customers (3 M events), via one-shot `after` and via two reusable timers. */
function mm1Bench(): BenchRow[] {
  const p: Mm1Params = { lambda: 0.9, mu: 1, customers: 1_500_000, seed: 1 };
  const warm: Mm1Params = { ...p, customers: 100_000 };
  compare({ pairs: 2, budgetMs: Infinity }, fresh(baselineMm1, warm), [engineMm1, engineMm1Timers].map((m) => fresh(m, warm)));
  const plan: Plan = { pairs: 7, budgetMs: 8000 };
  const [after, timers] = compare(plan, fresh(baselineMm1, p), [fresh(engineMm1, p), fresh(engineMm1Timers, p)]);
  const rows: BenchRow[] = [];
  if (after !== undefined) rows.push(makeRow('mm1', after, atLeastRatio(0.7)));
  if (timers !== undefined) rows.push(makeRow('mm1-timer', timers, atLeastRatio(0.7)));
  return rows;
}

/** Runs chunks of `events` events on prepared hold models, alternating baseline and engines. */
function holdChunks(models: readonly Prepared[], events: number, plan: Plan): ReturnType<typeof compare> {
  const [base, ...engines] = models.map((m) => (): Trial => timed(() => m.run(events)));
  return base === undefined ? [] : compare(plan, base, engines);
}

/**
 * Models with `p.pending` pending timers against the baseline heap: one untimed warm-up at 20,000
 * timers, then (after one full round of firings when `fullRound`, so that every lane timer has left
 * the heap its phases started in) 5 chunks of 1 M events; a row per engine model, named by `names`.
 */
function pendingTimerBench<P extends { pending: number }>(
  builders: readonly ((params: P) => Prepared)[],
  p: P,
  names: readonly string[],
  goal: Goal | null,
  fullRound: boolean,
): BenchRow[] {
  holdChunks(
    builders.map((b) => b({ ...p, pending: 20_000 })),
    200_000,
    { pairs: 1, budgetMs: Infinity },
  );
  const models = builders.map((b) => b(p));
  if (fullRound) for (const m of models) m.run(p.pending);
  const [base, ...engines] = models;
  const comparisons = holdChunks(models, 1_000_000, { pairs: 5, budgetMs: 10_000 });
  const memory = (m: Prepared | undefined): MemoryFields => ({
    pendingTimers: p.pending,
    bytesPerPendingTimer: round(m?.bytesPerPendingTimer ?? NaN, 1),
    baselineBytesPerPendingTimer: round(base?.bytesPerPendingTimer ?? NaN, 1),
  });
  return comparisons.map((c, k) => makeRow(names[k] as string, c, goal, memory(engines[k])));
}

/** The hold model with 1 M pending timers, via one-shot `at` and via reusable timers. */
function holdBench(): BenchRow[] {
  const p: HoldParams = { pending: 1_000_000, meanDelayMs: 1000, seed: 2 };
  return pendingTimerBench([baselineHold, engineHoldAt, engineHoldTimer], p, ['hold-1M', 'hold-1M-timer'], holdGoal, false);
}

/**
 * 1 M connections with a 25 s heartbeat timer each, after one untimed round: re-armed in the heap
 * (`setTimer`) and on a lane, against the baseline heap in the same run.
 */
function heartbeatBench(): BenchRow[] {
  const p: HeartbeatParams = { pending: 1_000_000, intervalMs: 25_000, seed: 4 };
  return pendingTimerBench([baselineHeartbeat, engineHeartbeatTimer, engineHeartbeatLane], p, ['heartbeat-1M-timer', 'heartbeat-1M-lane'], null, true);
}

/** 1 M reusable timers, each moved 10 times, then drained (11 M units of work); `purge` picks the baseline. */
function churnBench(purge: boolean): BenchRow[] {
  const p: ChurnParams = { timers: 1_000_000, resets: 10, horizonMs: 1_000_000, seed: 3 };
  const warm: ChurnParams = { ...p, timers: 20_000 };
  const trial = (prepare: (q: ChurnParams) => () => RunResult, q: ChurnParams) => (): Trial => timed(prepare(q));
  const baseline = (q: ChurnParams): (() => RunResult) => baselineChurn(q, purge);
  compare({ pairs: 1, budgetMs: Infinity }, trial(baseline, warm), [trial(engineChurn, warm)]);
  const [c] = compare({ pairs: 3, budgetMs: 8000 }, trial(baseline, p), [trial(engineChurn, p)]);
  const name = purge ? 'timer-churn' : 'timer-churn-nopurge';
  return c === undefined ? [] : [makeRow(name, c, null, { pendingTimers: p.timers })];
}

const BENCHES: Record<string, () => BenchRow[]> = {
  mm1: mm1Bench,
  hold: holdBench,
  heartbeat: heartbeatBench,
  churn: () => churnBench(true),
  'churn-nopurge': () => churnBench(false),
  fleet: fleetBench,
  fanout: fanoutBench,
  million: millionBench,
  'million-100k': million100kBench,
};

/**
 * Benchmarks run when `--only` is not given; churn-nopurge alone takes about 10 s; heartbeat about
 * 15 s; fleet about 16 s; fanout about 40 s; million a few minutes; million-100k runs the exact
 * fan-out for a virtual hour at 100,000 clients, about 10 minutes here.
 */
const DEFAULT = ['mm1', 'hold', 'heartbeat', 'churn', 'fleet', 'fanout', 'million', 'million-100k'];

/** Runs the benchmarks named by `--only=a,b` and prints a table or one JSON object per line. */
function main(argv: readonly string[]): void {
  const json = argv.includes('--json');
  const only = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
  if (globalThis.gc === undefined) console.error('note: gc not exposed; memory figures include garbage');
  const rows: BenchRow[] = [];
  for (const name of only ?? DEFAULT) {
    const bench = BENCHES[name];
    if (bench === undefined) throw new Error(`Unknown benchmark ${name}; expected one of ${Object.keys(BENCHES).join(', ')}`);
    const started = performance.now();
    const produced = bench();
    rows.push(...produced);
    if (json) for (const row of produced) console.log(JSON.stringify(row));
    else console.error(`${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  if (!json) console.log(formatTable(rows));
}

const exitCode = respawnWithGc();
if (exitCode === null) main(process.argv.slice(2));
else process.exitCode = exitCode;
