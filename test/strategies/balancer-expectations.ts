import type { BalancerName } from '../../src/strategies/index.js';

// What the balancer conformance suite promises per strategy; a new balancer gets `fallback` until documented here.

/** How a balancer spreads equal-weight load over healthy backends. */
export type Spread =
  /** max/mean of open connections stays below `maxOverMean` after 10,000 picks. */
  | { readonly kind: 'even'; readonly maxOverMean: number }
  /** Only promised: every healthy backend is picked at least once. */
  | { readonly kind: 'covers' };

/** What a balancer does with positive backend weights; weight 0 drains a backend in every balancer. */
export type Weights =
  /** Connection counts converge to weight shares within `relativeError`. */
  | { readonly kind: 'proportional'; readonly relativeError: number }
  /** Positive weights are not read at all: load splits evenly whatever they are. */
  | { readonly kind: 'ignored' }
  /** Not documented yet: only checks every eligible backend is picked. */
  | { readonly kind: 'unspecified' };

export interface BalancerExpectation {
  readonly spread: Spread;
  /** Spread when the view's connection counts never change (stale view, all tied); undefined: not promised. */
  readonly spreadWhenStale?: Spread;
  readonly weights: Weights;
  /** True when the balancer may refuse (-1) although a healthy, positive-weight backend exists. */
  readonly mayRefuseHealthy: boolean;
}

const exact = (maxOverMean = 1.05): Spread => ({ kind: 'even', maxOverMean });
const proportional = (relativeError = 0.05): Weights => ({ kind: 'proportional', relativeError });
/** Deterministic, weight-aware and tie-rotating: even in every case, exact weight shares. */
const rotating: BalancerExpectation = { spread: exact(), spreadWhenStale: exact(), weights: proportional(), mayRefuseHealthy: false };
/**
 * Independent draws per pick (random, or a hash of distinct client ids): counts are binomial. Over 10 backends
 * a count's sd is 3 % of the mean after 10,000 picks and 9.5 % after 1,000, so the max of 10 stays below
 * mean + 5 sd: 1.15 and 1.5. Weight shares after 60,000 picks have a relative sd of at most 0.9 %: 5 % is 5 sd.
 */
const binomial: BalancerExpectation = { spread: exact(1.15), spreadWhenStale: exact(1.5), weights: proportional(), mayRefuseHealthy: false };

/** Per-strategy promises. A new balancer gets `fallback` until someone documents it here. */
export const expectations: Partial<Record<BalancerName, BalancerExpectation>> = {
  // Weights are not read (weighted-round-robin is the weight-aware one); weight 0 is skipped like an unhealthy backend.
  'round-robin': { spread: exact(), spreadWhenStale: exact(), weights: { kind: 'ignored' }, mayRefuseHealthy: false },
  'weighted-round-robin': rotating,
  // Ties rotate, as HAProxy's leastconn does, so a view that lags behind still spreads.
  'least-connections': rotating,
  // All reports here are equal and frozen, so every pick is a tie that rotation spreads, whatever the weights;
  // weights divide reported load, which this suite never moves (balance-strategies.test.ts feeds it back).
  'least-loaded': { ...rotating, weights: { kind: 'unspecified' } },
  // Equal latencies fall through to connections per weight.
  'least-response-time': rotating,
  hash: binomial,
  random: binomial,
  // Best of 2 by connections is nearly exact; with a frozen view every sample ties and it is random among them.
  'power-of-d': { spread: exact(), spreadWhenStale: exact(1.5), weights: proportional(), mayRefuseHealthy: false },
  // A backend with k of P ring points holds a Beta(k, P−k) share: relative sd √((1−p)/k), 7.5 % at k = 160,
  // p = 1/10; with the binomial noise of distinct clients the max of 10 stays below 1.4 (1.6 over 1,000).
  // Weights 1, 2, 3 (160–480 points, p ≥ 1/6): relative sd ≤ 7.2 %, so 0.25 is 3.5 sd.
  'consistent-hash': { spread: exact(1.4), spreadWhenStale: exact(1.6), weights: proportional(0.25), mayRefuseHealthy: false },
  'custom-metric': rotating,
  // Every pick here comes from a distinct client, so the inner balancer (weighted-round-robin) decides all of them.
  sticky: rotating,
  // All backends ramp together (healthySinceMs 0), so the inner weighted-round-robin sees weights in the same ratio.
  'slow-start': rotating,
};
export const fallback: BalancerExpectation = { spread: { kind: 'covers' }, weights: { kind: 'unspecified' }, mayRefuseHealthy: false };
