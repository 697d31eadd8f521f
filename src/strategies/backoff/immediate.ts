import type { Backoff } from './types.js';
import { limited } from './limits.js';

/** Retries at once, every time: the reconnect storm's best friend. */
export function createImmediate(options: { maxAttempts: number }): Backoff {
  const next = limited(options.maxAttempts, () => 0);
  return { name: 'immediate', next: (attempt) => next(attempt) };
}
