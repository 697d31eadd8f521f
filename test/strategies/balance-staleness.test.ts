import { describe, expect, it } from 'vitest';
import { RngStreams } from '../../src/engine/rng.js';
import { create, fleetOf, maxOverMean, pickAndConnect, counts } from './balancer-fixtures.js';

/**
 * What an experiment on report staleness shows: between two load reports, every pick sees the same
 * numbers. 1,000 picks over 10 backends with frozen reports; max/mean of the connections placed.
 */
function frozenMaxOverMean(name: string, options: Record<string, unknown>, loads: (id: number) => number): number {
  const fleet = fleetOf(10, (id) => ({ reportedLoad: loads(id), reportedAtMs: -5000 }));
  pickAndConnect(create(name, options), fleet, 1000, new RngStreams(11).stream('balancer'));
  return maxOverMean(counts(fleet));
}

const equal = (): number => 0.5;
/** Loads that look equal (0.500 to 0.509) but are not tied. */
const equalLooking = (id: number): number => 0.5 + id / 1000;
const powerOfTwoByLoad = { d: 2, metric: 'load' };

describe('stale load reports, 1,000 picks over 10 backends', () => {
  const figures = {
    leastLoadedEqual: frozenMaxOverMean('least-loaded', {}, equal),
    leastLoadedEqualLooking: frozenMaxOverMean('least-loaded', {}, equalLooking),
    powerOfTwoEqual: frozenMaxOverMean('power-of-d', powerOfTwoByLoad, equal),
    powerOfTwoEqualLooking: frozenMaxOverMean('power-of-d', powerOfTwoByLoad, equalLooking),
    leastConnectionsEqualLooking: frozenMaxOverMean('least-connections', {}, equalLooking),
  };
  console.log('max/mean with frozen reports', JSON.stringify(figures, (_, v: unknown) => (typeof v === 'number' ? Number(v.toFixed(3)) : v)));

  it('least-loaded rotates over exactly tied reports but herds everything onto the lowest of unequal ones', () => {
    expect(figures.leastLoadedEqual).toBe(1);
    expect(figures.leastLoadedEqualLooking).toBe(10);
  });

  it('power-of-d by load acts as random among its samples: the lowest report wins only when sampled (2/n)', () => {
    // Tied samples go to the first drawn, so picks are uniform: binomial max/mean of 10 counts of 100.
    expect(figures.powerOfTwoEqual).toBeLessThan(1.5);
    // The lowest of 10 is in a sample of 2 with probability 2/10, so it takes about 200 ± 13 of 1,000: max/mean ≈ 2 ± 0.13, bounds at 4 sd.
    expect(figures.powerOfTwoEqualLooking).toBeGreaterThan(1.5);
    expect(figures.powerOfTwoEqualLooking).toBeLessThan(2.5);
  });

  it('least-connections counts its own connections, so stale reports do not matter to it', () => {
    expect(figures.leastConnectionsEqualLooking).toBe(1);
  });
});
