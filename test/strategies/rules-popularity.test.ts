import { describe, expect, it } from 'vitest';
import { RngStreams } from '../../src/engine/index.js';
import { pickByCdf, pickDistinct, zipfCdf } from '../../src/strategies/index.js';

describe('Zipf channel popularity (sim pubsub, real channels and publisher)', () => {
  it('exponent 0 is uniform; the last entry is exactly 1', () => {
    const cdf = zipfCdf(4, 0);
    expect([...cdf]).toEqual([0.25, 0.5, 0.75, 1]);
  });

  it('exponent 1: channel k has weight 1/(k+1)', () => {
    const cdf = zipfCdf(3, 1);
    const h = 1 + 1 / 2 + 1 / 3;
    expect(cdf[0]).toBeCloseTo(1 / h, 12);
    expect((cdf[1] as number) - (cdf[0] as number)).toBeCloseTo(1 / 2 / h, 12);
    expect(cdf[2]).toBe(1);
  });

  it('a pick is the first channel whose cumulative probability exceeds the draw (the linear search real mode used)', () => {
    const cdf = zipfCdf(37, 1.2);
    const a = new RngStreams(2).stream('channels');
    const b = new RngStreams(2).stream('channels');
    for (let k = 0; k < 5000; k++) {
      const u = b.next();
      expect(pickByCdf(cdf, a)).toBe(Math.max(0, [...cdf].findIndex((p) => p > u)));
    }
  });

  it('draws land on channels in proportion to their weight (50 000 draws, within 1.5 points of each share)', () => {
    const cdf = zipfCdf(5, 1);
    const rng = new RngStreams(6).stream('channels');
    const counts = new Array<number>(5).fill(0);
    for (let k = 0; k < 50_000; k++) {
      const c = pickByCdf(cdf, rng);
      counts[c] = (counts[c] ?? 0) + 1;
    }
    counts.forEach((n, c) => {
      const share = (cdf[c] as number) - (c === 0 ? 0 : (cdf[c - 1] as number));
      expect(Math.abs(n / 50_000 - share)).toBeLessThan(0.015);
    });
  });

  it('one channel: always 0', () => {
    expect(pickByCdf(zipfCdf(1, 1), { next: () => 0.999 })).toBe(0);
  });

  it('a client\'s channels are distinct: a taken channel is drawn again, then the lowest free one is taken', () => {
    const rng = new RngStreams(3).stream('channels');
    for (let k = 0; k < 500; k++) {
      const chosen = pickDistinct(zipfCdf(6, 2), 4, rng);
      expect(new Set(chosen).size).toBe(4);
      expect(chosen.every((c) => c >= 0 && c < 6)).toBe(true);
    }
    // One channel of all weight: every redraw gives it, so the rest are the lowest free ones.
    expect(pickDistinct([1, 1, 1], 3, rng)).toEqual([0, 1, 2]);
    expect(pickDistinct(zipfCdf(3, 0), 3, rng).sort()).toEqual([0, 1, 2]);
  });
});
