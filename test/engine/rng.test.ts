import { describe, expect, it } from 'vitest';
import { RngStreams, randomInt, type Rng } from '../../src/engine/index.js';

function draws(rng: Rng, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(rng.next());
  return out;
}

/** Pearson's chi-squared statistic of observed counts against expected counts. */
function chiSquared(observed: readonly number[], expected: readonly number[]): number {
  let stat = 0;
  observed.forEach((o, i) => {
    const e = expected[i] as number;
    stat += ((o - e) * (o - e)) / e;
  });
  return stat;
}

/** Sample Pearson correlation of two equally long sequences. */
function correlation(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i] as number;
    my += ys[i] as number;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    const dy = (ys[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}

// Upper 0.1% points of the chi-squared distribution (standard tables).
const CHI2_CRITICAL_P001 = { 9: 27.877, 19: 43.82 } as const;

describe('RngStreams determinism', () => {
  it('gives identical sequences for the same seed and stream name', () => {
    const a = new RngStreams(42).stream('clients');
    const b = new RngStreams(42).stream('clients');
    expect(draws(a, 1000)).toEqual(draws(b, 1000));
  });

  it('restarts the sequence each time a stream with the same name is requested', () => {
    const streams = new RngStreams(42);
    const first = streams.stream('clients');
    const head = draws(first, 50);
    const again = streams.stream('clients');
    expect(draws(again, 50)).toEqual(head);
    // The first handle is not reset by asking for the name again: it continues.
    expect(draws(first, 50)).not.toEqual(head);
  });

  it('gives different sequences for different stream names under the same seed', () => {
    const streams = new RngStreams(42);
    const clients = draws(streams.stream('clients'), 100);
    const faults = draws(streams.stream('faults'), 100);
    expect(faults).not.toEqual(clients);
    // Not merely shifted copies: no value of one appears in the other.
    const set = new Set(clients);
    expect(faults.filter((x) => set.has(x))).toEqual([]);
  });

  it('gives different sequences for different seeds and the same stream name', () => {
    expect(draws(new RngStreams(1).stream('clients'), 100)).not.toEqual(draws(new RngStreams(2).stream('clients'), 100));
    expect(draws(new RngStreams(-1).stream('clients'), 100)).not.toEqual(draws(new RngStreams(1).stream('clients'), 100));
  });

  it('rejects seeds that are not safe integers', () => {
    expect(() => new RngStreams(1.5)).toThrow(TypeError);
    expect(() => new RngStreams(Number.NaN)).toThrow(TypeError);
    expect(() => new RngStreams(2 ** 53)).toThrow(TypeError);
    expect(() => new RngStreams(Infinity)).toThrow(TypeError);
    expect(new RngStreams(Number.MAX_SAFE_INTEGER).seed).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('RngStreams stream independence', () => {
  it('leaves the faults stream unchanged when the clients stream is drawn more', () => {
    const few = new RngStreams(7);
    const fewClients = few.stream('clients');
    draws(fewClients, 10);
    const faultsAfterFewClientDraws = draws(few.stream('faults'), 200);

    const many = new RngStreams(7);
    const manyClients = many.stream('clients');
    draws(manyClients, 100_000);
    const faults = many.stream('faults');
    // Interleave: more client draws between fault draws must not matter either.
    const faultsInterleaved: number[] = [];
    for (let i = 0; i < 200; i++) {
      draws(manyClients, 37);
      faultsInterleaved.push(faults.next());
    }
    expect(faultsInterleaved).toEqual(faultsAfterFewClientDraws);
  });

  it('does not depend on the order in which streams are created', () => {
    const forward = new RngStreams(9);
    const fa = forward.stream('a');
    const fb = forward.stream('b');
    const fc = forward.fork('cpu').stream('server-0');

    const backward = new RngStreams(9);
    const bc = backward.fork('cpu').stream('server-0');
    const bb = backward.stream('b');
    const ba = backward.stream('a');

    expect(draws(ba, 100)).toEqual(draws(fa, 100));
    expect(draws(bb, 100)).toEqual(draws(fb, 100));
    expect(draws(bc, 100)).toEqual(draws(fc, 100));
  });

  it('produces uncorrelated draws across differently named streams', () => {
    const n = 100_000;
    const streams = new RngStreams(3);
    const clients = draws(streams.stream('clients'), n);
    const faults = draws(streams.stream('faults'), n);
    const server0 = draws(streams.fork('cpu').stream('server-0'), n);
    const server1 = draws(streams.fork('cpu').stream('server-1'), n);
    // Under independence a sample correlation has standard error 1/sqrt(n); allow 5 of them.
    const bound = 5 / Math.sqrt(n);
    expect(Math.abs(correlation(clients, faults))).toBeLessThan(bound);
    expect(Math.abs(correlation(server0, server1))).toBeLessThan(bound);
    expect(Math.abs(correlation(clients, server0))).toBeLessThan(bound);
  });

  it('produces uncorrelated draws for the same name under neighbouring seeds', () => {
    const n = 100_000;
    const a = draws(new RngStreams(1000).stream('clients'), n);
    const b = draws(new RngStreams(1001).stream('clients'), n);
    expect(Math.abs(correlation(a, b))).toBeLessThan(5 / Math.sqrt(n));
  });
});

describe('RngStreams.fork', () => {
  it('is deterministic: the same fork and name give the same sequence', () => {
    const a = new RngStreams(11).fork('cpu').stream('server-3');
    const b = new RngStreams(11).fork('cpu').stream('server-3');
    expect(draws(a, 500)).toEqual(draws(b, 500));
  });

  it('keeps the run seed', () => {
    expect(new RngStreams(11).fork('cpu').fork('x').seed).toBe(11);
  });

  it('gives sibling streams of one fork distinct sequences', () => {
    const cpu = new RngStreams(11).fork('cpu');
    const s1 = draws(cpu.stream('server-1'), 100);
    const s2 = draws(cpu.stream('server-2'), 100);
    expect(s2).not.toEqual(s1);
  });

  it('gives a forked stream a sequence distinct from the top-level stream of the same name and from other forks', () => {
    const streams = new RngStreams(11);
    const top = draws(streams.stream('server-1'), 100);
    const cpu = draws(streams.fork('cpu').stream('server-1'), 100);
    const net = draws(streams.fork('net').stream('server-1'), 100);
    expect(cpu).not.toEqual(top);
    expect(net).not.toEqual(top);
    expect(net).not.toEqual(cpu);
  });

  it('is a path namespace: fork("a").stream("b") is the stream named "a/b", and nested forks compose', () => {
    // Documented as "a family of streams under `name/`": names are joined with '/',
    // so a top-level name containing '/' aliases a forked stream.
    const streams = new RngStreams(5);
    expect(draws(streams.fork('a').stream('b'), 100)).toEqual(draws(streams.stream('a/b'), 100));
    expect(draws(streams.fork('a').fork('b').stream('c'), 100)).toEqual(draws(streams.fork('a/b').stream('c'), 100));
  });
});

describe('RngStreams statistical quality', () => {
  const n = 100_000;
  const cases: { label: string; make: () => Rng }[] = [
    { label: 'a top-level stream', make: () => new RngStreams(20240601).stream('clients') },
    { label: 'a forked stream', make: () => new RngStreams(20240601).fork('cpu').stream('server-17') },
  ];

  for (const { label, make } of cases) {
    it(`draws from [0, 1) for ${label}`, () => {
      const xs = draws(make(), n);
      expect(xs.filter((x) => !(x >= 0 && x < 1))).toEqual([]);
    });

    it(`passes a chi-squared uniformity test on ${String(n)} draws in 20 bins for ${label}`, () => {
      const bins = 20;
      const counts = new Array<number>(bins).fill(0);
      for (const x of draws(make(), n)) {
        const bin = Math.floor(x * bins);
        counts[bin] = (counts[bin] as number) + 1;
      }
      const stat = chiSquared(counts, new Array<number>(bins).fill(n / bins));
      expect(stat).toBeLessThan(CHI2_CRITICAL_P001[19]);
    });

    it(`has lag-1 serial correlation near 0 for ${label}`, () => {
      const xs = draws(make(), n + 1);
      const r = correlation(xs.slice(0, n), xs.slice(1));
      // Standard error of a lag-1 autocorrelation of iid values is about 1/sqrt(n).
      expect(Math.abs(r)).toBeLessThan(5 / Math.sqrt(n));
    });

    it(`has the mean and variance of U(0, 1) for ${label}`, () => {
      const xs = draws(make(), n);
      const mean = xs.reduce((a, b) => a + b, 0) / n;
      const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
      // U(0,1): mean 1/2, variance 1/12; Var(sample mean) = 1/(12n); Var(sample variance) = (mu4 - sigma^4)/n with mu4 = 1/80.
      expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
      expect(Math.abs(variance - 1 / 12)).toBeLessThan(5 * Math.sqrt((1 / 80 - 1 / 144) / n));
    });
  }
});

describe('randomInt', () => {
  it('returns integers in [0, n) that hit every value uniformly', () => {
    const rng = new RngStreams(77).stream('ints');
    const k = 10;
    const n = 100_000;
    const counts = new Array<number>(k).fill(0);
    const outOfRange: number[] = [];
    for (let i = 0; i < n; i++) {
      const v = randomInt(rng, k);
      if (!(Number.isInteger(v) && v >= 0 && v < k)) outOfRange.push(v);
      else counts[v] = (counts[v] as number) + 1;
    }
    expect(outOfRange).toEqual([]);
    expect(chiSquared(counts, new Array<number>(k).fill(n / k))).toBeLessThan(CHI2_CRITICAL_P001[9]);
  });

  it('maps the uniform draw onto floor(u * n)', () => {
    const fixed = (u: number): Rng => ({ next: () => u });
    expect(randomInt(fixed(0), 5)).toBe(0);
    expect(randomInt(fixed(0.999999), 5)).toBe(4);
    expect(randomInt(fixed(0.4), 5)).toBe(2);
  });
});
