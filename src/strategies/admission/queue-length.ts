import type { Admission } from './types.js';
import { thresholdPolicy, type RetryAfterOptions } from './refusal.js';

export interface QueueLengthOptions extends RetryAfterOptions {
  /** Jobs waiting for a core at which to refuse. @default 1000 */
  limit: number;
}

/**
 * Refuses with 'queue' while at least `limit` jobs wait for a core: shedding on queueing delay,
 * the cheapest overload signal in a single-threaded server, and one that reacts before a CPU average does.
 */
export function createQueueLength(options: QueueLengthOptions): Admission {
  const { limit } = options;
  return thresholdPolicy('queue-length', 'queue', options, (view) => view.queuedWork >= limit);
}
