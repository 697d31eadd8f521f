import { describe, expect, it } from 'vitest';
import { RngStreams } from '../../src/engine/rng.js';
import { create, fleetOf, pickAndConnect } from './balancer-fixtures.js';

/**
 * Balls into bins. Throw m = n balls (connections that never close) into n bins (backends).
 * One uniform choice per ball: the maximum load is (1 + o(1)) ln n / ln ln n with high probability.
 * d ≥ 2 uniform choices, each ball into the least loaded of them: ln ln n / ln d + Θ(1) w.h.p.
 * Azar, Broder, Karlin, Upfal, "Balanced allocations", STOC 1994 (SIAM J. Comput. 29(1), 1999).
 * For n = 1000: ln n / ln ln n ≈ 3.6 (observed maxima are 5–6), ln ln n / ln 2 ≈ 2.8.
 */
const n = 1000;
const seeds = Array.from({ length: 20 }, (_, k) => k + 1);

/** The largest bin after n balls, for one seed. */
function maxLoad(name: string, options: Record<string, unknown>, seed: number): number {
  const bins = fleetOf(n);
  pickAndConnect(create(name, options), bins, n, new RngStreams(seed).stream('balancer'));
  return Math.max(...bins.map((b) => b.openConnections));
}

function meanMaxLoad(name: string, options: Record<string, unknown> = {}): number {
  return seeds.reduce((sum, seed) => sum + maxLoad(name, options, seed), 0) / seeds.length;
}

describe('balls into bins (n = m = 1000, 20 seeds)', () => {
  const oneChoice = meanMaxLoad('random');
  const twoChoices = meanMaxLoad('power-of-d', { d: 2, metric: 'connections' });

  it('one random choice: the mean maximum load is near ln n / ln ln n', () => {
    expect(oneChoice).toBeGreaterThanOrEqual(4);
    expect(oneChoice).toBeLessThanOrEqual(8);
  });

  it('best of two choices: the mean maximum load is near ln ln n / ln 2 + O(1), below one choice', () => {
    expect(twoChoices).toBeLessThanOrEqual(4);
    expect(twoChoices).toBeLessThan(oneChoice);
  });

  it('reports the figures', () => {
    console.log(`balls into bins, n = m = ${n}: mean max load random ${oneChoice.toFixed(2)}, power-of-2 ${twoChoices.toFixed(2)}`);
    expect(oneChoice - twoChoices).toBeGreaterThan(1);
  });
});
