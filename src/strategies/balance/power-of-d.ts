import type { Balancer, BackendView } from './types.js';
import { isEligible } from './lowest.js';

export interface PowerOfDOptions {
  /** How many distinct eligible backends to sample per pick (HAProxy random(2), Envoy least_request). @default 2 */
  d: number;
  /** Compare open connections per unit of weight, or reported CPU load (already relative to capacity). @default 'connections' */
  metric: 'connections' | 'load';
}

/**
 * Samples d distinct eligible backends uniformly (a partial Fisher–Yates shuffle) and picks the one with
 * the lowest metric per unit of weight; ties go to the first sampled, so equal stale reports act as random.
 */
export function createPowerOfD(options: PowerOfDOptions): Balancer {
  const { d, metric } = options;
  const score = metric === 'load' ? (b: BackendView) => b.reportedLoad : (b: BackendView) => b.openConnections / b.weight;
  const pool: number[] = [];
  return {
    name: 'power-of-d',
    pick(_request, backends: readonly BackendView[], { rng }) {
      pool.length = 0;
      backends.forEach((b, i) => {
        if (isEligible(b)) pool.push(i);
      });
      let best = -1;
      let bestScore = Infinity;
      for (let k = 0; k < Math.min(d, pool.length); k++) {
        const j = k + Math.floor(rng.next() * (pool.length - k));
        const i = pool[j] as number;
        pool[j] = pool[k] as number;
        pool[k] = i;
        const s = score(backends[i] as BackendView);
        if (best < 0 || s < bestScore) {
          best = i;
          bestScore = s;
        }
      }
      return best;
    },
  };
}
