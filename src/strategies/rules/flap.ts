import type { Rng } from '../types.js';
import { log } from '../../numeric/fmath.js';

/**
 * When a connected client's network next drops: flaps are a Poisson process of `flapsPerHour`
 * per connected hour, so the gap is exponential. Infinity (and no draw) without flaps.
 */
export function nextFlapAtMs(nowMs: number, flapsPerHour: number, rng: Rng): number {
  return flapsPerHour > 0 ? nowMs - (3_600_000 / flapsPerHour) * log(1 - rng.next()) : Infinity;
}
