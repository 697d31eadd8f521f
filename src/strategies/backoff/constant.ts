import type { Backoff } from './types.js';
import { retrying, type AttemptLimitOptions } from './limits.js';

export interface ConstantOptions extends AttemptLimitOptions {
  delayMs: number;
}

/** Retries after the same delay every time. */
export function createConstant(options: ConstantOptions): Backoff {
  return retrying('constant', options, () => options.delayMs);
}
