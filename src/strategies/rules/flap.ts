import type { Rng } from '../types.js';

/**
 * When a connected client's network next drops: flaps are a Poisson process of `flapsPerHour`
 * per connected hour, so the gap is exponential. Infinity (and no draw) without flaps.
 */
export function nextFlapAtMs(nowMs: number, flapsPerHour: number, rng: Rng): number {
  return flapsPerHour > 0 ? nowMs - (3_600_000 / flapsPerHour) * Math.log(1 - rng.next()) : Infinity;
}
