import type { Backoff } from './types.js';
import { exponentialCeilingMs, retrying, type AttemptLimitOptions } from './limits.js';

export interface ExponentialOptions extends AttemptLimitOptions {
  baseMs: number;
  capMs: number;
  factor: number;
}

/** base × factor^(attempt−1), capped, with no jitter: clients that failed together retry together. */
export function createExponential(options: ExponentialOptions): Backoff {
  const { baseMs, capMs, factor } = options;
  return retrying('exponential', options, (attempt) => exponentialCeilingMs(attempt, baseMs, capMs, factor));
}
