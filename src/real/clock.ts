import { performance } from 'node:perf_hooks';
import seedrandom from 'seedrandom';
import type { Rng } from '../strategies/index.js';

/** A wall clock in ms since the run's start, the same in every process of the run (one machine, one epoch). */
export function runClock(startEpochMs: number): () => number {
  return () => performance.timeOrigin + performance.now() - startEpochMs;
}

/** The current time as epoch ms with sub-ms resolution. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** A seeded stream (seedrandom alea): the real adapters draw as the sim does, from named keys. */
export function seededRng(key: string): Rng {
  return { next: seedrandom.alea(key) };
}
