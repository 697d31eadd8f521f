import type { Rng } from '../types.js';
import { pow } from '../../numeric/fmath.js';

/** Cumulative Zipf probabilities over n channels with exponent s (0: uniform); the last is exactly 1. */
export function zipfCdf(n: number, s: number): Float64Array {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) sum += 1 / pow(k + 1, s);
  let acc = 0;
  for (let k = 0; k < n; k++) {
    acc += 1 / pow(k + 1, s) / sum;
    cdf[k] = acc;
  }
  cdf[n - 1] = 1;
  return cdf;
}

/**
 * A client's `count` distinct channels by popularity: a channel it already has is drawn again (at most 64 times),
 * then the lowest free channel is taken. Both worlds give each client its subscriptions this way.
 */
export function pickDistinct(cdf: ArrayLike<number>, count: number, rng: Rng): number[] {
  const chosen: number[] = [];
  for (let k = 0; k < count; k++) {
    let channel = pickByCdf(cdf, rng);
    for (let tries = 0; chosen.includes(channel) && tries < 64; tries++) channel = pickByCdf(cdf, rng);
    if (chosen.includes(channel)) for (channel = 0; chosen.includes(channel); ) channel++;
    chosen.push(channel);
  }
  return chosen;
}

/** The first index whose cumulative probability exceeds one draw: a channel by popularity. */
export function pickByCdf(cdf: ArrayLike<number>, rng: Rng): number {
  const u = rng.next();
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cdf[mid] as number) > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
