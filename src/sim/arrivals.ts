import type { Rng } from '../engine/index.js';
import type { ArrivalSpec } from './config.js';

/** Yields arrival times one at a time, so only the next arrival sits in the event queue. */
export interface ArrivalProcess {
  /** The next arrival after `nowMs`, or Infinity when no more clients come. */
  next(nowMs: number): number;
}

export function createArrivals(spec: ArrivalSpec, rng: Rng): ArrivalProcess {
  if (spec.kind === 'poisson') {
    const meanGapMs = 1000 / spec.ratePerSec;
    let first = true;
    return {
      next(nowMs) {
        const from = first ? spec.startMs : nowMs;
        first = false;
        const t = from - meanGapMs * Math.log(1 - rng.next());
        return t < spec.stopMs ? t : Infinity;
      },
    };
  }
  // N uniform arrival times over the window, generated in order: given k of N placed,
  // the next is the minimum of N−k uniforms on what remains of the window.
  const endMs = spec.startMs + spec.overMs;
  let left = spec.clients;
  let lastMs = spec.startMs;
  return {
    next() {
      if (left === 0) return Infinity;
      lastMs += (endMs - lastMs) * (1 - Math.pow(1 - rng.next(), 1 / left));
      left--;
      return lastMs;
    },
  };
}
