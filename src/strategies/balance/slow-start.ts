import type { StrategySpec } from '../types.js';
import type { Balancer, BackendView } from './types.js';
import { createInner, type BalancerRegistry } from './inner.js';

export interface SlowStartOptions {
  /** How long a newly healthy backend's weight ramps, in ms (HAProxy slowstart, nginx slow_start). @default 30_000 */
  durationMs: number;
  /** The share of its weight a backend gets at the start of the ramp (Envoy's min_weight_percent 10 %). @default 0.1 */
  minWeightShare: number;
  /** The balancer that sees the ramped weights; only weight-aware ones react to them. @default 'weighted-round-robin' */
  inner: StrategySpec;
}

/**
 * Scales the weight of each backend that became healthy less than `durationMs` ago by
 * max(minWeightShare, elapsed / durationMs), linearly (Envoy aggression 1), and lets the inner balancer
 * pick on those views. Only weight-aware inners react: round-robin ignores the ramp, least-response-time
 * reads weights only among equal latencies, and consistent-hash rebuilds its ring as point counts change.
 */
export function createSlowStart(options: SlowStartOptions, registry: BalancerRegistry): Balancer {
  const { durationMs, minWeightShare } = options;
  const inner = createInner(registry, options.inner);
  const share = (b: BackendView, nowMs: number): number => Math.min(1, Math.max(minWeightShare, (nowMs - b.healthySinceMs) / durationMs));
  return {
    name: 'slow-start',
    pick(request, backends: readonly BackendView[], context) {
      const ramping = backends.some((b) => context.nowMs - b.healthySinceMs < durationMs);
      const views = ramping ? backends.map((b) => ({ ...b, weight: b.weight * share(b, context.nowMs) })) : backends;
      return inner.pick(request, views, context);
    },
  };
}
