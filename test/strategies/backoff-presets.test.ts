import { describe, expect, it } from 'vitest';
import { RngStreams } from '../../src/engine/rng.js';
import { backoffs, instantiate, type Backoff } from '../../src/strategies/index.js';
import { mean, standardDeviation } from './backoff-laws.js';

// Presets match their source: every number below is written out from the client's own code, not computed
// by ours: socket.io https://github.com/socketio/socket.io/blob/main/packages/socket.io-client/lib/manager.ts
// and lib/contrib/backo2.ts; centrifuge-js https://github.com/centrifugal/centrifuge-js/blob/master/src/utils.ts;
// phoenix https://github.com/phoenixframework/phoenix/blob/main/assets/js/phoenix/socket.js;
// ably-js https://github.com/ably/ably-js/blob/main/src/common/lib/util/defaults.ts.

const n = 20_000;

function preset(name: string): Backoff {
  return instantiate(backoffs, { name, options: {} }, 'reconnect');
}

/** n delays for one attempt, from a fresh seeded stream. */
function draws(backoff: Backoff, attempt: number, seed = 11): number[] {
  const rng = new RngStreams(seed).stream(`preset/${String(attempt)}`);
  return Array.from({ length: n }, () => {
    const d = backoff.next(attempt, 0, rng);
    if (d === null) throw new Error(`gave up at attempt ${String(attempt)}`);
    return d;
  });
}

const share = (xs: readonly number[], test: (x: number) => boolean): number => xs.filter(test).length / xs.length;
/** A share's binomial tolerance: 4.5 sd at n draws. */
const shareTolerance = (p: number): number => 4.5 * Math.sqrt((p * (1 - p)) / n);
/** A mean's tolerance: 4 standard errors. */
const meanTolerance = (xs: readonly number[]): number => 4 * (standardDeviation(xs) / Math.sqrt(xs.length));

describe('each preset names its source', () => {
  it.each([
    ['socket-io', ['manager.ts', 'backo2.ts']],
    ['centrifuge-js', ['src/centrifuge.ts', 'src/utils.ts']],
    ['phoenix', ['socket.js']],
    ['ably', ['defaults.ts', 'utils.ts']],
  ] as const)('%s', (name, files) => {
    for (const file of files) expect(backoffs[name].doc).toContain(file);
  });
});

describe('socket.io: 1000 ms × 2^n, ±50 % (one draw picks size and sign), cap 5000 ms, infinite attempts', () => {
  const backoff = preset('socket-io');

  it.each([
    [1, 500, 1500],
    [2, 1000, 3000],
    [3, 2000, 5000],
    [4, 4000, 5000],
  ])('attempt %i lies in [%i, %i] ms, whole ms', (attempt, low, high) => {
    const xs = draws(backoff, attempt);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(low);
    expect(Math.max(...xs)).toBeLessThanOrEqual(high);
    expect(xs.every(Number.isInteger)).toBe(true);
  });

  // One draw r: size ⌊r × 0.5 × ms⌋ falls in band ⌊10r⌋ of width 5 % of ms, and that same digit's parity
  // picks the sign. So half the draws fall below the nominal delay, half above, 10 % in each band,
  // and bands alternate: 0–5 % below, 5–10 % above, 10–15 % below, … 45–50 % above.
  // The mean is ms × (1 + 0.5 × (0.5 × 0.55 − 0.5 × 0.45)) = 1.025 × ms (flooring the size cancels out).
  it.each([
    [1, 1000, 1025],
    [2, 2000, 2050],
  ])('attempt %i around %i ms: halves, alternating 5 %% bands, mean %i ms', (attempt, nominal, expectedMean) => {
    const xs = draws(backoff, attempt);
    expect(Math.abs(share(xs, (x) => x <= nominal) - 0.5)).toBeLessThan(shareTolerance(0.5));
    expect(Math.abs(share(xs, (x) => x > nominal) - 0.5)).toBeLessThan(shareTolerance(0.5));
    for (let band = 0; band < 10; band++) {
      const inBand = (x: number): boolean => Math.floor(Math.abs(x - nominal) / (nominal / 20)) === band;
      const below = band % 2 === 0;
      expect(Math.abs(share(xs, inBand) - 0.1), `band ${band}`).toBeLessThan(shareTolerance(0.1));
      expect(xs.filter(inBand).every((x) => (below ? x <= nominal : x > nominal)), `band ${band} is ${below ? 'below' : 'above'}`).toBe(true);
    }
    expect(Math.abs(mean(xs) - expectedMean)).toBeLessThan(meanTolerance(xs));
  });

  // Attempt 3 (4000 ms ± 50 %): the draws above 5000 are those with ⌊10r⌋ = 5, 7, 9: 30 % capped.
  // Attempt 4 (8000 ms ± 50 %): only ⌊10r⌋ = 8 goes below the cap, to 8000 − [3200, 3600): 10 % in (4400, 4800].
  it('caps at 5000 ms: 30 % of attempt 3, 90 % of attempt 4, all from attempt 5', () => {
    const third = draws(backoff, 3);
    expect(Math.abs(share(third, (x) => x === 5000) - 0.3)).toBeLessThan(shareTolerance(0.3));
    const fourth = draws(backoff, 4);
    expect(Math.abs(share(fourth, (x) => x === 5000) - 0.9)).toBeLessThan(shareTolerance(0.9));
    expect(fourth.filter((x) => x !== 5000).every((x) => x > 4400 && x <= 4800)).toBe(true);
    for (const attempt of [5, 6, 10, 100, 5000]) expect(new Set(draws(backoff, attempt).slice(0, 1000)), `attempt ${attempt}`).toEqual(new Set([5000]));
  });

  it('never gives up by default', () => {
    const rng = new RngStreams(1).stream('forever');
    for (const attempt of [1, 1_000, 1_000_000]) expect(backoff.next(attempt, 0, rng)).not.toBeNull();
  });
});

describe('centrifuge-js: 500 ms to 20 000 ms, full jitter', () => {
  const backoff = preset('centrifuge-js');

  // The source draws randomInt(0, min(20000, 500 × 2^step)) above 500 and caps at 20 000, step = attempt − 1.
  it.each([
    [1, 1000, 750],
    [2, 1500, 1000],
    [3, 2500, 1500],
    [4, 4500, 2500],
    [5, 8500, 4500],
    [6, 16_500, 8500],
  ])('attempt %i: whole ms, uniform from 500 to %i, mean %i', (attempt, high, expectedMean) => {
    const xs = draws(backoff, attempt);
    // Reaching both ends: within 0.2 % of the range (missing that by chance: e^−40).
    const slack = 0.002 * (high - 500);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(500);
    expect(Math.min(...xs)).toBeLessThanOrEqual(500 + slack);
    expect(Math.max(...xs)).toBeLessThanOrEqual(high);
    expect(Math.max(...xs)).toBeGreaterThanOrEqual(high - slack);
    expect(xs.every(Number.isInteger)).toBe(true);
    expect(Math.abs(mean(xs) - expectedMean)).toBeLessThan(meanTolerance(xs));
    // Uniform: each quarter of the range holds a quarter of the draws.
    for (let q = 0; q < 4; q++) {
      const from = 500 + ((high - 500) * q) / 4;
      const to = 500 + ((high - 500) * (q + 1)) / 4;
      expect(Math.abs(share(xs, (x) => x >= from && (q === 3 ? x <= to : x < to)) - 0.25), `quarter ${q}`).toBeLessThan(shareTolerance(0.25) + 1 / (high - 500));
    }
  });

  // From attempt 7 the ceiling is 20 000: 500 + 0..20000, capped, so 501 of the 20 001 values land on 20 000
  // (2.5 %); mean (Σ 500..19999 + 501 × 20000) / 20001 = 209 885 250 / 20 001 ≈ 10 493.8.
  it.each([7, 8, 30, 1000])('attempt %i spans 500..20000 with 2.5 %% at the cap', (attempt) => {
    const xs = draws(backoff, attempt);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(500);
    expect(Math.max(...xs)).toBe(20_000);
    expect(Math.abs(share(xs, (x) => x === 20_000) - 501 / 20_001)).toBeLessThan(shareTolerance(501 / 20_001));
    expect(Math.abs(mean(xs) - 209_885_250 / 20_001)).toBeLessThan(meanTolerance(xs));
  });
});

describe('phoenix: fixed ladder 10, 50, 100, 150, 200, 250, 500, 1000, 2000 ms then 5000 ms, no jitter', () => {
  it('follows the ladder exactly, whatever the draws', () => {
    const backoff = preset('phoenix');
    const rng = new RngStreams(1).stream('phoenix');
    const delays = Array.from({ length: 14 }, (_, i) => backoff.next(i + 1, 0, rng));
    expect(delays).toEqual([10, 50, 100, 150, 200, 250, 500, 1000, 2000, 5000, 5000, 5000, 5000, 5000]);
    expect(backoff.next(1_000_000, 0, rng)).toBe(5000);
  });
});

describe('ably: 15 s × min((n+2)/3, 2) × uniform(0.8, 1.0); after the 120 s recovery window, every 30 s', () => {
  const backoff = preset('ably');

  // Nominal 15, 20, 25, 30, 30 s: their sum reaches the 120 s window at retry 5 without passing it.
  it.each([
    [1, 12_000, 15_000],
    [2, 16_000, 20_000],
    [3, 20_000, 25_000],
    [4, 24_000, 30_000],
    [5, 24_000, 30_000],
  ])('retry %i lies in (%i, %i] ms, uniformly', (attempt, low, high) => {
    const xs = draws(backoff, attempt);
    expect(Math.min(...xs)).toBeGreaterThan(low);
    expect(Math.max(...xs)).toBeLessThanOrEqual(high);
    expect(Math.abs(mean(xs) - (low + high) / 2)).toBeLessThan(meanTolerance(xs));
    expect(Math.abs(share(xs, (x) => x <= (low + high) / 2) - 0.5)).toBeLessThan(shareTolerance(0.5));
  });

  it('waits a flat 30 s from retry 6, past the 120 s window', () => {
    for (const attempt of [6, 7, 20, 1000]) expect(new Set(draws(backoff, attempt).slice(0, 1000)), `retry ${attempt}`).toEqual(new Set([30_000]));
  });
});
