import type { Rng } from '../types.js';

/** Decides how long a client waits before reconnect attempt number `attempt`. */
export interface Backoff {
  readonly name: string;
  /**
   * The delay before retry `attempt` (1 for the first retry after a drop or failure),
   * given the previous delay (0 before the first retry), or null to give up.
   */
  next(attempt: number, previousDelayMs: number, rng: Rng): number | null;
}
