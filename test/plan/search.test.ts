import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bisect, judgeSlo, parseSlos, replicationSteps } from '../../src/experiment/index.js';
import type { PlanSlo } from '../../src/metrics/index.js';

const le = (bound: number): PlanSlo => ({ metric: 'm', op: '<=', bound, label: `m ≤ ${String(bound)}` });
const ge = (bound: number): PlanSlo => ({ metric: 'm', op: '>=', bound, label: `m ≥ ${String(bound)}` });

describe('an SLO judged from replications', () => {
  it('passes when the one-sided confidence bound is clear of the bound, fails when the mean is past it by more than the half-width', () => {
    expect(judgeSlo(le(10), [5, 6, 5.5], 0.95).verdict).toBe('pass');
    expect(judgeSlo(le(10), [15, 16, 15.5], 0.95).verdict).toBe('fail');
    expect(judgeSlo(le(10), [2, 18, 9], 0.95).verdict).toBe('unclear');
    expect(judgeSlo(ge(0.99), [0.995, 0.996, 0.997], 0.95).verdict).toBe('pass');
    expect(judgeSlo(ge(0.99), [0.95, 0.96, 0.955], 0.95).verdict).toBe('fail');
  });

  it('uses the one-sided Student t half-width: with three replications t(0.95, 2) = 2.92', () => {
    // mean 10, sample sd 1: half-width 2.92 / sqrt(3) = 1.686.
    const j = judgeSlo(le(11.5), [9, 10, 11], 0.95);
    expect(j.mean).toBe(10);
    expect(j.ci).toBeCloseTo(2.919986 / Math.sqrt(3), 5);
    expect(j.verdict).toBe('unclear');
    expect(judgeSlo(le(11.8), [9, 10, 11], 0.95).verdict).toBe('pass');
    // A higher confidence widens the interval: the same data no longer pass.
    expect(judgeSlo(le(11.8), [9, 10, 11], 0.99).verdict).toBe('unclear');
  });

  it('fails a non-negative metric bounded by 0 as soon as one replication is above 0', () => {
    expect(judgeSlo(le(0), [0, 0, 3], 0.95).verdict).toBe('fail');
    expect(judgeSlo(le(0), [0, 0, 0], 0.95).verdict).toBe('pass');
  });

  it('reads = as both bounds (= 0 as ≤ 0: a count cannot go lower), and ≤ and ≥ as <= and >=', () => {
    const slos = parseSlos({ slos: { 'messages.lost': '= 0', 'clients.connected.final': '= 100', availability: '≥ 0.999', 'connect.latencyMs.p99': '<= 500' } } as never);
    expect(slos.map((s) => [s.metric, s.op, s.bound])).toEqual([
      ['messages.lost', '<=', 0],
      ['clients.connected.final', '<=', 100],
      ['clients.connected.final', '>=', 100],
      ['availability', '>=', 0.999],
      ['connect.latencyMs.p99', '<=', 500],
    ]);
  });
});

describe('the replication schedule', () => {
  it('starts at min, adds half as many again each time, and ends at max', () => {
    expect(replicationSteps(3, 12)).toEqual([3, 5, 8, 12]);
    expect(replicationSteps(2, 2)).toEqual([2]);
    expect(replicationSteps(2, 5)).toEqual([2, 3, 5]);
  });
});

describe('bisection over a monotone parameter', () => {
  it('never misses the smallest passing value that an exhaustive search finds, from any first probe', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 50 }), fc.integer({ min: -5, max: 50 }), async (lo, span, threshold, first) => {
        const hi = lo + span;
        const passes = (v: number): boolean => v >= threshold;
        const exhaustive = Array.from({ length: span + 1 }, (_, k) => lo + k).find(passes) ?? null;
        const probed: number[] = [];
        const found = await bisect(lo, hi, first, (v) => {
          probed.push(v);
          return Promise.resolve(passes(v));
        });
        expect(found).toBe(exhaustive);
        // Logarithmic: galloping then bisecting costs at most about twice ⌈log2(span)⌉.
        expect(probed.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(span + 2)) + 2);
        expect(new Set(probed).size).toBe(probed.length);
        // A first guess at the answer is confirmed by its neighbour below: two probes.
        if (exhaustive !== null && first === exhaustive && exhaustive > lo) expect(probed).toEqual([exhaustive, exhaustive - 1]);
      }),
      { numRuns: 300, seed: 17 },
    );
  });
});
