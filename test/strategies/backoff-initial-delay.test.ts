import { describe, expect, it } from 'vitest';
import { RngStreams, type Rng } from '../../src/engine/rng.js';
import { initialDelayMs } from '../../src/strategies/backoff/index.js';
import { ksUniform, mean } from './backoff-laws.js';

describe('initialDelayMs: a first connect spread uniformly over [0, spreadMs)', () => {
  it.each([1, 2500, 60_000])('is uniform on [0, %i)', (spreadMs) => {
    const rng = new RngStreams(21).stream('spread');
    const n = 20_000;
    const xs = Array.from({ length: n }, () => initialDelayMs(spreadMs, rng));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(spreadMs);
    expect(Math.abs(mean(xs) - spreadMs / 2)).toBeLessThan(4 * (spreadMs / Math.sqrt(12 * n)));
    expect(ksUniform(xs.map((x) => x / spreadMs))).toBeLessThan(1.63 / Math.sqrt(n));
  });

  it('is the same for the same seed', () => {
    const run = (): number[] => {
      const rng = new RngStreams(3).stream('spread');
      return Array.from({ length: 50 }, () => initialDelayMs(10_000, rng));
    };
    expect(run()).toEqual(run());
  });

  it('returns 0 for no spread without drawing', () => {
    let drawn = 0;
    const rng: Rng = { next: () => { drawn++; return 0.5; } };
    expect(initialDelayMs(0, rng)).toBe(0);
    expect(drawn).toBe(0);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('rejects a spread of %s', (spreadMs) => {
    expect(() => initialDelayMs(spreadMs, new RngStreams(1).stream('spread'))).toThrow(TypeError);
  });
});
