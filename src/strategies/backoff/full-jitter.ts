import type { Backoff } from './types.js';
import { exponentialCeilingMs } from './limits.js';

export interface FullJitterOptions {
  baseMs: number;
  capMs: number;
  maxAttempts: number;
}

/** Uniform in [0, min(cap, base × 2^(attempt−1))): AWS "full jitter". */
export function createFullJitter(options: FullJitterOptions): Backoff {
  const { baseMs, capMs, maxAttempts } = options;
  return {
    name: 'full-jitter',
    next(attempt, _previousDelayMs, rng) {
      if (maxAttempts > 0 && attempt > maxAttempts) return null;
      return rng.next() * exponentialCeilingMs(attempt, baseMs, capMs);
    },
  };
}
