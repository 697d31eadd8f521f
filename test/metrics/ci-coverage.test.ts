import { describe, expect, it } from 'vitest';
import { compileDistribution, RngStreams, type Rng } from '../../src/engine/index.js';
import { replicationSeed } from '../../src/experiment/sweep.js';
import { meanCi } from '../../src/metrics/index.js';

/**
 * Runs `sweeps` independent sweeps of `replications` replications, seeded as `wsfleet run` seeds
 * them (replicationSeed of a base seed), and returns the share of 95 % intervals that cover `truth`.
 */
function coverage(sweeps: number, replications: number, truth: number, replicate: (rng: Rng) => number): number {
  let covered = 0;
  for (let base = 1; base <= sweeps; base++) {
    const values = Array.from({ length: replications }, (_, r) => replicate(new RngStreams(replicationSeed(base, r)).stream('ci-coverage')));
    const { mean, ci95 } = meanCi(values);
    if (Math.abs(mean - truth) <= ci95) covered++;
  }
  return covered / sweeps;
}

/** 2,000 sweeps: the binomial standard error of a 95 % coverage is 0.5 points, so ±2 points is four of them. */
const SWEEPS = 2000;

describe('95 % confidence intervals over replications', () => {
  it('cover the mean of an exponential distribution about 95 % of the time', () => {
    const d = compileDistribution({ kind: 'exponential', mean: 250 });
    const share = coverage(SWEEPS, 10, 250, (rng) => {
      let sum = 0;
      for (let k = 0; k < 30; k++) sum += d.sample(rng);
      return sum / 30;
    });
    expect(share).toBeGreaterThan(0.93);
    expect(share).toBeLessThan(0.97);
  });

  it('cover the M/M/1 mean wait ρ/(μ−λ) about 95 % of the time, with 5 replications (Student t)', () => {
    // Lindley's recursion from a stationary start: W = 0 with probability 1 − ρ, else exponential with rate μ − λ.
    const lambda = 0.5;
    const mu = 1;
    const rho = lambda / mu;
    const arrivals = compileDistribution({ kind: 'exponential', mean: 1 / lambda });
    const service = compileDistribution({ kind: 'exponential', mean: 1 / mu });
    const residual = compileDistribution({ kind: 'exponential', mean: 1 / (mu - lambda) });
    const share = coverage(SWEEPS, 5, rho / (mu - lambda), (rng) => {
      let wait = rng.next() < rho ? residual.sample(rng) : 0;
      let sum = 0;
      for (let k = 0; k < 2000; k++) {
        sum += wait;
        wait = Math.max(0, wait + service.sample(rng) - arrivals.sample(rng));
      }
      return sum / 2000;
    });
    expect(share).toBeGreaterThan(0.93);
    expect(share).toBeLessThan(0.97);
  });

  it('are too narrow without Student t: the normal 1.96 with 3 replications covers clearly less', () => {
    const d = compileDistribution({ kind: 'normal', mean: 10, std: 2 });
    let covered = 0;
    for (let base = 1; base <= SWEEPS; base++) {
      const values = [0, 1, 2].map((r) => d.sample(new RngStreams(replicationSeed(base, r)).stream('ci-coverage')));
      const { mean, ci95, n } = meanCi(values);
      const normalHalfWidth = (ci95 / 4.303) * 1.96;
      expect(n).toBe(3);
      if (Math.abs(mean - 10) <= normalHalfWidth) covered++;
    }
    expect(covered / SWEEPS).toBeLessThan(0.85);
  });
});
