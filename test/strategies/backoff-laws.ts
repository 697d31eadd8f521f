// The distribution of one backoff delay, written from each strategy's documented rule, and the
// statistics the conformance suite checks samples against.

/** What one call to `next` may return. */
export type Law = { readonly kind: 'exact'; readonly delayMs: number | null } | RandomLaw;

export interface RandomLaw {
  readonly kind: 'random';
  /** The smallest and largest values the delay can take (or approach, for an open end). */
  readonly lowMs: number;
  readonly highMs: number;
  readonly lowIncluded: boolean;
  readonly highIncluded: boolean;
  readonly meanMs: number;
  /** P(delay = highMs): the share a cap piles up, or the top value's share of a discrete law. */
  readonly highAtom: number;
  /** P(delay ≤ x). */
  readonly cdf: (x: number) => number;
  /** No atoms, so F(delay) is uniform on [0, 1] and draws can be pooled across attempts. */
  readonly continuous: boolean;
}

export const exact = (delayMs: number | null): Law => ({ kind: 'exact', delayMs });

/**
 * min(cap, uniform on [low, high)), or on (low, high] with `openLow`. Capping piles the share
 * (high − cap)/(high − low) onto cap; a cap at or below low makes it exactly cap.
 */
export function uniform(lowMs: number, highMs: number, capMs = Infinity, openLow = false): Law {
  if (capMs <= lowMs) return exact(capMs);
  const width = highMs - lowMs;
  const cdf = (x: number): number => (x >= capMs ? 1 : Math.min(1, Math.max(0, (x - lowMs) / width)));
  if (capMs >= highMs) {
    return { kind: 'random', lowMs, highMs, lowIncluded: !openLow, highIncluded: openLow, meanMs: (lowMs + highMs) / 2, highAtom: 0, cdf, continuous: true };
  }
  const atCap = (highMs - capMs) / width;
  const meanMs = (1 - atCap) * ((lowMs + capMs) / 2) + atCap * capMs;
  return { kind: 'random', lowMs, highMs: capMs, lowIncluded: !openLow, highIncluded: true, meanMs, highAtom: atCap, cdf, continuous: false };
}

/** A law on finitely many values, from value → probability. */
export function discrete(atoms: ReadonlyMap<number, number>): Law {
  const values = [...atoms.keys()].sort((a, b) => a - b);
  if (values.length === 1) return exact(values[0] ?? null);
  const cumulative: number[] = [];
  let total = 0;
  let meanMs = 0;
  for (const v of values) {
    const p = atoms.get(v) ?? 0;
    total += p;
    meanMs += v * p;
    cumulative.push(total);
  }
  const cdf = (x: number): number => {
    const i = upperBound(values, x);
    return i === 0 ? 0 : Math.min(1, (cumulative[i - 1] ?? 0) / total);
  };
  return {
    kind: 'random',
    lowMs: values[0] ?? 0,
    highMs: values[values.length - 1] ?? 0,
    lowIncluded: true,
    highIncluded: true,
    meanMs: meanMs / total,
    highAtom: (atoms.get(values[values.length - 1] ?? 0) ?? 0) / total,
    cdf,
    continuous: false,
  };
}

/** min(cap, low + k) for k uniform on the integers 0..count−1. */
export function integerUniform(lowMs: number, count: number, capMs: number): Law {
  const atoms = new Map<number, number>();
  for (let k = 0; k < count; k++) {
    const v = Math.min(capMs, lowMs + k);
    atoms.set(v, (atoms.get(v) ?? 0) + 1 / count);
  }
  return discrete(atoms);
}

/**
 * Socket.IO's one-draw jitter on a nominal `ms`: r uniform in [0, 1) gives the size ⌊r × jitter × ms⌋
 * and, by the parity of its first decimal digit ⌊10r⌋, the sign (even: below ms, odd: above);
 * the result is capped at max and truncated. Built by measuring, for each decile and each size d,
 * the set of r that yields it, so no sampling is involved.
 */
export function socketIoJitter(ms: number, jitter: number, maxMs: number): Law {
  // Below ms the size stays under 0.9 × jitter × ms (deciles 0..8), so past this every draw is capped.
  if (ms * (1 - 0.9 * jitter) >= maxMs) return exact(Math.trunc(maxMs));
  const atoms = new Map<number, number>();
  const scale = jitter * ms;
  for (let decile = 0; decile < 10; decile++) {
    const sign = decile % 2 === 0 ? -1 : 1;
    const from = decile / 10;
    const to = (decile + 1) / 10;
    for (let d = Math.floor(from * scale); d <= Math.ceil(to * scale); d++) {
      const p = Math.min(to, (d + 1) / scale) - Math.max(from, d / scale);
      if (p <= 0) continue;
      const v = Math.trunc(Math.min(ms + sign * d, maxMs));
      atoms.set(v, (atoms.get(v) ?? 0) + p);
    }
  }
  return discrete(atoms);
}

/** The number of sorted values ≤ x. */
export function upperBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The largest gap between the empirical and the true P(delay ≤ x), over 401 evenly spaced x across
 * the law's range. By the Dvoretzky–Kiefer–Wolfowitz inequality (which holds for any law, atoms
 * included), P(gap > ε) ≤ 2·exp(−2nε²) for the supremum, so also for these points.
 */
export function cdfGap(sorted: readonly number[], law: RandomLaw): number {
  const n = sorted.length;
  const points = 400;
  let gap = 0;
  for (let i = 0; i <= points; i++) {
    const x = law.lowMs + ((law.highMs - law.lowMs) * i) / points;
    gap = Math.max(gap, Math.abs(upperBound(sorted, x) / n - law.cdf(x)));
  }
  return gap;
}

/** The DKW bound ε with P(gap > ε) ≤ alpha for n draws. */
export function dkwBound(n: number, alpha: number): number {
  return Math.sqrt(Math.log(2 / alpha) / (2 * n));
}

/** Kolmogorov–Smirnov distance between the samples and the uniform distribution on [0, 1). */
export function ksUniform(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  let d = 0;
  sorted.forEach((f, i) => {
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  });
  return d;
}

export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

export function standardDeviation(xs: readonly number[]): number {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}
