import type { Balancer } from './types.js';
import { rotatingLowest } from './lowest.js';

/**
 * Picks the eligible backend with the lowest reported CPU load per unit of weight. Reports are as old as
 * `reportedAtMs`, so between reports every pick goes to the same backend unless loads tie exactly;
 * exact ties rotate like least-connections. Load is each server's own utilisation, so when weight
 * tracks capacity the division counts it twice: equal utilisation needs equal weights.
 */
export function createLeastLoaded(): Balancer {
  const lowest = rotatingLowest();
  return {
    name: 'least-loaded',
    pick: (_request, backends) => lowest(backends, (b) => b.reportedLoad / b.weight),
  };
}
