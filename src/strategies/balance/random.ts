import type { Balancer, BackendView } from './types.js';
import { isEligible } from './lowest.js';

/** Picks an eligible backend at random with probability proportional to its weight (one draw per pick). */
export function createRandom(): Balancer {
  return {
    name: 'random',
    pick(_request, backends: readonly BackendView[], { rng }) {
      let total = 0;
      for (const b of backends) if (isEligible(b)) total += b.weight;
      if (total <= 0) return -1;
      let point = rng.next() * total;
      let last = -1;
      for (let i = 0; i < backends.length; i++) {
        const b = backends[i] as BackendView;
        if (!isEligible(b)) continue;
        last = i;
        point -= b.weight;
        if (point < 0) return i;
      }
      return last;
    },
  };
}
