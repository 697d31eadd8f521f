import type { Balancer } from './types.js';
import { rotatingLowest } from './lowest.js';

/**
 * Picks the eligible backend with the fewest open connections per unit of weight.
 * Ties go to the first one after the previous pick, as HAProxy's leastconn rotates among equals.
 */
export function createLeastConnections(): Balancer {
  const lowest = rotatingLowest();
  return {
    name: 'least-connections',
    pick: (_request, backends) => lowest(backends, (b) => b.openConnections / b.weight),
  };
}
