import { describe, expect, it } from 'vitest';
import { RngStreams, compileDistribution, type Distribution, type DistributionSpec, type Rng } from '../../src/engine/index.js';

const N = 200_000;

function sampleMany(dist: Distribution, n: number, seed = 12345): Float64Array {
  const rng = new RngStreams(seed).stream('samples');
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = dist.sample(rng);
  return out;
}

function sampleMoments(xs: Float64Array): { mean: number; variance: number } {
  let sum = 0;
  for (const x of xs) sum += x;
  const mean = sum / xs.length;
  let ss = 0;
  for (const x of xs) ss += (x - mean) * (x - mean);
  return { mean, variance: ss / (xs.length - 1) };
}

function fractionWhere(xs: Float64Array, predicate: (x: number) => boolean): number {
  let count = 0;
  for (const x of xs) if (predicate(x)) count++;
  return count / xs.length;
}

/** Central fourth moment from the raw moments E[X], E[X^2], E[X^3], E[X^4]. */
function centralFourth(m1: number, m2: number, m3: number, m4: number): number {
  return m4 - 4 * m1 * m3 + 6 * m1 * m1 * m2 - 3 * m1 ** 4;
}

/** Asserts |actual - expected| <= tolerance, with a message naming the quantity. */
function expectNear(actual: number, expected: number, tolerance: number, what: string): void {
  expect(
    Math.abs(actual - expected),
    `${what}: ${String(actual)} vs ${String(expected)} (tolerance ${String(tolerance)})`,
  ).toBeLessThanOrEqual(tolerance);
}

/** Asserts two exactly computed numbers agree to rounding. */
function expectSameNumber(actual: number, expected: number, what: string): void {
  expectNear(actual, expected, 1e-12 * Math.max(1, Math.abs(expected)), what);
}

/** Checks a binomial proportion against its probability within 5 standard errors. */
function expectProportion(observed: number, p: number, n: number, what: string): void {
  expectNear(observed, p, 5 * Math.sqrt((p * (1 - p)) / n), what);
}

function chiSquared(observed: readonly number[], expected: readonly number[]): number {
  let stat = 0;
  observed.forEach((o, i) => {
    const e = expected[i] as number;
    stat += ((o - e) * (o - e)) / e;
  });
  return stat;
}

// Upper 0.1% points of the chi-squared distribution (standard tables), by degrees of freedom.
const CHI2_CRITICAL_P001: Record<number, number> = { 3: 16.266, 4: 18.467, 5: 20.515 };

interface MomentCase {
  title: string;
  spec: DistributionSpec;
  /** The textbook formulas, written out independently of the implementation. */
  mean: number;
  variance: number;
  /** Central fourth moment, for the standard error of the sample variance: Var(s²) ≈ (μ4 − σ⁴)/n. */
  mu4: number;
  /** How many standard errors the sample variance may deviate; 5 unless the tail justifies more. */
  varianceStandardErrors?: number;
}

function paretoRaw(scale: number, shape: number, k: number): number {
  // E[X^k] = shape * scale^k / (shape - k), for k < shape.
  return (shape * scale ** k) / (shape - k);
}

function lognormalCase(mean: number, std: number): MomentCase {
  // Underlying normal: sigma² = ln(1 + (std/mean)²), mu = ln(mean) − sigma²/2;
  // then E[X] = exp(mu + sigma²/2) and Var[X] = (exp(sigma²) − 1)·exp(2mu + sigma²).
  const s2 = Math.log(1 + (std / mean) ** 2);
  const mu = Math.log(mean) - s2 / 2;
  const variance = (Math.exp(s2) - 1) * Math.exp(2 * mu + s2);
  const excessKurtosis = Math.exp(4 * s2) + 2 * Math.exp(3 * s2) + 3 * Math.exp(2 * s2) - 6;
  return {
    title: `lognormal(mean ${String(mean)}, std ${String(std)})`,
    spec: { kind: 'lognormal', mean, std },
    mean: Math.exp(mu + s2 / 2),
    variance,
    mu4: (excessKurtosis + 3) * variance * variance,
  };
}

function paretoCase(scale: number, shape: number): MomentCase {
  const m1 = paretoRaw(scale, shape, 1);
  const m2 = paretoRaw(scale, shape, 2);
  return {
    title: `pareto(scale ${String(scale)}, shape ${String(shape)})`,
    spec: { kind: 'pareto', scale, shape },
    mean: (shape * scale) / (shape - 1),
    variance: (scale * scale * shape) / ((shape - 1) ** 2 * (shape - 2)),
    mu4: centralFourth(m1, m2, paretoRaw(scale, shape, 3), paretoRaw(scale, shape, 4)),
    // With shape 5 the fourth moment is finite, so the sample variance is asymptotically normal,
    // but its right tail is set by single large draws: P(X > t) = (scale/t)^5. Shifting s² by 10
    // standard errors on its own takes one draw with X² > 10·SE·n, about 57·scale here, which
    // happens in 200k draws with probability about n·57^-5 ≈ 3e-4; 5 SE would be about 0.2%.
    varianceStandardErrors: 10,
  };
}

function empiricalCase(title: string, values: readonly number[], weights?: readonly number[]): MomentCase {
  const w = weights ?? values.map(() => 1);
  const total = w.reduce((a, b) => a + b, 0);
  const p = w.map((x) => x / total);
  const mean = values.reduce((acc, v, i) => acc + (p[i] as number) * v, 0);
  const variance = values.reduce((acc, v, i) => acc + (p[i] as number) * (v - mean) ** 2, 0);
  const mu4 = values.reduce((acc, v, i) => acc + (p[i] as number) * (v - mean) ** 4, 0);
  const spec: DistributionSpec = weights === undefined ? { kind: 'empirical', values } : { kind: 'empirical', values, weights };
  return { title, spec, mean, variance, mu4 };
}

const uniformWidth = 11 - 3;
const momentCases: MomentCase[] = [
  {
    title: 'uniform(3, 11)',
    spec: { kind: 'uniform', min: 3, max: 11 },
    mean: (3 + 11) / 2,
    variance: uniformWidth ** 2 / 12,
    mu4: uniformWidth ** 4 / 80,
  },
  {
    title: 'exponential(mean 250): variance = mean²',
    spec: { kind: 'exponential', mean: 250 },
    mean: 250,
    variance: 250 ** 2,
    mu4: 9 * 250 ** 4,
  },
  {
    title: 'normal(100, 15)',
    spec: { kind: 'normal', mean: 100, std: 15 },
    mean: 100,
    variance: 15 ** 2,
    mu4: 3 * 15 ** 4,
  },
  {
    title: 'normal(100, 15) with min 0, which is 6.7 std below the mean and so practically never binds',
    spec: { kind: 'normal', mean: 100, std: 15, min: 0 },
    mean: 100,
    variance: 15 ** 2,
    mu4: 3 * 15 ** 4,
  },
  lognormalCase(200, 120),
  lognormalCase(5, 1),
  paretoCase(10, 5),
  empiricalCase('empirical with plain values', [2, 3, 5, 7, 11, 13]),
  empiricalCase('empirical with weights', [10, 20, 30, 40], [1, 2, 3, 4]),
  empiricalCase('empirical with unnormalised weights and repeated values', [1, 1, 4, 100], [0.5, 0.25, 2, 0.05]),
];

describe('compileDistribution: moments', () => {
  for (const c of momentCases) {
    describe(c.title, () => {
      const dist = compileDistribution(c.spec);

      it('reports the textbook mean and variance', () => {
        expectSameNumber(dist.mean, c.mean, 'mean');
        expectSameNumber(dist.variance, c.variance, 'variance');
        expect(dist.spec).toEqual(c.spec);
      });

      it(`has a sample mean and variance over ${String(N)} draws within the standard-error bounds of the formulas`, () => {
        const xs = sampleMany(dist, N);
        const { mean, variance } = sampleMoments(xs);
        const meanTolerance = 5 * Math.sqrt(c.variance / N);
        const varianceTolerance = (c.varianceStandardErrors ?? 5) * Math.sqrt((c.mu4 - c.variance ** 2) / N);
        expectNear(mean, c.mean, meanTolerance, 'sample mean vs formula');
        expectNear(mean, dist.mean, meanTolerance, 'sample mean vs dist.mean');
        expectNear(variance, c.variance, varianceTolerance, 'sample variance vs formula');
        expectNear(variance, dist.variance, varianceTolerance, 'sample variance vs dist.variance');
      });
    });
  }
});

describe('compileDistribution: shapes', () => {
  it('constant always returns its value and has zero variance', () => {
    const dist = compileDistribution({ kind: 'constant', value: 42.5 });
    expect(dist.mean).toBe(42.5);
    expect(dist.variance).toBe(0);
    const xs = sampleMany(dist, 1000);
    expect(xs.every((x) => x === 42.5)).toBe(true);
  });

  it('uniform stays in [min, max) and fills each tenth of the range equally', () => {
    const dist = compileDistribution({ kind: 'uniform', min: -2, max: 3 });
    const xs = sampleMany(dist, N);
    expect(fractionWhere(xs, (x) => x < -2 || x >= 3)).toBe(0);
    for (let k = 0; k < 10; k++) {
      const lo = -2 + k * 0.5;
      expectProportion(
        fractionWhere(xs, (x) => x >= lo && x < lo + 0.5),
        0.1,
        N,
        `fraction in [${String(lo)}, ${String(lo + 0.5)})`,
      );
    }
  });

  it('exponential is non-negative with survival exp(−t/mean)', () => {
    const mean = 40;
    const xs = sampleMany(compileDistribution({ kind: 'exponential', mean }), N);
    expect(fractionWhere(xs, (x) => x < 0)).toBe(0);
    for (const t of [10, 40, 120]) {
      expectProportion(fractionWhere(xs, (x) => x > t), Math.exp(-t / mean), N, `P(X > ${String(t)})`);
    }
  });

  it('normal puts 68.27% of draws within one std and 95.45% within two', () => {
    const xs = sampleMany(compileDistribution({ kind: 'normal', mean: -5, std: 2 }), N);
    expectProportion(fractionWhere(xs, (x) => Math.abs(x + 5) < 2), 0.682689, N, 'P(|Z| < 1)');
    expectProportion(fractionWhere(xs, (x) => Math.abs(x + 5) < 4), 0.954500, N, 'P(|Z| < 2)');
    expectProportion(fractionWhere(xs, (x) => x < -5), 0.5, N, 'P(Z < 0)');
  });

  it('lognormal has a log that is normal with sigma² = ln(1 + (std/mean)²) and mu = ln(mean) − sigma²/2', () => {
    const mean = 200;
    const std = 120;
    const s2 = Math.log(1 + (std / mean) ** 2);
    const mu = Math.log(mean) - s2 / 2;
    const xs = sampleMany(compileDistribution({ kind: 'lognormal', mean, std }), N);
    expect(fractionWhere(xs, (x) => !(x > 0))).toBe(0);
    const logs = xs.map(Math.log);
    const m = sampleMoments(logs);
    expectNear(m.mean, mu, 5 * Math.sqrt(s2 / N), 'mean of ln X');
    expectNear(m.variance, s2, 5 * Math.sqrt((2 * s2 * s2) / N), 'variance of ln X');
    expectProportion(fractionWhere(xs, (x) => x < Math.exp(mu)), 0.5, N, 'P(X < median)');
  });

  it('pareto never falls below its scale and has survival (scale/t)^shape', () => {
    for (const shape of [1.5, 3, 5]) {
      const scale = 10;
      const xs = sampleMany(compileDistribution({ kind: 'pareto', scale, shape }), N);
      expect(fractionWhere(xs, (x) => x < scale)).toBe(0);
      for (const t of [12, 20, 50]) {
        expectProportion(fractionWhere(xs, (x) => x > t), (scale / t) ** shape, N, `shape ${String(shape)}: P(X > ${String(t)})`);
      }
    }
  });

  it('pareto with shape 3 (finite variance, infinite fourth moment) has a sample mean within 5 standard errors', () => {
    // A finite variance is enough for the central limit theorem on the mean; the sample variance
    // itself has no standard error here, so only the mean is checked against the formula.
    const scale = 10;
    const shape = 3;
    const dist = compileDistribution({ kind: 'pareto', scale, shape });
    const mean = (shape * scale) / (shape - 1);
    const variance = (scale * scale * shape) / ((shape - 1) ** 2 * (shape - 2));
    expectSameNumber(dist.mean, mean, 'mean');
    expectSameNumber(dist.variance, variance, 'variance');
    const xs = sampleMany(dist, N);
    expectNear(sampleMoments(xs).mean, mean, 5 * Math.sqrt(variance / N), 'sample mean');
  });

  it('pareto reports an infinite mean for shape ≤ 1 and an infinite variance for shape ≤ 2', () => {
    for (const shape of [0.5, 1]) {
      const dist = compileDistribution({ kind: 'pareto', scale: 3, shape });
      expect(dist.mean).toBe(Infinity);
      expect(dist.variance).toBe(Infinity);
    }
    for (const shape of [1.5, 2]) {
      const dist = compileDistribution({ kind: 'pareto', scale: 3, shape });
      expectSameNumber(dist.mean, (shape * 3) / (shape - 1), `mean for shape ${String(shape)}`);
      expect(dist.variance).toBe(Infinity);
    }
  });
});

describe('compileDistribution: normal with min', () => {
  it('clamps draws below min to exactly min rather than redrawing them', () => {
    // Clamped at the mean: half of the mass sits on min. For X = mu + sigma·max(0, Z) the raw
    // moments of W = max(0, Z) are E[W] = 1/sqrt(2π), E[W²] = 1/2, E[W³] = 2/sqrt(2π), E[W⁴] = 3/2.
    const mu = 50;
    const sigma = 8;
    const dist = compileDistribution({ kind: 'normal', mean: mu, std: sigma, min: mu });
    const xs = sampleMany(dist, N);
    expect(fractionWhere(xs, (x) => x < mu)).toBe(0);
    expectProportion(fractionWhere(xs, (x) => x === mu), 0.5, N, 'P(X = min)');

    const w1 = 1 / Math.sqrt(2 * Math.PI);
    const w2 = 0.5;
    const mean = mu + sigma * w1;
    const variance = sigma ** 2 * (w2 - w1 * w1);
    const mu4 = sigma ** 4 * centralFourth(w1, w2, 2 * w1, 1.5);
    const m = sampleMoments(xs);
    expectNear(m.mean, mean, 5 * Math.sqrt(variance / N), 'clamped mean');
    expectNear(m.variance, variance, 5 * Math.sqrt((mu4 - variance ** 2) / N), 'clamped variance');
  });

  it('leaves draws above min untouched', () => {
    const unclamped = sampleMany(compileDistribution({ kind: 'normal', mean: 0, std: 1 }), 10_000, 8);
    const clamped = sampleMany(compileDistribution({ kind: 'normal', mean: 0, std: 1, min: -0.5 }), 10_000, 8);
    const mismatches: number[] = [];
    unclamped.forEach((x, i) => {
      if ((clamped[i] as number) !== Math.max(-0.5, x)) mismatches.push(i);
    });
    expect(mismatches).toEqual([]);
  });
});

describe('compileDistribution: empirical', () => {
  it('picks each value in proportion to its weight (chi-squared)', () => {
    const values = [10, 20, 30, 40];
    const weights = [1, 2, 3, 4];
    const xs = sampleMany(compileDistribution({ kind: 'empirical', values, weights }), N);
    const counts = values.map((v) => xs.filter((x) => x === v).length);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(N);
    const expected = weights.map((w) => (N * w) / 10);
    expect(chiSquared(counts, expected)).toBeLessThan(CHI2_CRITICAL_P001[3] as number);
  });

  it('picks plain values with equal probability (chi-squared)', () => {
    const values = [2, 3, 5, 7, 11, 13];
    const xs = sampleMany(compileDistribution({ kind: 'empirical', values }), N);
    const counts = values.map((v) => xs.filter((x) => x === v).length);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(N);
    expect(chiSquared(counts, values.map(() => N / values.length))).toBeLessThan(CHI2_CRITICAL_P001[5] as number);
  });

  it('never picks a value whose weight is zero, at either end or in the middle', () => {
    const values = [1, 2, 3, 4, 5];
    const weights = [0, 1, 0, 1, 0];
    const xs = sampleMany(compileDistribution({ kind: 'empirical', values, weights }), 50_000);
    const counts = values.map((v) => xs.filter((x) => x === v).length);
    expect([counts[0], counts[2], counts[4]]).toEqual([0, 0, 0]);
    expectProportion((counts[1] as number) / 50_000, 0.5, 50_000, 'P(2)');
    // Even a draw of exactly 0 skips a leading zero-weight value.
    expect(compileDistribution({ kind: 'empirical', values, weights }).sample({ next: () => 0 })).toBe(2);
  });

  it('gives each value the half-open interval [previous cumulative weight, cumulative weight) of the draw', () => {
    const dist = compileDistribution({ kind: 'empirical', values: [1, 2, 3], weights: [1, 2, 1] });
    expect(dist.sample({ next: () => 0.25 - 2 ** -40 })).toBe(1);
    expect(dist.sample({ next: () => 0.25 })).toBe(2);
    expect(dist.sample({ next: () => 0.75 - 2 ** -40 })).toBe(2);
    expect(dist.sample({ next: () => 0.75 })).toBe(3);
  });

  it('maps the extremes of the uniform draw onto the first and last values', () => {
    const dist = compileDistribution({ kind: 'empirical', values: [7, 8, 9], weights: [1, 1, 1] });
    expect(dist.sample({ next: () => 0 })).toBe(7);
    expect(dist.sample({ next: () => 1 - 2 ** -53 })).toBe(9);
    const single = compileDistribution({ kind: 'empirical', values: [3] });
    expect(single.sample({ next: () => 0.7 })).toBe(3);
    expect(single.mean).toBe(3);
    expect(single.variance).toBe(0);
  });
});

describe('compileDistribution: determinism and draw consumption', () => {
  const specs: DistributionSpec[] = [
    { kind: 'uniform', min: 0, max: 1 },
    { kind: 'exponential', mean: 3 },
    { kind: 'normal', mean: 0, std: 1 },
    { kind: 'normal', mean: 0, std: 1, min: 0 },
    { kind: 'lognormal', mean: 2, std: 1 },
    { kind: 'pareto', scale: 1, shape: 2.5 },
    { kind: 'empirical', values: [1, 2, 3] },
    { kind: 'empirical', values: [1, 2, 3], weights: [3, 2, 1] },
  ];

  for (const spec of specs) {
    it(`${JSON.stringify(spec)}: the same seed gives the same samples and another seed gives different ones`, () => {
      const dist = compileDistribution(spec);
      const a = sampleMany(dist, 2000, 77);
      const b = sampleMany(compileDistribution(spec), 2000, 77);
      const c = sampleMany(dist, 2000, 78);
      expect(Array.from(a)).toEqual(Array.from(b));
      expect(Array.from(c)).not.toEqual(Array.from(a));
    });
  }

  it('consumes a fixed number of uniform draws per sample: 0 for constant, 2 for normal and lognormal, 1 otherwise', () => {
    const expectedDraws: [DistributionSpec, number][] = [
      [{ kind: 'constant', value: 1 }, 0],
      [{ kind: 'uniform', min: 0, max: 1 }, 1],
      [{ kind: 'exponential', mean: 1 }, 1],
      [{ kind: 'normal', mean: 0, std: 1 }, 2],
      [{ kind: 'normal', mean: 0, std: 1, min: 0 }, 2],
      [{ kind: 'lognormal', mean: 1, std: 1 }, 2],
      [{ kind: 'pareto', scale: 1, shape: 3 }, 1],
      [{ kind: 'empirical', values: [1, 2, 3], weights: [1, 5, 1] }, 1],
    ];
    for (const [spec, perSample] of expectedDraws) {
      const inner = new RngStreams(1).stream('count');
      let calls = 0;
      const counting: Rng = {
        next: () => {
          calls++;
          return inner.next();
        },
      };
      const dist = compileDistribution(spec);
      for (let i = 0; i < 1000; i++) dist.sample(counting);
      expect(calls, spec.kind).toBe(1000 * perSample);
    }
  });
});
