import { childComparison, runBenchChild, speedUpComparison } from './child.js';
import { baselineTrials } from './fleet.js';
import { round } from './measure.js';
import type { MillionChildReport } from './million-child.js';
import { makeRow, type BenchRow, type Goal } from './report.js';

const millionGoal: Goal = {
  text: '< 60 s wall, < 4 GB RSS',
  met: (r) => (r.wallMs ?? Infinity) < 60_000 && (r.peakRssBytes ?? Infinity) < 4e9,
};

/** Runs bench/million-child.ts at `scale` with `fanout`, `heartbeatModel` and the lane worker or not, and checks it simulated the whole hour. */
function runChild(scale: number, fanout: 'cohort' | 'batched', heartbeatModel: 'cohort' | 'per-connection', worker: 'on' | 'off' = 'on'): MillionChildReport {
  const report = runBenchChild<MillionChildReport>('million-child.ts', [String(scale), fanout, heartbeatModel, worker], ['wallMs', 'maxRssKiB', 'events', 'delivered', 'virtualMs', 'clients', 'workerJobs']);
  if (report.virtualMs !== 3_600_000) throw new Error(`million simulated ${String(report.virtualMs)} ms of virtual time, expected one hour`);
  return report;
}

const perSec = (count: number, ms: number): number => (count / ms) * 1000;

/**
 * experiments/million.yaml at full size (a million clients, one virtual hour, about 3.6 G deliveries),
 * in a child process, with the lane worker as `wsfleet run` uses it on two cores, then on one thread.
 * The first row's ratio is events/s against the baseline heap's hold model run just before in this
 * process, as fleet-100k's is; the second row's is the worker's speed-up (one thread's wall time over
 * the worker's), and its check that both runs delivered the same messages in the same events.
 */
export function millionBench(): BenchRow[] {
  const base = baselineTrials();
  const r = runChild(1, 'cohort', 'cohort', 'on');
  const one = runChild(1, 'cohort', 'cohort', 'off');
  const c = childComparison(base, r.events, r.wallMs);
  const split = speedUpComparison({ count: one.delivered, wallMs: one.wallMs }, { count: r.delivered, wallMs: r.wallMs }, one.delivered === r.delivered && one.events === r.events && r.workerJobs > 0);
  return [
    makeRow('million', c, millionGoal, {
      wallMs: round(r.wallMs, 1),
      peakRssBytes: r.maxRssKiB * 1024,
      virtualMs: r.virtualMs,
      clientsConnected: r.connectedFinal,
      deliveriesPerSec: Math.round(perSec(r.delivered, r.wallMs)),
      bytesPerClient: Math.round((r.maxRssKiB * 1024) / r.clients),
      cohortShare: round(r.cohortShare, 4),
    }),
    makeRow('million-one-thread', split, null, {
      wallMs: round(one.wallMs, 1),
      peakRssBytes: one.maxRssKiB * 1024,
      deliveriesPerSec: Math.round(perSec(one.delivered, one.wallMs)),
    }),
  ];
}

/**
 * The same experiment at a tenth (100,000 clients, one virtual hour, about 350 M deliveries) on the
 * exact path (`batched` fan-out, one write per subscriber, and the `per-connection` heartbeat) and
 * on the fast one (cohorts for both), one after the other. The row's rates are deliveries per second
 * of wall time; the ratio is the fast path's speed-up; the check is that both delivered the same
 * messages to within 0.1 % (the cohort heartbeat is not exact: test/sim/heartbeat-cohort.test.ts).
 */
export function million100kBench(): BenchRow[] {
  const exact = runChild(0.1, 'batched', 'per-connection');
  const fast = runChild(0.1, 'cohort', 'cohort');
  const c = speedUpComparison({ count: exact.delivered, wallMs: exact.wallMs }, { count: fast.delivered, wallMs: fast.wallMs }, Math.abs(exact.delivered - fast.delivered) <= 0.001 * exact.delivered);
  return [
    makeRow('million-100k-cohort', c, null, {
      wallMs: round(fast.wallMs, 1),
      peakRssBytes: fast.maxRssKiB * 1024,
      virtualMs: fast.virtualMs,
      clientsConnected: fast.connectedFinal,
      deliveriesPerSec: Math.round(perSec(fast.delivered, fast.wallMs)),
      cohortShare: round(fast.cohortShare, 4),
    }),
  ];
}
