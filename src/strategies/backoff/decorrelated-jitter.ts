import type { Backoff } from './types.js';
import { retrying, type AttemptLimitOptions } from './limits.js';

export interface DecorrelatedJitterOptions extends AttemptLimitOptions {
  baseMs: number;
  capMs: number;
}

/**
 * AWS "decorrelated jitter": min(cap, uniform(base, 3 × previous)), where previous is the last
 * delay, and base before the first retry (or if the caller passes less than base).
 * Past the first retry it depends on the previous delay, not on the attempt number.
 */
export function createDecorrelatedJitter(options: DecorrelatedJitterOptions): Backoff {
  const { baseMs, capMs } = options;
  return retrying('decorrelated-jitter', options, (attempt, previousDelayMs, rng) => {
    const previousMs = attempt <= 1 ? baseMs : Math.max(baseMs, previousDelayMs);
    return Math.min(capMs, baseMs + rng.next() * (3 * previousMs - baseMs));
  });
}
