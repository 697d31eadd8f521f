/**
 * `log`, `exp`, `pow` and `cos` that give the same bits on every JavaScript engine.
 *
 * `Math.log`, `Math.exp`, `Math.pow` and `Math.cos` are only required to be approximately right, and
 * engines differ in the last bit: Node 20 and current Chromium disagree on 1–10 % of random inputs,
 * enough to move a run's summary. Everything here is built from IEEE 754 additions, multiplications,
 * divisions and bit manipulation, which every engine performs exactly alike, so a run gives the same
 * bytes in Node, in a browser worker and on the next Node.
 *
 * The algorithms are those of fdlibm 5.3 (Sun Microsystems, 1993: e_log.c, e_exp.c, e_pow.c,
 * k_cos.c, k_sin.c, e_rem_pio2.c; "Permission to use, copy, modify, and distribute this software is
 * freely granted, provided that this notice is preserved"), written here for JavaScript doubles. They
 * are the algorithms V8 uses for Math.log, Math.exp and Math.cos in Node 20, so on Node 20 those three
 * return exactly what `Math.*` returns (test/numeric/fmath.test.ts checks millions of inputs). Node's
 * Math.pow is not fdlibm's and differs from this `pow` in the last bit on a few per cent of inputs; both
 * are within one ulp of the exact value.
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
/** Which 32-bit half holds the sign and exponent (1 on little-endian machines). */
const HI = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f ? 1 : 0;
const LO = 1 - HI;

function highWord(x: number): number {
  f64[0] = x;
  return (u32[HI] as number) | 0;
}
function lowWord(x: number): number {
  f64[0] = x;
  return u32[LO] as number;
}
/** `x` with its high word replaced. */
function withHigh(x: number, hi: number): number {
  f64[0] = x;
  u32[HI] = hi >>> 0;
  return f64[0];
}
/** `x` with its low word replaced. */
function withLow(x: number, lo: number): number {
  f64[0] = x;
  u32[LO] = lo >>> 0;
  return f64[0];
}
function fromWords(hi: number, lo: number): number {
  u32[HI] = hi >>> 0;
  u32[LO] = lo >>> 0;
  return f64[0] as number;
}

const TWO54 = 1.8014398509481984e16;
const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;
const LG1 = 6.666666666666735130e-1;
const LG2 = 3.999999999940941908e-1;
const LG3 = 2.857142874366239149e-1;
const LG4 = 2.222219843214978396e-1;
const LG5 = 1.818357216161805012e-1;
const LG6 = 1.531383769920937332e-1;
const LG7 = 1.479819860511658591e-1;

/**
 * Natural logarithm. x = 2^k·(1+f) with √2/2 < 1+f < √2; log(1+f) = f − s·(f − R) with s = f/(2+f) and
 * R a minimax polynomial in s², accurate to under 1 ulp.
 */
export function log(x: number): number {
  let hx = highWord(x);
  const lx = lowWord(x);
  let k = 0;
  if (hx < 0x00100000) {
    if (((hx & 0x7fffffff) | lx) === 0) return -Infinity;
    if (hx < 0) return NaN;
    // Subnormal: scale into the normal range first.
    k -= 54;
    x *= TWO54;
    hx = highWord(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i = (hx + 0x95f64) & 0x100000;
  // Normalise x or x/2 into [√2/2, √2).
  x = withHigh(x, hx | (i ^ 0x3ff00000));
  k += i >> 20;
  const f = x - 1;
  if ((0x000fffff & (2 + hx)) < 3) {
    // |f| < 2^-20
    if (f === 0) return k === 0 ? 0 : k * LN2_HI + k * LN2_LO;
    const r = f * f * (0.5 - 0.3333333333333333 * f);
    return k === 0 ? f - r : k * LN2_HI - (r - k * LN2_LO - f);
  }
  const s = f / (2 + f);
  const dk = k;
  const z = s * s;
  let i2 = hx - 0x6147a;
  const w = z * z;
  const j = 0x6b851 - hx;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  i2 |= j;
  const r = t2 + t1;
  if (i2 > 0) {
    const hfsq = 0.5 * f * f;
    return k === 0 ? f - (hfsq - s * (hfsq + r)) : dk * LN2_HI - (hfsq - (s * (hfsq + r) + dk * LN2_LO) - f);
  }
  return k === 0 ? f - s * (f - r) : dk * LN2_HI - (s * (f - r) - dk * LN2_LO - f);
}

const P1 = 1.66666666666666019037e-1;
const P2 = -2.77777777770155933842e-3;
const P3 = 6.61375632143793436117e-5;
const P4 = -1.65339022054652515390e-6;
const P5 = 4.13813679705723846039e-8;
const INV_LN2 = 1.44269504088896338700;
const O_THRESHOLD = 7.09782712893383973096e2;
const U_THRESHOLD = -7.45133219101941108420e2;
const TWOM1000 = 9.33263618503218878990e-302;

/**
 * e^x. x = k·ln2 + r with |r| ≤ ln2/2 (ln2 split in two so the reduction is exact); e^r from a
 * rational approximation; the result scaled by 2^k through its exponent bits.
 */
export function exp(x: number): number {
  let hx = highWord(x);
  const negative = hx < 0 ? 1 : 0;
  hx &= 0x7fffffff;
  // V8 returns Math.E for exp(1) (fdlibm's algorithm gives the double above it).
  if (x === 1) return Math.E;
  if (hx >= 0x40862e42) {
    // |x| ≥ 709.78…: overflow, underflow, infinities and NaN.
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | lowWord(x)) !== 0) return x + x;
      return negative === 0 ? x : 0;
    }
    if (x > O_THRESHOLD) return Infinity;
    if (x < U_THRESHOLD) return 0;
  }
  let hi = 0;
  let lo = 0;
  let k = 0;
  if (hx > 0x3fd62e42) {
    // |x| > ln2/2
    if (hx < 0x3ff0a2b2) {
      // and |x| < 1.5·ln2
      hi = negative === 0 ? x - LN2_HI : x + LN2_HI;
      lo = negative === 0 ? LN2_LO : -LN2_LO;
      k = 1 - negative - negative;
    } else {
      k = Math.trunc(INV_LN2 * x + (negative === 0 ? 0.5 : -0.5));
      hi = x - k * LN2_HI;
      lo = k * LN2_LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    // |x| < 2^-28: 1 + x is exact enough (and raises inexact in C).
    return 1 + x;
  }
  const t = x * x;
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1 - ((x * c) / (c - 2) - x);
  const y = 1 - (lo - (x * c) / (2 - c) - hi);
  if (k >= -1021) {
    if (k === 1024) return y * 2 * 8.98846567431158e307;
    return withHigh(y, highWord(y) + (k << 20));
  }
  return withHigh(y, highWord(y) + ((k + 1000) << 20)) * TWOM1000;
}

const BP = [1, 1.5] as const;
const DP_H = [0, 5.84962487220764160156e-1] as const;
const DP_L = [0, 1.35003920212974897128e-8] as const;
const L1 = 5.99999999999994648725e-1;
const L2 = 4.28571428578550184252e-1;
const L3 = 3.33333329818377432918e-1;
const L4 = 2.72728123808534006489e-1;
const L5 = 2.30660745775561754067e-1;
const L6 = 2.06975017800338417784e-1;
const LG2_FULL = 6.93147180559945286227e-1;
const LG2_H = 6.93147182464599609375e-1;
const LG2_L = -1.90465429995776804525e-9;
const OVT = 8.008566259537294e-17;
const CP = 9.61796693925975554329e-1;
const CP_H = 9.61796700954437255859e-1;
const CP_L = -7.02846165095275826516e-9;
const IVLN2_H = 1.44269502162933349609;
const IVLN2_L = 1.92596299112661746887e-8;
const TWO53 = 9007199254740992;

/**
 * x^y, with ECMAScript's special cases (1^±∞ and NaN^0 as `Math.pow` gives them). log2(x) is computed
 * in extra precision as t1 + t2, multiplied by y in two parts, and 2^(y·log2 x) rebuilt as in `exp`.
 */
export function pow(x: number, y: number): number {
  // ECMAScript differs from C here: NaN when y is NaN, and NaN for (±1)^±∞.
  if (Number.isNaN(y)) return NaN;
  if (y === 0) return 1;
  if ((x === 1 || x === -1) && !Number.isFinite(y)) return NaN;
  const hx = highWord(x);
  const lx = lowWord(x);
  const hy = highWord(y);
  const ly = lowWord(y);
  let ix = hx & 0x7fffffff;
  const iy = hy & 0x7fffffff;
  if (hx === 0x3ff00000 && lx === 0) return 1;
  if (Number.isNaN(x)) return NaN;

  // For negative x: 0 when y is not an integer, 1 when it is odd, 2 when even.
  let yisint = 0;
  if (hx < 0) {
    if (iy >= 0x43400000) yisint = 2;
    else if (iy >= 0x3ff00000) {
      const k = (iy >> 20) - 0x3ff;
      if (k > 20) {
        const j = ly >>> (52 - k);
        if (((j << (52 - k)) >>> 0) === ly) yisint = 2 - (j & 1);
      } else if (ly === 0) {
        const j = iy >> (20 - k);
        if (j << (20 - k) === iy) yisint = 2 - (j & 1);
      }
    }
  }

  if (ly === 0) {
    if (iy === 0x7ff00000) {
      // y is ±∞
      if (ix >= 0x3ff00000) return hy >= 0 ? y : 0;
      return hy < 0 ? -y : 0;
    }
    if (iy === 0x3ff00000) return hy < 0 ? 1 / x : x;
    if (hy === 0x40000000) return x * x;
    if (hy === 0x3fe00000 && hx >= 0) return Math.sqrt(x);
  }

  let ax = Math.abs(x);
  if (lx === 0 && (ix === 0x7ff00000 || ix === 0 || ix === 0x3ff00000)) {
    // x is ±0, ±∞ or ±1
    let z = ax;
    if (hy < 0) z = 1 / z;
    if (hx < 0) {
      if (((ix - 0x3ff00000) | yisint) === 0) z = NaN;
      else if (yisint === 1) z = -z;
    }
    return z;
  }

  // (x < 0) ** (non-integer) is NaN
  if (hx < 0 && yisint === 0) return NaN;

  let t1: number;
  let t2: number;
  if (iy > 0x41e00000) {
    // |y| > 2^31
    if (iy > 0x43f00000) {
      if (ix <= 0x3fefffff) return hy < 0 ? Infinity : 0;
      if (ix >= 0x3ff00000) return hy > 0 ? Infinity : 0;
    }
    if (ix < 0x3fefffff) return hy < 0 ? Infinity : 0;
    if (ix > 0x3ff00000) return hy > 0 ? Infinity : 0;
    // |1 − x| is tiny: log(x) by its Taylor series.
    const t = ax - 1;
    const w = t * t * (0.5 - t * (0.3333333333333333 - t * 0.25));
    const u = IVLN2_H * t;
    const v = t * IVLN2_L - w * INV_LN2;
    t1 = withLow(u + v, 0);
    t2 = v - (t1 - u);
  } else {
    let n = 0;
    if (ix < 0x00100000) {
      ax *= TWO53;
      n -= 53;
      ix = highWord(ax);
    }
    n += (ix >> 20) - 0x3ff;
    const j = ix & 0x000fffff;
    ix = j | 0x3ff00000;
    let k: 0 | 1;
    if (j <= 0x3988e) k = 0;
    else if (j < 0xbb67a) k = 1;
    else {
      k = 0;
      n += 1;
      ix -= 0x00100000;
    }
    ax = withHigh(ax, ix);

    // log2(ax) in extra precision.
    const bp = BP[k];
    let u = ax - bp;
    let v = 1 / (ax + bp);
    const s = u * v;
    const sH = withLow(s, 0);
    let tH = fromWords(((ix >> 1) | 0x20000000) + 0x00080000 + (k << 18), 0);
    let tL = ax - (tH - bp);
    const sL = v * (u - sH * tH - sH * tL);
    let s2 = s * s;
    let r = s2 * s2 * (L1 + s2 * (L2 + s2 * (L3 + s2 * (L4 + s2 * (L5 + s2 * L6)))));
    r += sL * (sH + s);
    s2 = sH * sH;
    tH = withLow(3 + s2 + r, 0);
    tL = r - (tH - 3 - s2);
    u = sH * tH;
    v = sL * tH + tL * s;
    const pH = withLow(u + v, 0);
    const pL = v - (pH - u);
    const zH = CP_H * pH;
    const zL = CP_L * pH + pL * CP + DP_L[k];
    const t = n;
    t1 = withLow(zL + zH + DP_H[k] + t, 0);
    t2 = zL - (t1 - t - DP_H[k] - zH);
  }

  // The sign of the result: negative for a negative x to an odd integer power.
  const sign = hx < 0 && yisint === 1 ? -1 : 1;

  // y·log2(x) = pH + pL, split so that 2^pH is exact in the exponent.
  const y1 = withLow(y, 0);
  const pL = (y - y1) * t1 + y * t2;
  let pH = y1 * t1;
  let z = pL + pH;
  let j = highWord(z);
  let i = lowWord(z);
  if (j >= 0x40900000) {
    // z ≥ 1024
    if (((j - 0x40900000) | i) !== 0) return sign * Infinity;
    if (pL + OVT > z - pH) return sign * Infinity;
  } else if ((j & 0x7fffffff) >= 0x4090cc00) {
    // z ≤ −1075
    if ((((j >>> 0) - 0xc090cc00) | i) !== 0) return sign * 0;
    if (pL <= z - pH) return sign * 0;
  }
  // 2^(pH + pL): pH's integer part goes to the exponent.
  i = j & 0x7fffffff;
  let k = (i >> 20) - 0x3ff;
  let n = 0;
  if (i > 0x3fe00000) {
    n = j + (0x00100000 >> (k + 1));
    k = ((n & 0x7fffffff) >> 20) - 0x3ff;
    const t = fromWords(n & ~(0x000fffff >> k), 0);
    n = ((n & 0x000fffff) | 0x00100000) >> (20 - k);
    if (j < 0) n = -n;
    pH -= t;
  }
  const t = withLow(pL + pH, 0);
  const u = t * LG2_H;
  const v = (pL - (t - pH)) * LG2_FULL + t * LG2_L;
  z = u + v;
  const w = v - (z - u);
  const tt = z * z;
  const c = z - tt * (P1 + tt * (P2 + tt * (P3 + tt * (P4 + tt * P5))));
  const r = (z * c) / (c - 2) - (w + z * w);
  z = 1 - (r - z);
  j = highWord(z) + (n << 20);
  if (j >> 20 <= 0) z = scalbn(z, n);
  else z = withHigh(z, j);
  return sign * z;
}

/** x·2^n, exactly (gradual underflow included). */
function scalbn(x: number, n: number): number {
  // Multiplying by powers of two in steps that stay normal is exact until the last, rounding step.
  let y = x;
  let m = n;
  while (m > 1023) {
    y *= 8.98846567431158e307;
    m -= 1023;
  }
  while (m < -1022) {
    y *= 2.2250738585072014e-308;
    m += 1022;
  }
  return y * fromWords((m + 0x3ff) << 20, 0);
}

const C1 = 4.16666666666666019037e-2;
const C2 = -1.38888888888741095749e-3;
const C3 = 2.48015872894767294178e-5;
const C4 = -2.75573143513906633035e-7;
const C5 = 2.08757232129817482790e-9;
const C6 = -1.13596475577881948265e-11;
const S1 = -1.66666666666666324348e-1;
const S2 = 8.33333333332248946124e-3;
const S3 = -1.98412698298579493134e-4;
const S4 = 2.75573137070700676789e-6;
const S5 = -2.50507602534068634195e-8;
const S6 = 1.58969099521155010221e-10;

/** cos(x + y) for |x| ≤ π/4, y the tail of x. */
function kernelCos(x: number, y: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix < 0x3e400000 && Math.trunc(x) === 0) return 1;
  const z = x * x;
  const r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  if (ix < 0x3fd33333) return 1 - (0.5 * z - (z * r - x * y));
  const qx = ix > 0x3fe90000 ? 0.28125 : fromWords(ix - 0x00200000, 0);
  const hz = 0.5 * z - qx;
  const a = 1 - qx;
  return a - (hz - (z * r - x * y));
}

/** sin(x + y) for |x| ≤ π/4, y the tail of x. */
function kernelSin(x: number, y: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix < 0x3e400000 && Math.trunc(x) === 0) return x;
  const z = x * x;
  const v = z * x;
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  return x - (z * (0.5 * y - v * r) - y - v * S1);
}

const INV_PIO2 = 6.36619772367581382433e-1;
const PIO2_1 = 1.57079632673412561417;
const PIO2_1T = 6.07710050650619224932e-11;
const PIO2_2 = 6.07710050630396597660e-11;
const PIO2_2T = 2.02226624879595063154e-21;
const PIO2_3 = 2.02226624871116645580e-21;
const PIO2_3T = 8.47842766036889956997e-32;
/** High words of n·π/2 for n = 1…32: x this close to a multiple of π/2 needs the careful reduction. */
const NPIO2_HW = Array.from({ length: 32 }, (_, k) => highWord((k + 1) * 1.5707963267948966));

/** The largest |x| `cos` reduces (2^19·π/2, fdlibm's medium range); the model's angles are below 2π. */
export const COS_MAX_ARGUMENT = 823549.6653973209;

/**
 * x − n·π/2 as y0 + y1 with n returned, for |x| ≤ 2^19·π/2 (Cody–Waite with π/2 in three parts,
 * more of them as cancellation grows).
 */
function remPio2(x: number, y: Float64Array): number {
  const hx = highWord(x);
  const ix = hx & 0x7fffffff;
  if (ix < 0x4002d97c) {
    // |x| < 3π/4: n = ±1
    if (hx > 0) {
      let z = x - PIO2_1;
      if (ix !== 0x3ff921fb) {
        y[0] = z - PIO2_1T;
        y[1] = z - (y[0] as number) - PIO2_1T;
      } else {
        z -= PIO2_2;
        y[0] = z - PIO2_2T;
        y[1] = z - (y[0] as number) - PIO2_2T;
      }
      return 1;
    }
    let z = x + PIO2_1;
    if (ix !== 0x3ff921fb) {
      y[0] = z + PIO2_1T;
      y[1] = z - (y[0] as number) + PIO2_1T;
    } else {
      z += PIO2_2;
      y[0] = z + PIO2_2T;
      y[1] = z - (y[0] as number) + PIO2_2T;
    }
    return -1;
  }
  if (ix > 0x413921fb) throw new RangeError(`fmath.cos: expected |x| ≤ ${String(COS_MAX_ARGUMENT)}, got ${String(x)}`);
  const t = Math.abs(x);
  const n = Math.trunc(t * INV_PIO2 + 0.5);
  const fn = n;
  let r = t - fn * PIO2_1;
  let w = fn * PIO2_1T;
  if (n < 32 && ix !== NPIO2_HW[n - 1]) {
    y[0] = r - w;
  } else {
    const j = ix >> 20;
    y[0] = r - w;
    let i = j - ((highWord(y[0] as number) >> 20) & 0x7ff);
    if (i > 16) {
      // Two more parts of π/2: enough for 118 bits of cancellation.
      let t2 = r;
      w = fn * PIO2_2;
      r = t2 - w;
      w = fn * PIO2_2T - (t2 - r - w);
      y[0] = r - w;
      i = j - ((highWord(y[0] as number) >> 20) & 0x7ff);
      if (i > 49) {
        t2 = r;
        w = fn * PIO2_3;
        r = t2 - w;
        w = fn * PIO2_3T - (t2 - r - w);
        y[0] = r - w;
      }
    }
  }
  y[1] = r - (y[0] as number) - w;
  if (hx < 0) {
    y[0] = -(y[0] as number);
    y[1] = -(y[1] as number);
    return -n;
  }
  return n;
}

const reduced = new Float64Array(2);

/** Cosine of x in radians, for |x| ≤ {@link COS_MAX_ARGUMENT}. */
export function cos(x: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return kernelCos(x, 0);
  if (ix >= 0x7ff00000) return NaN;
  const n = remPio2(x, reduced);
  const y0 = reduced[0] as number;
  const y1 = reduced[1] as number;
  switch (n & 3) {
    case 0:
      return kernelCos(y0, y1);
    case 1:
      return -kernelSin(y0, y1);
    case 2:
      return -kernelCos(y0, y1);
    default:
      return kernelSin(y0, y1);
  }
}
