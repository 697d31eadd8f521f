import type { Balancer } from './types.js';
import { rotatingLowest } from './lowest.js';

/**
 * Picks the eligible backend with the lowest reported (health-check) latency; equal latencies go to the
 * fewest open connections per unit of weight, and exact ties rotate. Weights only matter among equal latencies.
 */
export function createLeastResponseTime(): Balancer {
  const lowest = rotatingLowest();
  return {
    name: 'least-response-time',
    pick: (_request, backends) =>
      lowest(
        backends,
        (b) => b.reportedLatencyMs,
        (b) => b.openConnections / b.weight,
      ),
  };
}
