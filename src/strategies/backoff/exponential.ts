import type { Backoff } from './types.js';
import { exponentialCeilingMs, limited } from './limits.js';

export interface ExponentialOptions {
  baseMs: number;
  capMs: number;
  factor: number;
  maxAttempts: number;
}

/** base × factor^(attempt−1), capped, with no jitter: clients that failed together retry together. */
export function createExponential(options: ExponentialOptions): Backoff {
  const { baseMs, capMs, factor } = options;
  const next = limited(options.maxAttempts, (attempt) => exponentialCeilingMs(attempt, baseMs, capMs, factor));
  return { name: 'exponential', next: (attempt) => next(attempt) };
}
