import { describe, expect, it } from 'vitest';
import { RngStreams, type Rng } from '../../src/engine/rng.js';
import { backoffs, instantiate, type Backoff, type BackoffName } from '../../src/strategies/index.js';
import { expectations, fallback, type Options } from './backoff-expectations.js';
import { cdfGap, dkwBound, ksUniform, mean, standardDeviation, upperBound, type Law, type RandomLaw } from './backoff-laws.js';

const names = Object.keys(backoffs) as BackoffName[];

/** Parsed options (defaults filled in), for the laws. */
function parsed(name: BackoffName, options: Options): Options {
  return backoffs[name].options.parse(options) as Options;
}

function create(name: string, options: Options = {}): Backoff {
  return instantiate(backoffs, { name, options }, 'reconnect');
}

/** Whether the strategy has the option `key` (checked by parsing a value for it alone). */
function hasOption(name: BackoffName, key: string, value: unknown): boolean {
  return backoffs[name].options.safeParse({ [key]: value }).success;
}

/** Runs attempts 1..count, feeding each delay back as the previous one, as the sim does. */
function schedule(backoff: Backoff, count: number, rng: Rng): (number | null)[] {
  const out: (number | null)[] = [];
  let previousDelayMs = 0;
  for (let attempt = 1; attempt <= count; attempt++) {
    const delayMs = backoff.next(attempt, previousDelayMs, rng);
    out.push(delayMs);
    if (delayMs !== null) previousDelayMs = delayMs;
  }
  return out;
}

const RETRY_AFTERS_MS = [0, 1, 999.5, 4000, 60_000, 3_600_000];
/** Presets that follow a named client library (socket.io-client, centrifuge-js, phoenix, ably-js). */
const CLIENT_PRESETS: ReadonlySet<string> = new Set(['socket-io', 'centrifuge-js', 'phoenix', 'ably']);

describe.each(names)('backoff %s', (name) => {
  const expected = expectations[name] ?? fallback;
  const optionSets: readonly Options[] = [{}, ...expected.variants];

  it.each(optionSets)('returns finite delays ≥ 0 or null (options %o)', (options) => {
    const rng = new RngStreams(1).stream('backoff');
    for (const attempts of [1, 10, 100, 2000]) {
      for (const delayMs of schedule(create(name, options), attempts, rng)) {
        if (delayMs === null) continue;
        expect(Number.isFinite(delayMs), `delay ${delayMs}`).toBe(true);
        expect(delayMs).toBeGreaterThanOrEqual(0);
      }
    }
  });

  // Only strategies that retry have a retry limit; `none` gives up at once (checked by its law).
  if (hasOption(name, 'maxAttempts', 3)) it('gives up exactly after maxAttempts retries', () => {
    const rng = new RngStreams(2).stream('backoff');
    for (const options of optionSets) {
      for (const maxAttempts of [1, 3, 8]) {
        const delays = schedule(create(name, { ...options, maxAttempts }), maxAttempts + 20, rng);
        const gaveUpAt = delays.findIndex((d) => d === null) + 1;
        expect(gaveUpAt, `maxAttempts ${maxAttempts}, options ${JSON.stringify(options)}`).toBe(maxAttempts + 1);
        expect(delays.slice(maxAttempts).every((d) => d === null)).toBe(true);
      }
      expect(schedule(create(name, { ...options, maxAttempts: 0 }), 1000, rng), 'maxAttempts 0 retries forever').not.toContain(null);
    }
  });

  it.each(optionSets)('makes the same schedule for the same seed (options %o)', (options) => {
    const run = (): (number | null)[] => schedule(create(name, options), 200, new RngStreams(7).stream('backoff'));
    expect(run()).toEqual(run());
  });

  // The same draws with and without a retry-after: honoured, the delay is max(own, retry-after);
  // not honoured, it is unchanged. Giving up is never affected, and the hint consumes no draw.
  const retryAfterCases = hasOption(name, 'honourRetryAfter', false) ? [true, false] : [undefined];
  describe.each(retryAfterCases)('with a server retry-after (honourRetryAfter %s)', (honour) => {
    const withHonour = (options: Options): Options => (honour === undefined ? options : { ...options, honourRetryAfter: honour });

    it.each(optionSets)('waits at least the retry-after when honoured, else its own delay (options %o)', (options) => {
      for (const retryAfterMs of RETRY_AFTERS_MS) {
        const plain = create(name, withHonour(options));
        const hinted = create(name, withHonour(options));
        const rngPlain = new RngStreams(5).stream('backoff');
        const rngHinted = new RngStreams(5).stream('backoff');
        let previousDelayMs = 0;
        for (let attempt = 1; attempt <= 40; attempt++) {
          const own = plain.next(attempt, previousDelayMs, rngPlain);
          const got = hinted.next(attempt, previousDelayMs, rngHinted, retryAfterMs);
          const at = `attempt ${attempt}, retry-after ${retryAfterMs}`;
          if (own === null || honour === undefined) expect(got, at).toBe(own);
          else if (honour) {
            expect(got, at).toBe(Math.max(own, retryAfterMs));
            expect(got, at).toBeGreaterThanOrEqual(retryAfterMs);
          } else expect(got, at).toBe(own);
          if (own !== null) previousDelayMs = own;
        }
      }
    });

    if (honour === true) it('rejects a retry-after that is negative or not finite', () => {
      const backoff = create(name, withHonour({}));
      const rng = new RngStreams(6).stream('backoff');
      for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(() => backoff.next(1, 0, rng, bad), String(bad)).toThrow(TypeError);
      }
    });

    // A preset follows its real client, and none of those reads a refused upgrade's Retry-After
    // (a browser's WebSocket API never sees it); the generic schedules honour it.
    if (honour === true) it(`${CLIENT_PRESETS.has(name) ? 'ignores' : 'honours'} the retry-after by default`, () => {
      const rng = new RngStreams(6).stream('backoff');
      const got = create(name).next(1, 0, rng, 7_200_000);
      if (CLIENT_PRESETS.has(name)) expect(got).toBeLessThan(7_200_000);
      else expect(got).toBe(7_200_000);
    });
  });

  const law = expected.law;
  if (law === undefined) return;

  const lawsOf = (o: Options, attempts: number): Law[] =>
    Array.from({ length: attempts }, (_, i) => law(i + 1, expected.previousMs?.(i + 1, o) ?? 0, o));

  it.each(optionSets)('follows its law exactly where it draws nothing (options %o)', (options) => {
    const o = parsed(name, options);
    const laws = lawsOf(o, 60);
    if (laws.some((l) => l.kind === 'random')) return;
    const delays = schedule(create(name, options), 60, new RngStreams(3).stream('backoff'));
    delays.forEach((delayMs, i) => { expect(delayMs, `attempt ${i + 1}`).toBe((laws[i] as Law & { kind: 'exact' }).delayMs); });
  });

  // Each attempt's 20,000 draws against its law: the range, the mean (within 4 standard errors) and
  // the whole distribution (DKW at 0.1 % per attempt, valid with atoms too). Draws of continuous
  // laws are also pooled across attempts through F and checked as one uniform sample (KS, 5 %).
  const attempts = 8;
  const n = 20_000;
  it.each(optionSets)('draws by its law for attempts 1..8 (options %o)', (options) => {
    const o = parsed(name, options);
    const laws = lawsOf(o, attempts);
    if (laws.every((l) => l.kind === 'exact')) return;
    const backoff = create(name, options);
    const rng = new RngStreams(4).stream('backoff');
    const pooled: number[] = [];
    laws.forEach((l, i) => {
      const attempt = i + 1;
      const previousMs = expected.previousMs?.(attempt, o) ?? 0;
      const samples = Array.from({ length: n }, () => backoff.next(attempt, previousMs, rng));
      const at = `attempt ${attempt}, previous ${previousMs}`;
      if (l.kind === 'exact') {
        expect(new Set(samples), at).toEqual(new Set([l.delayMs]));
        return;
      }
      expect(samples, at).not.toContain(null);
      const xs = samples as number[];
      checkDraws(xs, l, at);
      if (l.continuous) pooled.push(...xs.map(l.cdf));
    });
    if (pooled.length > 0) expect(ksUniform(pooled), 'pooled over attempts').toBeLessThan(1.36 / Math.sqrt(pooled.length));
  });
});

function checkDraws(xs: number[], l: RandomLaw, at: string): void {
  const sorted = [...xs].sort((a, b) => a - b);
  const low = sorted[0] as number;
  const high = sorted[sorted.length - 1] as number;
  const range = `${at}: range ${low}..${high} vs ${l.lowMs}..${l.highMs}`;
  if (l.lowIncluded) expect(low, range).toBeGreaterThanOrEqual(l.lowMs);
  else expect(low, range).toBeGreaterThan(l.lowMs);
  if (l.highIncluded) expect(high, range).toBeLessThanOrEqual(l.highMs);
  else expect(high, range).toBeLessThan(l.highMs);
  const m = mean(xs);
  expect(Math.abs(m - l.meanMs), `${at}: mean ${m} vs ${l.meanMs}`).toBeLessThanOrEqual(4 * (standardDeviation(xs) / Math.sqrt(xs.length)));
  expect(cdfGap(sorted, l), `${at}: distribution`).toBeLessThan(dkwBound(xs.length, 0.001));
  // The top value's share, when it is large enough to count (a cap, or a discrete law's last value):
  // binomial, so within 4.5 sd; this catches off-by-one ranges that shift the mean by too little.
  const expectedAtHigh = l.highAtom * xs.length;
  if (expectedAtHigh >= 20) {
    const atHigh = xs.length - upperBound(sorted, l.highMs - 1e-9 * Math.max(1, l.highMs));
    const sd = Math.sqrt(expectedAtHigh * (1 - l.highAtom));
    expect(Math.abs(atHigh - expectedAtHigh), `${at}: ${atHigh} draws at ${l.highMs}, expected ${expectedAtHigh}`).toBeLessThanOrEqual(4.5 * sd);
  }
}
