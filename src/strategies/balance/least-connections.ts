import type { Balancer, BackendView } from './types.js';

/**
 * Picks the healthy backend with the fewest open connections per unit of weight.
 * Ties go to the first one after the previous pick, as HAProxy's leastconn rotates among equals.
 */
export function createLeastConnections(): Balancer {
  let start = 0;
  return {
    name: 'least-connections',
    pick(_request, backends: readonly BackendView[]) {
      const n = backends.length;
      let best = -1;
      let bestScore = Infinity;
      for (let k = 0; k < n; k++) {
        const i = (start + k) % n;
        const b = backends[i] as BackendView;
        if (!b.healthy || b.weight <= 0) continue;
        const score = b.openConnections / b.weight;
        if (score < bestScore) {
          bestScore = score;
          best = i;
        }
      }
      if (best >= 0) start = (best + 1) % n;
      return best;
    },
  };
}
