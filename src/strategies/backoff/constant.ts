import type { Backoff } from './types.js';
import { limited } from './limits.js';

/** Retries after the same delay every time. */
export function createConstant(options: { delayMs: number; maxAttempts: number }): Backoff {
  const next = limited(options.maxAttempts, () => options.delayMs);
  return { name: 'constant', next: (attempt) => next(attempt) };
}
