import type { Backoff } from './types.js';
import { exponentialCeilingMs, retrying, type AttemptLimitOptions } from './limits.js';

export interface FullJitterOptions extends AttemptLimitOptions {
  baseMs: number;
  capMs: number;
}

/** Uniform in [0, min(cap, base × 2^(attempt−1))): AWS "full jitter". */
export function createFullJitter(options: FullJitterOptions): Backoff {
  const { baseMs, capMs } = options;
  return retrying('full-jitter', options, (attempt, _previousDelayMs, rng) => rng.next() * exponentialCeilingMs(attempt, baseMs, capMs));
}
