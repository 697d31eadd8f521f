import type { Rng } from '../types.js';

/**
 * A client's first-connect delay, uniform in [0, spreadMs), so a fleet started at once does not
 * connect in one instant. A spread of 0 returns 0 without drawing, leaving `rng` untouched.
 */
export function initialDelayMs(spreadMs: number, rng: Rng): number {
  if (!Number.isFinite(spreadMs) || spreadMs < 0) {
    throw new TypeError(`Expected spreadMs to be a finite number from 0 and up, got ${String(spreadMs)}`);
  }
  return spreadMs === 0 ? 0 : rng.next() * spreadMs;
}
