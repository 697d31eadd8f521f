import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { baselineHold, type HoldParams } from './hold.js';
import { median, round, timed, type Comparison, type Trial } from './measure.js';
import { makeRow, type BenchRow, type Goal } from './report.js';
import { fleet100kConfig, type FleetChildReport } from './fleet-config.js';

/** The targets for one virtual hour of the 100k fleet on this machine (README, Benchmarks). */
const MAX_WALL_MS = 15_000;
const MAX_RSS_BYTES = 1e9;

const fleetGoal: Goal = {
  text: '< 15 s wall, < 1 GB RSS',
  met: (r) => (r.wallMs ?? Infinity) < MAX_WALL_MS && (r.peakRssBytes ?? Infinity) < MAX_RSS_BYTES,
};

/** About the fleet's pending timers: a client timer and a heartbeat timer per connected client. */
const BASELINE: HoldParams = { pending: 200_000, meanDelayMs: 1000, seed: 4 };

/** The baseline heap's hold model at the fleet's heap size: a warm-up, then five timed chunks of 1 M events. */
export function baselineTrials(): Trial[] {
  const model = baselineHold(BASELINE);
  model.run(200_000);
  return Array.from({ length: 5 }, () => timed(() => model.run(1_000_000)));
}

/** Runs bench/fleet-child.ts in a fresh node (same loader flags, so tsx works) and parses its report. */
function runChild(): FleetChildReport {
  const entry = fileURLToPath(new URL('./fleet-child.ts', import.meta.url));
  const child = spawnSync(process.execPath, [...process.execArgv, entry], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (child.error !== undefined) throw child.error;
  if (child.status !== 0) throw new Error(`bench/fleet-child.ts failed: exit ${String(child.status)}, signal ${String(child.signal)}`);
  const line = child.stdout.trim().split('\n').pop() ?? '';
  const report = JSON.parse(line) as FleetChildReport;
  for (const key of ['wallMs', 'maxRssKiB', 'events', 'virtualMs', 'connectedFinal'] as const) {
    if (typeof report[key] !== 'number') throw new Error(`bench/fleet-child.ts printed no numeric ${key}: ${line}`);
  }
  return report;
}

/**
 * One virtual hour of the 100k-client fleet, once, in a child process so its peak RSS is its own.
 * The baseline is the baseline heap's hold model at a similar heap size, run just before in this
 * process, so the ratio stays comparable across machines and loads.
 */
export function fleetBench(): BenchRow[] {
  const base = baselineTrials();
  const report = runChild();
  const durationMs = fleet100kConfig().durationMs;
  if (report.virtualMs !== durationMs) {
    throw new Error(`fleet-100k simulated ${String(report.virtualMs)} ms of virtual time, expected ${String(durationMs)}`);
  }
  const rate = (t: Trial): number => (t.events / t.ms) * 1000;
  const eventsPerSec = (report.events / report.wallMs) * 1000;
  const baselineEventsPerSec = median(base.map(rate));
  const c: Comparison = {
    baselineEventsPerSec,
    eventsPerSec,
    ratio: eventsPerSec / baselineEventsPerSec,
    eventsPerRun: report.events,
    totalEvents: report.events,
    engineMs: [round(report.wallMs, 1)],
    baselineMs: base.map((t) => round(t.ms, 1)),
    checksMatch: null,
  };
  return [
    makeRow('fleet-100k', c, fleetGoal, {
      wallMs: round(report.wallMs, 1),
      peakRssBytes: report.maxRssKiB * 1024,
      virtualMs: report.virtualMs,
      clientsConnected: report.connectedFinal,
    }),
  ];
}
