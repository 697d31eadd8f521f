import { describe, expect, it } from 'vitest';
import { RngStreams } from '../../src/engine/index.js';
import { nextFlapAtMs } from '../../src/strategies/index.js';

describe('flap timing (sim nextFlapMs, real swarm flap draw)', () => {
  it('without flaps: never, and no draw', () => {
    let draws = 0;
    const rng = { next: () => ((draws += 1), 0.5) };
    expect(nextFlapAtMs(1000, 0, rng)).toBe(Infinity);
    expect(draws).toBe(0);
  });

  it('is exponential from now: u = 1 − e^−1 gives one mean gap', () => {
    const atMs = nextFlapAtMs(500, 12, { next: () => 1 - Math.exp(-1) });
    expect(atMs).toBeCloseTo(500 + 3_600_000 / 12, 6);
  });

  it('a delay drawn from time 0 is the gap added at any time, to the bit', () => {
    const a = new RngStreams(8).stream('flaps');
    const b = new RngStreams(8).stream('flaps');
    for (let k = 0; k < 200; k++) {
      const nowMs = k * 1234.567;
      expect(nowMs + nextFlapAtMs(0, 30, a)).toBe(nextFlapAtMs(nowMs, 30, b));
    }
  });

  it('gaps average 3 600 000 / flapsPerHour ms (20 000 draws, within 3 %)', () => {
    const rng = new RngStreams(9).stream('flaps');
    let sum = 0;
    for (let k = 0; k < 20_000; k++) sum += nextFlapAtMs(0, 60, rng);
    expect(sum / 20_000 / 60_000).toBeGreaterThan(0.97);
    expect(sum / 20_000 / 60_000).toBeLessThan(1.03);
  });
});
