import type { Balancer } from './types.js';
import { rotatingLowest } from './lowest.js';

/**
 * Picks the eligible backend with the lowest reported CPU load. Load is each server's own
 * utilisation, already relative to its capacity, so weight only gates eligibility (0 drains).
 * Reports are as old as `reportedAtMs`, so between reports every pick goes to the same backend
 * unless loads tie exactly; exact ties rotate like least-connections.
 */
export function createLeastLoaded(): Balancer {
  const lowest = rotatingLowest();
  return {
    name: 'least-loaded',
    pick: (_request, backends) => lowest(backends, (b) => b.reportedLoad),
  };
}
