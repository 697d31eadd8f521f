import type { Balancer, BackendView } from './types.js';

/** Cycles through backends in order, skipping those marked unhealthy. */
export function createRoundRobin(): Balancer {
  let next = 0;
  return {
    name: 'round-robin',
    pick(_request, backends: readonly BackendView[]) {
      const n = backends.length;
      for (let k = 0; k < n; k++) {
        const i = (next + k) % n;
        if ((backends[i] as BackendView).healthy) {
          next = (i + 1) % n;
          return i;
        }
      }
      return -1;
    },
  };
}
