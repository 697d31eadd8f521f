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
