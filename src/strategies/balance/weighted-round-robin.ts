import type { Balancer, BackendView } from './types.js';
import { isEligible } from './lowest.js';

/**
 * nginx's smooth weighted round robin: each pick adds every eligible backend's weight to its current
 * weight, picks the largest (first on ties) and subtracts the total from it, so weights 5, 1, 1 give
 * a a b a c a a rather than a a a a a b c. Current weights are kept by backend id.
 */
export function createWeightedRoundRobin(): Balancer {
  const current = new Map<number, number>();
  return {
    name: 'weighted-round-robin',
    pick(_request, backends: readonly BackendView[]) {
      let best = -1;
      let bestCurrent = -Infinity;
      let total = 0;
      backends.forEach((b, i) => {
        if (!isEligible(b)) return;
        const c = (current.get(b.id) ?? 0) + b.weight;
        current.set(b.id, c);
        total += b.weight;
        if (c > bestCurrent) {
          best = i;
          bestCurrent = c;
        }
      });
      if (best >= 0) current.set((backends[best] as BackendView).id, bestCurrent - total);
      return best;
    },
  };
}
