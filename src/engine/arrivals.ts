import type { Rng } from './rng.js';
import { log, pow } from '../numeric/fmath.js';

/** Client arrivals: a Poisson stream, or a ramp of N clients arriving uniformly at random over a window. */
export type ArrivalSpec =
  | { kind: 'poisson'; ratePerSec: number; startMs: number; stopMs: number }
  | { kind: 'ramp'; clients: number; startMs: number; overMs: number };

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
        const t = from - meanGapMs * log(1 - rng.next());
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
      lastMs += (endMs - lastMs) * (1 - pow(1 - rng.next(), 1 / left));
      left--;
      return lastMs;
    },
  };
}

/**
 * Every arrival before `untilMs`, as the sim schedules them (each drawn from the previous one's time), stopping
 * once there are more than `limit`: a caller that gets `limit + 1` times knows the run has too many clients.
 */
export function arrivalTimesMs(spec: ArrivalSpec, rng: Rng, untilMs: number, limit = Infinity): number[] {
  const arrivals = createArrivals(spec, rng);
  const times: number[] = [];
  for (let t = arrivals.next(0); t < untilMs && times.length <= limit; t = arrivals.next(t)) times.push(t);
  return times;
}
