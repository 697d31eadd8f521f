import type { Backoff } from './types.js';
import { retrying, type AttemptLimitOptions } from './limits.js';
import { pow } from '../../numeric/fmath.js';

export interface CentrifugeJsOptions extends AttemptLimitOptions {
  /** Client option `minReconnectDelay`: the floor of every delay and the first ceiling. */
  minReconnectDelayMs: number;
  /** Client option `maxReconnectDelay`: the cap of the ceiling and of every delay. */
  maxReconnectDelayMs: number;
}

/**
 * The centrifuge-js client (centrifuge-js `src/centrifuge.ts` `_getReconnectDelay`, `src/utils.ts`
 * `backoff`). Its defaults are "500 ms to 20 000 ms, full jitter"; the source is not AWS full
 * jitter from 0 but full jitter above the floor, as implemented here:
 *   step = min(attempt − 1, 31); ceiling = min(max, min × 2^step);
 *   delay = min(max, min + ⌊r × (ceiling + 1)⌋)   (`randomInt(0, ceiling)`, both ends included).
 * So delays are whole milliseconds, never below min, uniform on min..min + ceiling, and once
 * min + ceiling passes max the excess collapses onto max (about 2.5 % of draws by default).
 */
export function createCentrifugeJs(options: CentrifugeJsOptions): Backoff {
  const { minReconnectDelayMs: minMs, maxReconnectDelayMs: maxMs } = options;
  return retrying('centrifuge-js', options, (attempt, _previousDelayMs, rng) => {
    const step = Math.min(attempt - 1, 31);
    const ceilingMs = Math.min(maxMs, minMs * pow(2, step));
    return Math.min(maxMs, minMs + Math.floor(rng.next() * (ceilingMs + 1)));
  });
}
