import type { Balancer, BackendView } from './types.js';
import { isEligible } from './lowest.js';

/** Cycles through backends in order, skipping unhealthy and draining (weight 0) ones; positive weights are not read. */
export function createRoundRobin(): Balancer {
  let next = 0;
  return {
    name: 'round-robin',
    pick(_request, backends: readonly BackendView[]) {
      const n = backends.length;
      for (let k = 0; k < n; k++) {
        const i = (next + k) % n;
        if (isEligible(backends[i] as BackendView)) {
          next = (i + 1) % n;
          return i;
        }
      }
      return -1;
    },
  };
}
