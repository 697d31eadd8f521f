import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { meanCi, oneSidedHalfWidth, tQuantile, tQuantile95 } from '../../src/metrics/index.js';

/** |a − b| ≤ tolerance·|b|. */
function expectRelative(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.abs(expected));
}

/** Closed forms of the t quantile for 1, 2 and 4 degrees of freedom (Hill 1970; Shaw 2006). */
const closedForm: Record<1 | 2 | 4, (p: number) => number> = {
  // Cauchy: tan(π(p − ½)), written as −cot(π·p) below ½ so that the tails keep their digits.
  1: (p) => (p < 0.5 ? -1 / Math.tan(Math.PI * p) : 1 / Math.tan(Math.PI * (1 - p))),
  2: (p) => (2 * p - 1) / Math.sqrt(2 * p * (1 - p)),
  4: (p) => {
    const alpha = 4 * p * (1 - p);
    const q = Math.cos(Math.acos(Math.sqrt(alpha)) / 3) / Math.sqrt(alpha);
    return Math.sign(p - 0.5) * 2 * Math.sqrt(q - 1);
  },
};

describe("Student's t quantile", () => {
  it('reproduces the printed tables', () => {
    const table: [p: number, df: number, t: number][] = [
      [0.975, 1, 12.7062],
      [0.975, 5, 2.5706],
      [0.95, 10, 1.8125],
      [0.99, 3, 4.5407],
      [0.9, 2, 1.8856],
      [0.995, 30, 2.75],
      [0.95, 1e9, 1.6449],
      [0.95, Infinity, 1.6449],
    ];
    for (const [p, df, t] of table) {
      expect(tQuantile(p, df)).toBeCloseTo(t, 4);
      expect(tQuantile(1 - p, df)).toBeCloseTo(-t, 4);
    }
  });

  it('agrees with tQuantile95’s three-decimal table for 1–30 degrees of freedom', () => {
    for (let df = 1; df <= 30; df++) expect(Math.abs(tQuantile(0.975, df) - tQuantile95(df))).toBeLessThanOrEqual(0.0005 + 1e-12);
  });

  it('matches the closed forms for 1, 2 and 4 degrees of freedom, from the far tails to next to ½', () => {
    const ps = [1e-300, 1e-100, 1e-20, 1e-8, 1e-3, 0.02, 0.1, 0.25, 0.3, 0.45, 0.499, 0.501, 0.6, 0.75, 0.9, 0.99, 1 - 1e-6, 1 - 2 ** -52];
    for (const p of ps) {
      expectRelative(tQuantile(p, 1), closedForm[1](p), 1e-11);
      expectRelative(tQuantile(p, 2), closedForm[2](p), 1e-11);
      // The df = 4 form loses digits next to ½ (q − 1 cancels) and in the far tails (√α rounds).
      if (Math.abs(p - 0.5) > 0.01 && Math.abs(p - 0.5) < 0.5 - 1e-8) expectRelative(tQuantile(p, 4), closedForm[4](p), 1e-9);
    }
    // Next to the median the quantile is (p − ½)/f(0): f(0) = 1/π for the Cauchy.
    expectRelative(tQuantile(0.5 + 2 ** -40, 1), Math.PI * 2 ** -40, 1e-12);
    expect(tQuantile(0.5, 7)).toBe(0);
  });

  it('matches 40-digit values (mpmath) for fractional and large degrees of freedom', () => {
    // Computed with mpmath 1.3 at 40 digits (the root of ½·betainc(ν/2, ½, 0, ν/(ν + t²)) = min(p, 1 − p)), rounded to doubles.
    const reference: [p: number, df: number, t: number][] = [
      [1e-300, 1.5, -5.219469427344636e199],
      [1e-10, 1.5, -2422663.101134394],
      [0.01, 1.5, -11.197316179568398],
      [0.4999, 1.5, -0.000293483228561816],
      [0.975, 1.5, 6.016663104427928],
      [1e-300, 3, -1.033110836044653e100],
      [1e-10, 3, -2225.7692846830932],
      [0.3, 3, -0.5843897274398187],
      [1e-300, 7.3, -2.580590591242658e41],
      [0.01, 7.3, -2.963940447583897],
      [0.4999, 7.3, -0.0002593686702403635],
      [0.975, 7.3, 2.345066736547703],
      [1e-300, 1e5, -37.174670665466216],
      [1e-10, 1e5, -6.3620004198436915],
      [0.3, 1e5, -0.5244021842335458],
      [0.4999, 1e5, -0.0002506634567459054],
      [0.975, 1e5, 1.9599877075346093],
    ];
    for (const [p, df, t] of reference) expectRelative(tQuantile(p, df), t, 1e-11);
  });

  it('tends to the normal quantile as the degrees of freedom grow', () => {
    expectRelative(tQuantile(0.975, Infinity), 1.959963984540054, 1e-13);
    expectRelative(tQuantile(0.95, Infinity), 1.6448536269514722, 1e-13);
    expectRelative(tQuantile(0.999, Infinity), 3.090232306167813, 1e-13);
    expectRelative(tQuantile(1e-10, Infinity), -6.361340902404056, 1e-12);
    // Across 10^6, where the incomplete beta hands over to normal + Cornish–Fisher, nothing jumps.
    for (const p of [1e-300, 1e-10, 0.01, 0.3, 0.5 + 1e-9, 0.975]) {
      expectRelative(tQuantile(p, 1e6 * (1 + 1e-9)), tQuantile(p, 1e6), 1e-10);
    }
  });

  it('is odd in p − ½ and rises with p, and with fewer degrees of freedom in the upper half (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 20 - 1 }), fc.double({ min: 1, max: 1e7, noNaN: true }), (k, df) => {
        const p = k / 2 ** 20; // dyadic, so 1 − p is exact
        expect(tQuantile(1 - p, df)).toBe(-tQuantile(p, df));
        if (k < 2 ** 20 - 1) expect(tQuantile((k + 1) / 2 ** 20, df)).toBeGreaterThan(tQuantile(p, df));
        if (p > 0.5) expect(tQuantile(p, df)).toBeGreaterThanOrEqual(tQuantile(p, df * 1.5) * (1 - 1e-12));
      }),
      { numRuns: 200 },
    );
  });

  it('rejects p outside (0, 1) and fewer than one degree of freedom', () => {
    for (const p of [0, 1, -0.1, 1.5, Number.NaN]) expect(() => tQuantile(p, 5)).toThrow(TypeError);
    for (const df of [0, 0.5, -3, Number.NaN]) expect(() => tQuantile(0.9, df)).toThrow(TypeError);
  });
});

describe('one-sided confidence half-width', () => {
  it('is t_{confidence, n−1}·s/√n', () => {
    const values = [1, 2, 3, 4, 5]; // s² = 2.5
    const { mean, halfWidth, n } = oneSidedHalfWidth(values, 0.95);
    expect(mean).toBe(3);
    expect(n).toBe(5);
    expect(halfWidth).toBeCloseTo(2.131847 * Math.sqrt(2.5 / 5), 5);
    expect(oneSidedHalfWidth(values, 0.5).halfWidth).toBe(0);
  });

  it('is 0 with one sample and NaN with none', () => {
    expect(oneSidedHalfWidth([7], 0.9)).toEqual({ mean: 7, halfWidth: 0, n: 1 });
    const none = oneSidedHalfWidth([], 0.9);
    expect(none.mean).toBeNaN();
    expect(none.halfWidth).toBeNaN();
    expect(none.n).toBe(0);
  });

  it('rejects a confidence outside [0.5, 1)', () => {
    for (const c of [0.4, 1, Number.NaN]) expect(() => oneSidedHalfWidth([1, 2], c)).toThrow(TypeError);
  });
});

describe('meanCi keeps its bits', () => {
  /** meanCi as it was written before tQuantile arrived. */
  function previousMeanCi(values: readonly number[]): { mean: number; ci95: number; n: number } {
    const n = values.length;
    if (n === 0) return { mean: Number.NaN, ci95: Number.NaN, n };
    const mean = values.reduce((a, b) => a + b, 0) / n;
    if (n === 1) return { mean, ci95: 0, n };
    const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
    return { mean, ci95: tQuantile95(n - 1) * Math.sqrt(variance / n), n };
  }

  it('gives exactly what it gave before, for any samples (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 40 }), (values) => {
        expect(meanCi(values)).toEqual(previousMeanCi(values));
      }),
    );
    expect(tQuantile95(4)).toBe(2.776);
    expect(tQuantile95(31)).toBe(1.96);
  });
});
