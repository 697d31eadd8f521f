import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median, round, type Comparison, type Trial } from './measure.js';

/**
 * Runs a bench script (a path relative to bench/) in a fresh node with the same loader flags, so
 * tsx works and the child's peak RSS is its own, and parses the JSON report it prints as its last
 * line; each of `numeric` must be a number there.
 */
export function runBenchChild<R>(script: string, args: readonly string[], numeric: readonly (keyof R & string)[]): R {
  const entry = fileURLToPath(new URL(`./${script}`, import.meta.url));
  const child = spawnSync(process.execPath, [...process.execArgv, entry, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const what = ['bench/' + script, ...args].join(' ');
  if (child.error !== undefined) throw child.error;
  if (child.status !== 0) throw new Error(`${what} failed: exit ${String(child.status)}, signal ${String(child.signal)}`);
  const line = child.stdout.trim().split('\n').pop() ?? '';
  const report = JSON.parse(line) as Record<string, unknown>;
  for (const key of numeric) {
    if (typeof report[key] !== 'number' || Number.isNaN(report[key])) throw new Error(`${what} printed no numeric ${key}: ${line}`);
  }
  return report as R;
}

/** One child run of `events` events in `wallMs` against the baseline trials run just before in this process. */
/**
 * A fast path against the exact one, each run once: rates are counts (events or deliveries) per
 * second of wall time, and the ratio is the speed-up, exact wall time over fast.
 */
export function speedUpComparison(exact: { count: number; wallMs: number }, fast: { count: number; wallMs: number }, checksMatch: boolean): Comparison {
  return {
    baselineEventsPerSec: (exact.count / exact.wallMs) * 1000,
    eventsPerSec: (fast.count / fast.wallMs) * 1000,
    ratio: exact.wallMs / fast.wallMs,
    eventsPerRun: fast.count,
    totalEvents: fast.count,
    engineMs: [round(fast.wallMs, 1)],
    baselineMs: [round(exact.wallMs, 1)],
    checksMatch,
  };
}

export function childComparison(base: readonly Trial[], events: number, wallMs: number): Comparison {
  const rate = (t: Trial): number => (t.events / t.ms) * 1000;
  const eventsPerSec = (events / wallMs) * 1000;
  const baselineEventsPerSec = median(base.map(rate));
  return {
    baselineEventsPerSec,
    eventsPerSec,
    ratio: eventsPerSec / baselineEventsPerSec,
    eventsPerRun: events,
    totalEvents: events,
    engineMs: [round(wallMs, 1)],
    baselineMs: base.map((t) => round(t.ms, 1)),
    checksMatch: null,
  };
}
