import { performance } from 'node:perf_hooks';

/** A wall clock in ms since the run's start, the same in every process of the run (one machine, one epoch). */
export function runClock(startEpochMs: number): () => number {
  return () => performance.timeOrigin + performance.now() - startEpochMs;
}

/** The current time as epoch ms with sub-ms resolution. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

