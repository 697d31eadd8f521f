import type { Backoff } from './types.js';
import { retrying, type AttemptLimitOptions } from './limits.js';

/** Retries at once, every time: the reconnect storm's best friend. */
export function createImmediate(options: AttemptLimitOptions): Backoff {
  return retrying('immediate', options, () => 0);
}
