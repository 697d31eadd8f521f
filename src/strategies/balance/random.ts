import type { Balancer, BackendView } from './types.js';
import { atWeightPoint } from './lowest.js';

/** Picks an eligible backend at random with probability proportional to its weight (one draw per pick). */
export function createRandom(): Balancer {
  return {
    name: 'random',
    pick: (_request, backends: readonly BackendView[], { rng }) => atWeightPoint(backends, (total) => rng.next() * total),
  };
}
