import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cos, exp, log, pow } from '../../src/numeric/fmath.js';
import { RngStreams } from '../../src/engine/index.js';

/** Distance in units in the last place between two finite doubles of the same sign. */
function ulps(a: number, b: number): number {
  if (Object.is(a, b)) return 0;
  const buf = new DataView(new ArrayBuffer(16));
  buf.setFloat64(0, a);
  buf.setFloat64(8, b);
  return Number(buf.getBigInt64(0) - buf.getBigInt64(8)) * (a < 0 ? -1 : 1);
}

const rng = new RngStreams(7).stream('fmath-test');
const N = 200_000;
/** Node 20's V8 computes Math.log, Math.exp and Math.cos with fdlibm: there the bits must be identical. */
const node20 = process.versions.node.split('.')[0] === '20';

describe('fmath: the same bits on every engine, within an ulp of Math.*', () => {
  const cases: [string, (x: number) => number, (x: number) => number, () => number][] = [
    ['log of 1 − u (exponential and Poisson gaps)', log, Math.log, () => 1 - rng.next()],
    ['log across the exponent range', log, Math.log, () => Math.exp((rng.next() - 0.5) * 1400) * rng.next()],
    ['exp of a lognormal exponent', exp, Math.exp, () => (rng.next() - 0.5) * 80],
    ['exp across its range', exp, Math.exp, () => (rng.next() - 0.5) * 1500],
    ['cos of a Box–Muller angle', cos, Math.cos, () => 2 * Math.PI * rng.next()],
  ];
  it.each(cases)('%s', (_, mine, theirs, draw) => {
    let differ = 0;
    const far: number[] = [];
    for (let k = 0; k < N; k++) {
      const x = draw();
      const a = mine(x);
      const b = theirs(x);
      if (Object.is(a, b)) continue;
      differ++;
      if (Math.abs(ulps(a, b)) > 1) far.push(x);
    }
    expect(far).toEqual([]);
    if (node20) expect(differ).toBe(0);
  });

  it('pow within an ulp of Math.pow, for ramp gaps, Pareto tails, Zipf weights and backoff factors', () => {
    const far: string[] = [];
    for (let k = 0; k < N / 4; k++) {
      const pairs: [number, number][] = [
        [1 - rng.next(), 1 / (1 + Math.floor(rng.next() * 100_000))],
        [rng.next() * 3, (rng.next() - 0.5) * 60],
        [1 + Math.floor(rng.next() * 1e6), rng.next() * 2],
        [1 + rng.next() * 2, Math.floor(rng.next() * 40)],
      ];
      for (const [x, y] of pairs) if (Math.abs(ulps(pow(x, y), Math.pow(x, y))) > 1) far.push(`${String(x)} ** ${String(y)}`);
    }
    expect(far).toEqual([]);
  });

  it('pow of 2 and of a power of two is exact', () => {
    for (let n = -1074; n <= 1023; n++) expect(pow(2, n)).toBe(2 ** n);
    for (let n = 0; n < 60; n++) expect(pow(0.5, n)).toBe(0.5 ** n);
  });

  it('special values as ECMAScript defines them for Math.*', () => {
    const specials = [0, -0, 1, -1, 2, 0.5, -0.5, 3, -3, Infinity, -Infinity, NaN, 5e-324, -5e-324, 1e-310, 1e308, 1024, -1075, -745.2, 709.78, 1.5];
    for (const x of specials) {
      expect(log(x), `log(${String(x)})`).toBe(Math.log(x));
      expect(exp(x), `exp(${String(x)})`).toBe(Math.exp(x));
      if (Math.abs(x) < 1e5) expect(cos(x), `cos(${String(x)})`).toBe(Math.cos(x));
      for (const y of specials) {
        const a = pow(x, y);
        const b = Math.pow(x, y);
        if (Number.isFinite(b) && b !== 0) expect(Math.abs(ulps(a, b)), `${String(x)} ** ${String(y)}`).toBeLessThanOrEqual(1);
        else expect(a, `${String(x)} ** ${String(y)}`).toBe(b);
      }
    }
  });

  it('is monotone where the functions are (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-300, max: 1e300, noNaN: true }), fc.double({ min: 1e-300, max: 1e300, noNaN: true }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(log(lo)).toBeLessThanOrEqual(log(hi));
      }),
    );
    fc.assert(
      fc.property(fc.double({ min: -700, max: 700, noNaN: true }), fc.double({ min: -700, max: 700, noNaN: true }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(exp(lo)).toBeLessThanOrEqual(exp(hi));
      }),
    );
  });
});
