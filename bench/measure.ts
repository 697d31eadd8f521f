import { performance } from 'node:perf_hooks';

/** One timed run: how long it took and how many units of work it did. */
export interface Trial {
  ms: number;
  events: number;
  /** A model output that must match between engine and baseline runs of the same seed. */
  check: number;
}

/** What a run function returns before it is timed. */
export interface RunResult {
  events: number;
  check: number;
}

/** Medians of paired runs of the baseline and the engine. */
export interface Comparison {
  baselineEventsPerSec: number;
  eventsPerSec: number;
  ratio: number;
  /** Work per engine trial, and summed over all engine trials. */
  eventsPerRun: number;
  totalEvents: number;
  engineMs: number[];
  baselineMs: number[];
  /** Null when the engine run has no baseline run of the same model to agree with. */
  checksMatch: boolean | null;
}

/** Times `run` with performance.now(), after a garbage collection when one is available. */
export function timed(run: () => RunResult): Trial {
  collectGarbage();
  const start = performance.now();
  const result = run();
  return { ms: performance.now() - start, events: result.events, check: result.check };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const hi = sorted[mid] ?? NaN;
  return sorted.length % 2 === 1 ? hi : ((sorted[mid - 1] ?? NaN) + hi) / 2;
}

/** How many baseline/engine pairs to run: at most `pairs`, stopping early once `budgetMs` would be exceeded. */
export interface Plan {
  pairs: number;
  budgetMs: number;
}

/** Alternates baseline and engine trials and compares the medians of each engine variant. */
export function compare(plan: Plan, baseline: () => Trial, engines: readonly (() => Trial)[]): Comparison[] {
  const base: Trial[] = [];
  const eng = engines.map((): Trial[] => []);
  const start = performance.now();
  for (let i = 0; i < plan.pairs; i++) {
    // Swap the order on odd pairs so neither side always runs first.
    if (i % 2 === 0) base.push(baseline());
    engines.forEach((engine, k) => eng[k]?.push(engine()));
    if (i % 2 === 1) base.push(baseline());
    const elapsed = performance.now() - start;
    if ((elapsed * (i + 2)) / (i + 1) > plan.budgetMs) break;
  }
  return eng.map((trials) => summarize(base, trials));
}

function summarize(base: readonly Trial[], eng: readonly Trial[]): Comparison {
  const rate = (t: Trial): number => (t.events / t.ms) * 1000;
  const baselineEventsPerSec = median(base.map(rate));
  const eventsPerSec = median(eng.map(rate));
  // Trial i of each side does the same work from the same seed, so its output must agree.
  const same = (t: Trial, i: number): boolean => {
    const b = base[i];
    return b !== undefined && t.check === b.check && t.events === b.events;
  };
  return {
    baselineEventsPerSec,
    eventsPerSec,
    ratio: eventsPerSec / baselineEventsPerSec,
    eventsPerRun: eng[0]?.events ?? 0,
    totalEvents: eng.reduce((sum, t) => sum + t.events, 0),
    engineMs: eng.map((t) => round(t.ms, 1)),
    baselineMs: base.map((t) => round(t.ms, 1)),
    checksMatch: eng.length === base.length && eng.every(same),
  };
}

/** Runs a full collection when node was started with --expose-gc. */
export function collectGarbage(): void {
  if (globalThis.gc !== undefined) {
    globalThis.gc();
    globalThis.gc();
  }
}

/** Live heap plus array-buffer bytes, measured after a collection. */
export function liveBytes(): number {
  collectGarbage();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

export function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
