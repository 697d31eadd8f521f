import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { erlangB, erlangC, littleL, mmcMeanWait, smallestServersErlangB, smallestServersMmcWait } from '../../src/metrics/index.js';

/** n / d as a double (within an ulp), for non-negative BigInts n and positive d. */
function ratio(n: bigint, d: bigint): number {
  if (n === 0n) return 0;
  // Scale so that the integer quotient has about 64 bits, then undo the scale by a power of two.
  const shift = d.toString(2).length - n.toString(2).length + 64;
  const quotient = shift >= 0 ? (n << BigInt(shift)) / d : n / (d << BigInt(-shift));
  return Number(quotient) * 2 ** -shift;
}

/** c! / k! = (k + 1)(k + 2)…c. */
function fallingFrom(c: number, k: number): bigint {
  let product = 1n;
  for (let i = k + 1; i <= c; i++) product *= BigInt(i);
  return product;
}

/**
 * Erlang B in exact rational arithmetic from the closed form (A^c / c!) / Σ_{k≤c} A^k / k!, for an
 * integer A, times c!: numerator A^c, denominator Σ A^k·c!/k!.
 */
function exactErlangB(c: number, a: number): { numerator: bigint; denominator: bigint } {
  const big = BigInt(a);
  let denominator = 0n;
  for (let k = 0; k <= c; k++) denominator += big ** BigInt(k) * fallingFrom(c, k);
  return { numerator: big ** BigInt(c), denominator };
}

/** Erlang C in exact rationals, integer A < c: (A^c/c!)·c/(c−A) / (Σ_{k<c} A^k/k! + (A^c/c!)·c/(c−A)), times c!·(c − A). */
function exactErlangC(c: number, a: number): number {
  const big = BigInt(a);
  const last = big ** BigInt(c) * BigInt(c);
  let sum = 0n;
  for (let k = 0; k < c; k++) sum += big ** BigInt(k) * fallingFrom(c, k) * BigInt(c - a);
  return ratio(last, sum + last);
}

/** M/M/c mean queueing wait from the textbook P0 form: L_q = P0·A^c·ρ / (c!·(1 − ρ)²), W_q = L_q / λ. */
function textbookMeanWait(c: number, lambda: number, mu: number): number {
  const a = lambda / mu;
  const rho = a / c;
  let term = 1;
  let sum = 0;
  for (let k = 0; k < c; k++) {
    sum += term;
    term *= a / (k + 1);
  }
  // term is now A^c / c!
  const p0 = 1 / (sum + term / (1 - rho));
  return (p0 * term * rho) / (1 - rho) ** 2 / lambda;
}

/** 1 / B(n, A) = Σ_{j=0..n} n!/(n−j)! / A^j, summed directly until the terms vanish: another route to Erlang B. */
function erlangBBySum(n: number, a: number): number {
  let term = 1;
  let sum = 1;
  for (let j = 1; j <= n && term > 1e-20 * sum; j++) {
    term *= (n - j + 1) / a;
    sum += term;
  }
  return 1 / sum;
}

describe('Erlang B', () => {
  it('matches the published value for 10 servers offered 5 erlangs (0.018385) and the exact rational', () => {
    const { numerator, denominator } = exactErlangB(10, 5);
    expect(ratio(numerator, denominator)).toBeCloseTo(0.018385, 6);
    expect(erlangB(10, 5)).toBeCloseTo(ratio(numerator, denominator), 15);
  });

  it('equals the exact rational closed form on a grid of small c and integer A', () => {
    for (let c = 0; c <= 40; c += 3) {
      for (const a of [0, 1, 2, 7, 20, 45]) {
        const { numerator, denominator } = exactErlangB(c, a);
        const exact = ratio(numerator, denominator);
        expect(Math.abs(erlangB(c, a) - exact)).toBeLessThanOrEqual(1e-14 * exact);
      }
    }
  });

  it('is 1 with no servers and 0 with no load', () => {
    expect(erlangB(0, 3.5)).toBe(1);
    expect(erlangB(0, 0)).toBe(1);
    expect(erlangB(5, 0)).toBe(0);
  });

  it('stays finite and right for a million servers offered a million erlangs', () => {
    for (const [c, a] of [
      [1_000_000, 1_000_000],
      [1_000_000, 990_000],
      [1_002_000, 1_000_000],
    ] as const) {
      const b = erlangB(c, a);
      expect(b).toBeGreaterThan(0);
      expect(b).toBeLessThan(1);
      expect(Math.abs(b - erlangBBySum(c, a))).toBeLessThan(1e-9 * b);
    }
    // At c = A the blocking is close to √(2 / (π·A)) (the Poisson point mass over a half).
    expect(erlangB(1_000_000, 1_000_000) / Math.sqrt(2 / (Math.PI * 1e6))).toBeCloseTo(1, 2);
  });

  it('falls with more servers and rises with more load (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.double({ min: 0, max: 400, noNaN: true }), (c, a) => {
        expect(erlangB(c + 1, a)).toBeLessThanOrEqual(erlangB(c, a));
        expect(erlangB(c, a)).toBeLessThanOrEqual(erlangB(c, a * 1.01 + 0.01));
      }),
    );
  });

  it('rejects negative, fractional and NaN arguments', () => {
    expect(() => erlangB(-1, 1)).toThrow(TypeError);
    expect(() => erlangB(2.5, 1)).toThrow(TypeError);
    expect(() => erlangB(Number.NaN, 1)).toThrow(TypeError);
    expect(() => erlangB(3, -1)).toThrow(TypeError);
    expect(() => erlangB(3, Number.NaN)).toThrow(TypeError);
    expect(() => erlangB(3, Infinity)).toThrow(TypeError);
  });
});

describe('Erlang C and the M/M/c mean wait', () => {
  it('gives 1/3 for two servers offered one erlang, and the exact rational on a grid', () => {
    expect(exactErlangC(2, 1)).toBeCloseTo(1 / 3, 15);
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 15);
    for (const c of [1, 2, 5, 13, 30]) {
      for (let a = 0; a < c; a += Math.max(1, Math.floor(c / 4))) {
        const exact = exactErlangC(c, a);
        expect(Math.abs(erlangC(c, a) - exact)).toBeLessThanOrEqual(1e-14 * Math.max(exact, 1e-300));
      }
    }
  });

  it('is 1 when the load reaches the servers (the queue grows without bound)', () => {
    expect(erlangC(4, 4)).toBe(1);
    expect(erlangC(4, 9.5)).toBe(1);
    expect(erlangC(0, 0)).toBe(1);
  });

  it('is never below Erlang B, and falls with more servers (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.double({ min: 0, max: 1, noNaN: true }), (c, load) => {
        const a = load * c * 0.999;
        expect(erlangC(c, a)).toBeGreaterThanOrEqual(erlangB(c, a));
        expect(erlangC(c + 1, a)).toBeLessThanOrEqual(erlangC(c, a));
      }),
    );
  });

  it('gives the M/M/1 wait ρ/(μ − λ) with one server', () => {
    for (const [lambda, mu] of [
      [0.6, 1],
      [3, 4],
      [0.001, 0.5],
    ] as const) {
      expect(mmcMeanWait(1, lambda, mu)).toBeCloseTo(lambda / mu / (mu - lambda), 12);
    }
  });

  it('agrees with the textbook P0 form of M/M/c', () => {
    for (const [c, lambda, mu] of [
      [4, 3.2, 1],
      [10, 8, 1],
      [50, 45, 1],
      [3, 0.5, 0.25],
    ] as const) {
      const expected = textbookMeanWait(c, lambda, mu);
      expect(Math.abs(mmcMeanWait(c, lambda, mu) - expected)).toBeLessThan(1e-12 * expected);
    }
  });

  it('is Infinity when λ ≥ c·μ and 0 with no arrivals', () => {
    expect(mmcMeanWait(2, 2, 1)).toBe(Infinity);
    expect(mmcMeanWait(2, 3, 1)).toBe(Infinity);
    expect(mmcMeanWait(0, 1, 1)).toBe(Infinity);
    expect(mmcMeanWait(3, 0, 1)).toBe(0);
  });

  it('falls with more servers (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.double({ min: 0.01, max: 100, noNaN: true }), (c, mu) => {
        const lambda = c * mu * 0.95;
        expect(mmcMeanWait(c + 1, lambda, mu)).toBeLessThanOrEqual(mmcMeanWait(c, lambda, mu));
      }),
    );
  });

  it('rejects a zero or negative service rate and negative arrivals', () => {
    expect(() => mmcMeanWait(2, 1, 0)).toThrow(TypeError);
    expect(() => mmcMeanWait(2, -1, 1)).toThrow(TypeError);
    expect(() => mmcMeanWait(2, Number.NaN, 1)).toThrow(TypeError);
    expect(() => erlangC(-2, 1)).toThrow(TypeError);
  });
});

describe('the smallest fleet for a bound', () => {
  it('needs 117 servers to block at most 1 % of 100 erlangs (checked in exact rationals)', () => {
    expect(smallestServersErlangB(100, 0.01)).toBe(117);
    // B(c) ≤ 1/100 ⟺ 100·A^c ≤ Σ A^k·c!/k!
    const at117 = exactErlangB(117, 100);
    const at116 = exactErlangB(116, 100);
    expect(100n * at117.numerator <= at117.denominator).toBe(true);
    expect(100n * at116.numerator > at116.denominator).toBe(true);
  });

  it('is the least c meeting the blocking bound (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 2000, noNaN: true }), fc.double({ min: 1e-9, max: 1, noNaN: true }), (a, bound) => {
        const c = smallestServersErlangB(a, bound);
        expect(erlangB(c, a)).toBeLessThanOrEqual(bound);
        if (c > 0) expect(erlangB(c - 1, a)).toBeGreaterThan(bound);
      }),
    );
  });

  it('is quick and exact for a million erlangs', () => {
    const a = 1_000_000;
    const c = smallestServersErlangB(a, 0.01);
    expect(erlangB(c, a)).toBeLessThanOrEqual(0.01);
    expect(erlangB(c - 1, a)).toBeGreaterThan(0.01);
    expect(erlangBBySum(c, a)).toBeLessThanOrEqual(0.01 * (1 + 1e-9));
    expect(erlangBBySum(c - 1, a)).toBeGreaterThan(0.01 * (1 - 1e-9));
    // At this scale 1 % blocking takes fewer servers than erlangs: about A·(1 − 1 %), since the
    // servers carry A·(1 − B) erlangs nearly all the time.
    expect(c).toBeGreaterThan(a * 0.98);
    expect(c).toBeLessThan(a);
  });

  it('needs no servers for a blocking bound of 1, one server for no load', () => {
    expect(smallestServersErlangB(50, 1)).toBe(0);
    expect(smallestServersErlangB(0, 0.5)).toBe(1);
    expect(() => smallestServersErlangB(5, 0)).toThrow(TypeError);
    expect(() => smallestServersErlangB(5, 1.5)).toThrow(TypeError);
    expect(() => smallestServersErlangB(-5, 0.1)).toThrow(TypeError);
  });

  it('is the least c meeting the M/M/c wait bound (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 500, noNaN: true }),
        fc.double({ min: 0.01, max: 10, noNaN: true }),
        fc.double({ min: 1e-6, max: 10, noNaN: true }),
        (lambda, mu, bound) => {
          const c = smallestServersMmcWait(lambda, mu, bound);
          expect(mmcMeanWait(c, lambda, mu)).toBeLessThanOrEqual(bound);
          if (c > 0) expect(mmcMeanWait(c - 1, lambda, mu)).toBeGreaterThan(bound);
        },
      ),
    );
  });

  it('sizes the four-core example of the model tests: 3.2 handshakes/ms of 1 ms need 6 cores for a 0.1 ms mean wait', () => {
    // Textbook form: c = 4 waits 0.746 ms, c = 5 0.160 ms, c = 6 0.045 ms.
    expect(textbookMeanWait(5, 3.2, 1)).toBeGreaterThan(0.1);
    expect(textbookMeanWait(6, 3.2, 1)).toBeLessThanOrEqual(0.1);
    expect(smallestServersMmcWait(3.2, 1, 0.1)).toBe(6);
    expect(smallestServersMmcWait(3.2, 1, Infinity)).toBe(4);
    expect(smallestServersMmcWait(0, 1, 1)).toBe(1);
    expect(() => smallestServersMmcWait(1, 1, 0)).toThrow(TypeError);
    expect(() => smallestServersMmcWait(1, 0, 1)).toThrow(TypeError);
  });
});

describe("Little's law", () => {
  it('is λ·W, 0 when either is 0', () => {
    expect(littleL(50, 20)).toBe(1000);
    expect(littleL(0, Infinity)).toBe(0);
    expect(littleL(2, 0)).toBe(0);
    // M/M/c: L_q = λ·W_q.
    expect(littleL(3.2, mmcMeanWait(4, 3.2, 1))).toBeCloseTo(3.2 * textbookMeanWait(4, 3.2, 1), 12);
    expect(() => littleL(-1, 1)).toThrow(TypeError);
    expect(() => littleL(1, Number.NaN)).toThrow(TypeError);
  });
});
