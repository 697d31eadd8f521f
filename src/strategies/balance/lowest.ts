import type { BackendView } from './types.js';

/** True when a backend may take a new connection: believed healthy and not draining (weight > 0). */
export function isEligible(b: BackendView): boolean {
  return b.healthy && b.weight > 0;
}

/** A backend's score; lower is better. */
export type Score = (b: BackendView) => number;

/**
 * The eligible backend with the lowest `score`, then the lowest `tieBreak`, scanning from `start`
 * so exact ties go to the first one at or after it; -1 when none is eligible.
 */
export function lowestFrom(backends: readonly BackendView[], start: number, score: Score, tieBreak?: Score): number {
  const n = backends.length;
  let best = -1;
  let bestScore = Infinity;
  let bestTie = Infinity;
  for (let k = 0; k < n; k++) {
    const i = (start + k) % n;
    const b = backends[i] as BackendView;
    if (!isEligible(b)) continue;
    const s = score(b);
    const t = tieBreak === undefined ? 0 : tieBreak(b);
    if (best < 0 || s < bestScore || (s === bestScore && t < bestTie)) {
      best = i;
      bestScore = s;
      bestTie = t;
    }
  }
  return best;
}

/** A lowest-score picker whose scan starts after its previous pick, so ties rotate as in HAProxy's leastconn. */
export function rotatingLowest(): (backends: readonly BackendView[], score: Score, tieBreak?: Score) => number {
  let start = 0;
  return (backends, score, tieBreak) => {
    const best = lowestFrom(backends, backends.length > 0 ? start % backends.length : 0, score, tieBreak);
    if (best >= 0) start = best + 1;
    return best;
  };
}

/**
 * Lays the eligible backends' weights end to end and returns the one under `pointOf(total)`,
 * a point in [0, total); -1 when none is eligible. Random and hash picks share it.
 */
export function atWeightPoint(backends: readonly BackendView[], pointOf: (totalWeight: number) => number): number {
  let total = 0;
  for (const b of backends) if (isEligible(b)) total += b.weight;
  if (total <= 0) return -1;
  let point = pointOf(total);
  let last = -1;
  for (let i = 0; i < backends.length; i++) {
    const b = backends[i] as BackendView;
    if (!isEligible(b)) continue;
    last = i;
    point -= b.weight;
    if (point < 0) return i;
  }
  return last;
}
