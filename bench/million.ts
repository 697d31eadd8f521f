import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { baselineTrials } from './fleet.js';
import { median, round, type Comparison, type Trial } from './measure.js';
import type { MillionChildReport } from './million-child.js';
import { makeRow, type BenchRow, type Goal } from './report.js';

const millionGoal: Goal = {
  text: '< 60 s wall, < 4 GB RSS',
  met: (r) => (r.wallMs ?? Infinity) < 60_000 && (r.peakRssBytes ?? Infinity) < 4e9,
};

/** Runs bench/million-child.ts in a fresh node (same loader flags, so tsx works) and parses its report. */
function runChild(scale: number, fanout: 'cohort' | 'batched'): MillionChildReport {
  const entry = fileURLToPath(new URL('./million-child.ts', import.meta.url));
  const child = spawnSync(process.execPath, [...process.execArgv, entry, String(scale), fanout], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (child.error !== undefined) throw child.error;
  if (child.status !== 0) throw new Error(`bench/million-child.ts ${String(scale)} ${fanout} failed: exit ${String(child.status)}, signal ${String(child.signal)}`);
  const line = child.stdout.trim().split('\n').pop() ?? '';
  const report = JSON.parse(line) as MillionChildReport;
  for (const key of ['wallMs', 'maxRssKiB', 'events', 'delivered', 'virtualMs', 'clients'] as const) {
    if (typeof report[key] !== 'number' || Number.isNaN(report[key])) throw new Error(`bench/million-child.ts printed no numeric ${key}: ${line}`);
  }
  if (report.virtualMs !== 3_600_000) throw new Error(`million simulated ${String(report.virtualMs)} ms of virtual time, expected one hour`);
  return report;
}

const perSec = (count: number, ms: number): number => (count / ms) * 1000;

/**
 * experiments/million.yaml at full size (a million clients, one virtual hour, about 3.6 G deliveries),
 * once, in a child process. Its ratio is events/s against the baseline heap's hold model run just
 * before in this process, as fleet-100k's is.
 */
export function millionBench(): BenchRow[] {
  const base = baselineTrials();
  const r = runChild(1, 'cohort');
  const rate = (t: Trial): number => (t.events / t.ms) * 1000;
  const eventsPerSec = perSec(r.events, r.wallMs);
  const baselineEventsPerSec = median(base.map(rate));
  const c: Comparison = {
    baselineEventsPerSec,
    eventsPerSec,
    ratio: eventsPerSec / baselineEventsPerSec,
    eventsPerRun: r.events,
    totalEvents: r.events,
    engineMs: [round(r.wallMs, 1)],
    baselineMs: base.map((t) => round(t.ms, 1)),
    checksMatch: null,
  };
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
  ];
}

/**
 * The same experiment at a tenth (100,000 clients, one virtual hour, about 360 M deliveries) with the
 * exact fan-out (`batched`, one write per subscriber) and the cohort fan-out, one after the other.
 * The row's rates are deliveries per second of wall time; the ratio is the cohort's speed-up; the
 * check is that both runs delivered the same messages in the same number of events.
 */
export function million100kBench(): BenchRow[] {
  const exact = runChild(0.1, 'batched');
  const fast = runChild(0.1, 'cohort');
  const c: Comparison = {
    baselineEventsPerSec: perSec(exact.delivered, exact.wallMs),
    eventsPerSec: perSec(fast.delivered, fast.wallMs),
    ratio: exact.wallMs / fast.wallMs,
    eventsPerRun: fast.delivered,
    totalEvents: fast.delivered,
    engineMs: [round(fast.wallMs, 1)],
    baselineMs: [round(exact.wallMs, 1)],
    checksMatch: exact.delivered === fast.delivered && exact.events === fast.events,
  };
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
