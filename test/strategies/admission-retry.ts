import { describe, expect, it } from 'vitest';
import { RngStreams } from '../../src/engine/rng.js';
import type { AdmissionExpectation } from './admission-expectations.js';
import { createAdmission, refusalsOf, view, type Options } from './admission-fixtures.js';

/** The retry hint every refusing policy sends: retryAfterMs × uniform(1 − j, 1 + j), or none. */
export function describeRetryHint(name: string, refusing: NonNullable<AdmissionExpectation['refusing']>): void {
  describe('retry hint', () => {
    /** The hints of `count` refusals at one instant. */
    const hints = (options: Options, count: number): (number | null)[] => {
      const rng = new RngStreams(4).stream('admission');
      const policy = createAdmission(name, { ...refusing.options, ...options });
      const decisions = Array.from({ length: count + 1 }, () => policy.admit(view(refusing.view), 0, rng));
      const refusals = refusalsOf(decisions);
      expect(refusals.length).toBeGreaterThanOrEqual(count);
      expect(new Set(refusals.map((d) => d.reason))).toEqual(new Set([refusing.reason]));
      return refusals.slice(0, count).map((d) => d.retryAfterMs);
    };

    it.each([0, 0.3, 0.5, 1])('stays within [1 − j, 1 + j] × retryAfterMs with the right mean and spread (j = %f)', (j) => {
      const n = 20_000;
      const values = hints({ retryAfterMs: 1000, retryAfterJitter: j }, n) as number[];
      expect(Math.min(...values)).toBeGreaterThanOrEqual(1000 * (1 - j));
      expect(Math.max(...values)).toBeLessThanOrEqual(1000 * (1 + j));
      const mean = values.reduce((a, b) => a + b, 0) / n;
      const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
      const expectedSd = (2 * j * 1000) / Math.sqrt(12);
      // Five standard errors of the mean; the sample sd of a uniform is within 0.4 % (1 se) of the truth.
      expect(Math.abs(mean - 1000)).toBeLessThanOrEqual((5 * expectedSd) / Math.sqrt(n) + 1e-9);
      expect(Math.abs(sd - expectedSd)).toBeLessThanOrEqual(0.03 * expectedSd + 1e-9);
    });

    it('defaults to 5000 ms ± 50 %, and sends no hint when retryAfterMs is null', () => {
      const defaults = hints({}, 2000) as number[];
      expect(Math.min(...defaults)).toBeGreaterThanOrEqual(2500);
      expect(Math.max(...defaults)).toBeLessThanOrEqual(7500);
      expect(Math.max(...defaults) - Math.min(...defaults)).toBeGreaterThan(4500);
      expect(hints({ retryAfterMs: null }, 100)).toEqual(new Array<null>(100).fill(null));
    });
  });
}
