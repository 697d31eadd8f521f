import type { Admission } from './types.js';
import { thresholdPolicy, type RetryAfterOptions } from './refusal.js';

export interface MemoryThresholdOptions extends RetryAfterOptions {
  /** Share of the memory limit, in (0, 1], at which to refuse. @default 0.9 */
  share: number;
}

/** Refuses with 'memory' while memory use is at or above share × the memory limit (never when unlimited). */
export function createMemoryThreshold(options: MemoryThresholdOptions): Admission {
  const { share } = options;
  return thresholdPolicy('memory-threshold', 'memory', options, (view) => view.memoryBytes >= share * view.memoryLimitBytes);
}
