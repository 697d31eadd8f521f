import type { Backoff } from './types.js';
import { exponentialCeilingMs, retrying, type AttemptLimitOptions } from './limits.js';

export interface EqualJitterOptions extends AttemptLimitOptions {
  baseMs: number;
  capMs: number;
}

/**
 * Half the ceiling plus uniform(0, half): AWS "equal jitter", uniform in [c/2, c) for
 * c = min(cap, base × 2^(attempt−1)). Never retries sooner than half the ceiling.
 */
export function createEqualJitter(options: EqualJitterOptions): Backoff {
  const { baseMs, capMs } = options;
  return retrying('equal-jitter', options, (attempt, _previousDelayMs, rng) => {
    const halfMs = exponentialCeilingMs(attempt, baseMs, capMs) / 2;
    return halfMs + rng.next() * halfMs;
  });
}
