import { describe, expect, it } from 'vitest';
import { RngStreams } from '../../src/engine/rng.js';
import { create, fleetOf, request } from './balancer-fixtures.js';

const picks = 10_000;
/** Nine backends healthy for long, and backend 9 healthy since time 0. */
const fleet = fleetOf(10, (id) => ({ healthySinceMs: id === 9 ? 0 : -1e9 }));

/** Backend 9's picks over its fair share (picks / 10), for picks spread evenly over [fromMs, toMs). */
function newcomerShareOfFair(inner: string, fromMs: number, toMs: number): number {
  const balancer = create('slow-start', { inner, durationMs: 30_000, minWeightShare: 0.1 });
  const rng = new RngStreams(7).stream('balancer');
  let newcomer = 0;
  for (let k = 0; k < picks; k++) {
    const nowMs = fromMs + ((toMs - fromMs) * k) / picks;
    if (balancer.pick(request(k), fleet, { nowMs, rng }) === 9) newcomer++;
  }
  return newcomer / (picks / 10);
}

describe('slow-start', () => {
  // In the first tenth of the window the ramp is at its floor: weight 0.1 against nine of 1, a share of 0.1 / 9.1.
  const floor = 0.1 / 9.1 / 0.1;

  it('gives a just-healthy backend about minWeightShare of its fair share under weighted-round-robin', () => {
    expect(newcomerShareOfFair('weighted-round-robin', 0, 3000)).toBeCloseTo(floor, 2);
  });

  it('gives a just-healthy backend about minWeightShare of its fair share under random', () => {
    // About 110 picks expected, binomial sd 10.4: ±0.04 is about 4 sd.
    expect(Math.abs(newcomerShareOfFair('random', 0, 3000) - floor)).toBeLessThan(0.04);
  });

  it('ramps linearly: half the weight at half the window', () => {
    expect(newcomerShareOfFair('weighted-round-robin', 15_000, 15_000)).toBeCloseTo(0.5 / 9.5 / 0.1, 2);
  });

  it('gives the full share after the window', () => {
    expect(newcomerShareOfFair('weighted-round-robin', 30_000, 60_000)).toBeCloseTo(1, 2);
    // 1000 picks expected, binomial sd 30: ±0.12 is 4 sd.
    expect(Math.abs(newcomerShareOfFair('random', 30_000, 60_000) - 1)).toBeLessThan(0.12);
  });

  it('has no effect on a weight-blind inner balancer (round-robin)', () => {
    expect(newcomerShareOfFair('round-robin', 0, 3000)).toBe(1);
  });
});
