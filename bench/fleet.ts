import { childComparison, runBenchChild, speedUpComparison } from './child.js';
import { baselineHold, type HoldParams } from './hold.js';
import { round, timed, type Trial } from './measure.js';
import { makeRow, type BenchRow, type Goal } from './report.js';
import { fleet100kConfig, type FleetChildReport } from './fleet-config.js';

/** The targets for one virtual hour of the 100k fleet on this machine (README, Benchmarks). */
const MAX_WALL_MS = 15_000;
const MAX_RSS_BYTES = 1e9;

const fleetGoal: Goal = {
  text: '< 15 s wall, < 1 GB RSS',
  met: (r) => (r.wallMs ?? Infinity) < MAX_WALL_MS && (r.peakRssBytes ?? Infinity) < MAX_RSS_BYTES,
};

const cohortGoal: Goal = {
  text: '< 5 s wall (heartbeatModel: cohort)',
  met: (r) => (r.wallMs ?? Infinity) < 5_000,
};

/** About the fleet's pending timers: a client timer and a heartbeat timer per connected client. */
const BASELINE: HoldParams = { pending: 200_000, meanDelayMs: 1000, seed: 4 };

/** The baseline heap's hold model at the fleet's heap size: a warm-up, then five timed chunks of 1 M events. */
export function baselineTrials(): Trial[] {
  const model = baselineHold(BASELINE);
  model.run(200_000);
  return Array.from({ length: 5 }, () => timed(() => model.run(1_000_000)));
}

/**
 * One virtual hour of the 100k-client fleet, once, in a child process so its peak RSS is its own.
 * The baseline is the baseline heap's hold model at a similar heap size, run just before in this
 * process, so the ratio stays comparable across machines and loads.
 */
export function fleetBench(): BenchRow[] {
  const base = baselineTrials();
  const report = runBenchChild<FleetChildReport>('fleet-child.ts', [], ['wallMs', 'maxRssKiB', 'events', 'virtualMs', 'connectedFinal']);
  const durationMs = fleet100kConfig().durationMs;
  if (report.virtualMs !== durationMs) {
    throw new Error(`fleet-100k simulated ${String(report.virtualMs)} ms of virtual time, expected ${String(durationMs)}`);
  }
  const c = childComparison(base, report.events, report.wallMs);
  const fast = runBenchChild<FleetChildReport>('fleet-child.ts', ['cohort'], ['wallMs', 'maxRssKiB', 'events', 'virtualMs', 'connectedFinal']);
  // The cohort heartbeat's row: its ratio is its speed-up over the per-connection run just before.
  const speedUp = speedUpComparison({ count: report.events, wallMs: report.wallMs }, { count: fast.events, wallMs: fast.wallMs }, fast.connectedFinal === report.connectedFinal);
  return [
    makeRow('fleet-100k', c, fleetGoal, {
      wallMs: round(report.wallMs, 1),
      peakRssBytes: report.maxRssKiB * 1024,
      virtualMs: report.virtualMs,
      clientsConnected: report.connectedFinal,
    }),
    makeRow('fleet-100k-cohort', speedUp, cohortGoal, {
      wallMs: round(fast.wallMs, 1),
      peakRssBytes: fast.maxRssKiB * 1024,
      virtualMs: fast.virtualMs,
      clientsConnected: fast.connectedFinal,
    }),
  ];
}
