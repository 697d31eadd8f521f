import type { Rng } from '../types.js';

/** Decides how long a client waits before reconnect attempt number `attempt`. */
export interface Backoff {
  readonly name: string;
  /**
   * The delay before retry `attempt` (1 for the first retry after a drop or failure),
   * given the previous delay (0 before the first retry), or null to give up.
   * `retryAfterMs` is a server refusal's retry-after hint: unless the strategy's options say
   * `honourRetryAfter: false`, the delay is at least that long.
   */
  next(attempt: number, previousDelayMs: number, rng: Rng, retryAfterMs?: number): number | null;
}
