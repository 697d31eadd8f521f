import { exp, log } from '../numeric/fmath.js';

/** Two-sided 97.5 % quantiles of Student's t for 1–30 degrees of freedom. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093,
  2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** Student's t quantile for a 95 % two-sided interval; the normal 1.96 beyond 30 degrees of freedom. */
export function tQuantile95(df: number): number {
  return df >= 1 && df <= 30 ? (T975[df - 1] as number) : 1.96;
}

export interface MeanCi {
  mean: number;
  /** Half-width of the 95 % confidence interval of the mean; 0 with one sample. */
  ci95: number;
  n: number;
}

/** Mean and standard error s/√n (s with n − 1) of independent samples; error NaN with none, 0 with one. */
function meanAndError(values: readonly number[]): { mean: number; error: number; n: number } {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, error: Number.NaN, n };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, error: 0, n };
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  return { mean, error: Math.sqrt(variance / n), n };
}

/** Mean and 95 % confidence half-width (Student t) of independent samples. */
export function meanCi(values: readonly number[]): MeanCi {
  const { mean, error, n } = meanAndError(values);
  return { mean, ci95: n > 1 ? tQuantile95(n - 1) * error : error, n };
}

/**
 * Mean and one-sided confidence half-width of independent (normal) samples: the bound
 * mean + halfWidth lies above the true mean with probability `confidence` (in [0.5, 1)), and so does
 * mean − halfWidth below it. halfWidth = t_{confidence, n−1}·s/√n with s the sample standard deviation
 * (n − 1); 0 with one sample, NaN (and a NaN mean) with none.
 */
export function oneSidedHalfWidth(values: readonly number[], confidence: number): { mean: number; halfWidth: number; n: number } {
  if (!(confidence >= 0.5 && confidence < 1)) throw new TypeError(`confidence must be in [0.5, 1), got ${confidence}`);
  const { mean, error, n } = meanAndError(values);
  return { mean, halfWidth: n > 1 ? tQuantile(confidence, n - 1) * error : error, n };
}

/** max / mean (of connections per unit of weight at the end), 0 for an empty or idle fleet. */
export function imbalance(values: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  return mean > 0 ? Math.max(...values) / mean : 0;
}

export function coefficientOfVariation(values: readonly number[]): number {
  const n = values.length;
  if (n === 0) return 0;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (mean === 0) return 0;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / n;
  return Math.sqrt(variance) / mean;
}

/**
 * The p-quantile of Student's t distribution with `df` degrees of freedom (real, ≥ 1; Infinity gives
 * the standard normal), for any p in (0, 1): t with P(T ≤ t) = p, so tQuantile(0.975, 5) ≈ 2.5706
 * and tQuantile(1 − p, df) = −tQuantile(p, df). Relative error under 1e-12 up to 10^5 degrees of freedom and
 * about 1e-11 near 10^6 (checked against 40-digit mpmath), from p = 1e-300 to p next to ½.
 *
 * The t CDF comes from the regularized incomplete beta function, P(T > t) = ½·I_{ν/(ν+t²)}(ν/2, ½),
 * evaluated by its continued fraction (modified Lentz, as `betacf` in Numerical Recipes §6.4), in
 * logarithms so that tails down to the smallest double stay exact; the quantile is the root of
 * ln P(T > t) (or of ln P(0 < T ≤ t) near the centre) in ln t, by Newton steps kept inside a bisection
 * bracket. Above 10^6 degrees of freedom it is the normal quantile (the same root-finder on the
 * incomplete gamma function, Φ(−z) = ½·Q(½, z²/2)) plus the Cornish–Fisher terms
 * (z³ + z)/(4ν) + (5z⁵ + 16z³ + 3z)/(96ν²) (Abramowitz & Stegun 26.7.5).
 * https://en.wikipedia.org/wiki/Student%27s_t-distribution#Cumulative_distribution_function
 */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new TypeError(`p must be in (0, 1), got ${p}`);
  if (!(df >= 1)) throw new TypeError(`df must be a number ≥ 1, got ${df}`);
  if (df > CORNISH_FISHER_DF) {
    const z = symmetricQuantile(p, normalTails);
    const z2 = z * z;
    return z + (z * (z2 + 1)) / (4 * df) + (z * ((5 * z2 + 16) * z2 + 3)) / (96 * df * df);
  }
  const a = df / 2;
  const lnBeta = HALF_LN_PI - lnGammaRatioHalf(a);
  const sqrtDf = Math.sqrt(df);
  return symmetricQuantile(p, (t) => tTails(t, a, sqrtDf, lnBeta));
}

/** Beyond this many degrees of freedom tQuantile uses the normal quantile and two Cornish–Fisher terms (next term below 1e-15 relative). */
const CORNISH_FISHER_DF = 1e6;
const LN_HALF = log(0.5);
const HALF_LN_PI = 0.5 * log(Math.PI);
/** ln t for the largest finite t the root-finder tries. */
const LN_LARGEST = 709.78;
const TINY = 1e-300;
const EPSILON = 1e-15;
const MAX_TERMS = 100_000;

/**
 * For a symmetric distribution at t > 0: ln P(T > t), ln P(0 < T ≤ t), and ln(t·f(t)) with f the
 * density, which is −d P(T > t) / d ln t.
 */
interface Tails {
  lnTail: number;
  lnCentral: number;
  lnSlope: number;
}

/** ln(1 + x), accurate for small x, from `log` alone (Goldberg 1991, Theorem 4). */
function log1p(x: number): number {
  const u = 1 + x;
  return u === 1 ? x : (log(u) * x) / (u - 1);
}

/** ln(1 − e^l) for l ≤ 0. */
function log1mExp(l: number): number {
  return log1p(-exp(Math.min(l, 0)));
}

/**
 * ln Γ(a + ½) − ln Γ(a), a > 0: the recurrence R(a) = R(a + 1) − ln(1 + 1/(2a)) up to a ≥ 30, then
 * the difference of two Stirling series, written so that nothing large cancels (exact to ~1e-15 even
 * for a = 10^6, where ln Γ itself is 10^7).
 */
function lnGammaRatioHalf(a: number): number {
  let shift = 0;
  let x = a;
  for (; x < 30; x++) shift += log1p(0.5 / x);
  const stirling = (y: number) => {
    const y2 = y * y;
    return (1 / 12 - (1 / 360 - (1 / 1260 - 1 / (1680 * y2)) / y2) / y2) / y;
  };
  return x * log1p(0.5 / x) - 0.5 + 0.5 * log(x) + stirling(x + 0.5) - stirling(x) - shift;
}

/** The continued fraction of I_x(a, b) (Numerical Recipes `betacf`, modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  const guard = (v: number) => (Math.abs(v) < TINY ? TINY : v);
  let c = 1;
  let d = 1 / guard(1 - (qab * x) / qap);
  let h = d;
  for (let m = 1; m <= MAX_TERMS; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 / guard(1 + aa * d);
    c = guard(1 + aa / c);
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 / guard(1 + aa * d);
    c = guard(1 + aa / c);
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < EPSILON) break;
  }
  return h;
}

/**
 * ln I_x(a, b), ln(1 − I_x(a, b)) and ln(x^a·y^b / B(a, b)) with y = 1 − x; x, y and their logarithms
 * are passed in, each computed without cancellation. The continued fraction runs on whichever side
 * converges fast (x below (a + 1)/(a + b + 2)), the other side is 1 minus it.
 */
function incompleteBeta(a: number, b: number, lnBeta: number, x: number, y: number, lnX: number, lnY: number): { lnLower: number; lnUpper: number; lnFront: number } {
  const lnFront = a * lnX + b * lnY - lnBeta;
  if (x < (a + 1) / (a + b + 2)) {
    const lnLower = Math.min(0, lnFront + log(betaContinuedFraction(a, b, x) / a));
    return { lnLower, lnUpper: log1mExp(lnLower), lnFront };
  }
  const lnUpper = Math.min(0, lnFront + log(betaContinuedFraction(b, a, y) / b));
  return { lnLower: log1mExp(lnUpper), lnUpper, lnFront };
}

/** Student's t with ν = 2a degrees of freedom: P(T > t) = ½·I_x(ν/2, ½) with x = ν/(ν + t²), and t·f(t) = x^{ν/2}·y^{½}/B(ν/2, ½). */
function tTails(t: number, a: number, sqrtDf: number, lnBeta: number): Tails {
  const s = t / sqrtDf;
  let x: number, y: number, lnX: number, lnY: number;
  if (s <= 1) {
    const s2 = s * s;
    const ln1s2 = log1p(s2);
    [x, y, lnX, lnY] = [1 / (1 + s2), s2 / (1 + s2), -ln1s2, 2 * log(s) - ln1s2];
  } else {
    const r = 1 / s;
    const r2 = r * r;
    const ln1r2 = log1p(r2);
    [x, y, lnX, lnY] = [r2 / (1 + r2), 1 / (1 + r2), 2 * log(r) - ln1r2, -ln1r2];
  }
  const { lnLower, lnUpper, lnFront } = incompleteBeta(a, 0.5, lnBeta, x, y, lnX, lnY);
  return { lnTail: LN_HALF + lnLower, lnCentral: LN_HALF + lnUpper, lnSlope: lnFront };
}

/**
 * The standard normal: P(Z > z) = ½·Q(½, z²/2) and P(0 < Z ≤ z) = ½·P(½, z²/2), the regularized
 * incomplete gamma functions by their series (x < 3/2) or continued fraction (Numerical Recipes §6.2,
 * `gser` and `gcf`); z·φ(z) = e^{−x}·x^{½}/Γ(½).
 */
function normalTails(z: number): Tails {
  const x = (z * z) / 2;
  const lnFront = -x + 0.5 * (2 * log(z) + LN_HALF) - HALF_LN_PI;
  let lnLower: number, lnUpper: number;
  if (x < 1.5) {
    let term = 2;
    let sum = 2;
    for (let n = 1; n <= MAX_TERMS && Math.abs(term) >= Math.abs(sum) * EPSILON; n++) {
      term *= x / (n + 0.5);
      sum += term;
    }
    lnLower = Math.min(0, lnFront + log(sum));
    lnUpper = log1mExp(lnLower);
  } else {
    let b = x + 0.5;
    let c = 1 / TINY;
    let d = 1 / b;
    let h = d;
    for (let i = 1; i <= MAX_TERMS; i++) {
      const an = -i * (i - 0.5);
      b += 2;
      d = an * d + b;
      if (Math.abs(d) < TINY) d = TINY;
      c = b + an / c;
      if (Math.abs(c) < TINY) c = TINY;
      d = 1 / d;
      const step = d * c;
      h *= step;
      if (Math.abs(step - 1) < EPSILON) break;
    }
    lnUpper = Math.min(0, lnFront + log(h));
    lnLower = log1mExp(lnUpper);
  }
  return { lnTail: LN_HALF + lnUpper, lnCentral: LN_HALF + lnLower, lnSlope: lnFront };
}

/**
 * The p-quantile of a distribution symmetric about 0, from its `tails`. The root is sought in u = ln t
 * on ln P(T > t) when the tail mass min(p, 1 − p) is at most ¼, else on ln P(0 < T ≤ t), so the answer
 * keeps its relative accuracy from p next to ½ (t near 0) to p next to 0 or 1 (t up to 10^308; beyond,
 * ±Infinity). Both tail masses come out of p exactly (1 − p and ½ − tail are exact in doubles there).
 */
function symmetricQuantile(p: number, tails: (t: number) => Tails): number {
  if (p === 0.5) return 0;
  const sign = p < 0.5 ? -1 : 1;
  const tail = p < 0.5 ? p : 1 - p;
  const inTail = tail <= 0.25;
  const lnTarget = log(inTail ? tail : 0.5 - tail);
  /** Rises with u; 0 at the quantile. */
  const g = (u: number) => {
    const q = tails(exp(u));
    const lnF = inTail ? q.lnTail : q.lnCentral;
    return { value: inTail ? lnTarget - lnF : lnF - lnTarget, slope: exp(q.lnSlope - lnF) };
  };
  // A bracket lo < root < hi. In the tail, t = ½ has more than ¼ beyond it for every df ≥ 1 and for the
  // normal; near the centre, t = 1 has at least ¼ between 0 and it.
  let lo: number, hi: number;
  if (inTail) {
    lo = log(0.5);
    hi = 1;
    while (g(hi).value < 0) {
      if (hi >= LN_LARGEST) return sign * Infinity;
      lo = hi;
      hi = Math.min(2 * hi, LN_LARGEST);
    }
  } else {
    hi = 0;
    lo = -1;
    while (g(lo).value > 0) {
      hi = lo;
      lo *= 2;
    }
  }
  let u = (lo + hi) / 2;
  let previousStep = hi - lo;
  for (let i = 0; i < 400; i++) {
    const { value, slope } = g(u);
    if (value === 0) break;
    if (value < 0) lo = u;
    else hi = u;
    let next = u - value / slope;
    if (!(next > lo && next < hi) || Math.abs(next - u) > previousStep / 2) next = (lo + hi) / 2;
    previousStep = Math.abs(next - u);
    u = next;
    if (previousStep <= EPSILON * Math.max(1, Math.abs(u))) break;
  }
  return sign * exp(u);
}
