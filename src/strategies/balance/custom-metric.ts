import type { Balancer, BackendView } from './types.js';
import { isEligible, rotatingLowest } from './lowest.js';

export interface CustomMetricOptions {
  /** Weight of the reported CPU load (0–1) in the score. @default 1 */
  cpu: number;
  /** Weight of the reported memory load (0–1) in the score. @default 0 */
  memory: number;
  /** Weight of the relative connection count, (openConnections / weight) / (mean of that over eligible backends + 1). @default 1 */
  connections: number;
}

/**
 * Scores each eligible backend as cpu·load + memory·memoryLoad + connections·relativeConnections and picks the
 * lowest; ties rotate. Load and memory are already relative to each server's capacity; connections are taken per
 * unit of weight and relative to the fleet mean, so no per-server capacity is needed.
 */
export function createCustomMetric(options: CustomMetricOptions): Balancer {
  const { cpu, memory, connections } = options;
  const lowest = rotatingLowest();
  return {
    name: 'custom-metric',
    pick(_request, backends: readonly BackendView[]) {
      const norm = meanOpenConnections(backends) + 1;
      const score = (b: BackendView): number =>
        cpu * b.reportedLoad + memory * b.reportedMemoryLoad + (connections * b.openConnections) / b.weight / norm;
      return lowest(backends, score);
    },
  };
}

/** Mean open connections over eligible backends (0 when there are none). */
function meanOpenConnections(backends: readonly BackendView[]): number {
  let sum = 0;
  let count = 0;
  for (const b of backends) {
    if (!isEligible(b)) continue;
    sum += b.openConnections / b.weight;
    count++;
  }
  return count === 0 ? 0 : sum / count;
}
