import type { Admission } from './types.js';
import { thresholdPolicy, type RetryAfterOptions } from './refusal.js';

export interface CpuThresholdOptions extends RetryAfterOptions {
  /** CPU utilisation in (0, 1] at which to refuse. @default 0.85 */
  threshold: number;
}

/** Refuses with 'cpu' while the recent CPU utilisation is at or above the threshold. */
export function createCpuThreshold(options: CpuThresholdOptions): Admission {
  const { threshold } = options;
  return thresholdPolicy('cpu-threshold', 'cpu', options, (view) => view.cpuLoad >= threshold);
}
