import { describe, expect, it } from 'vitest';
import { RngStreams, randomInt, type Rng } from '../../src/engine/rng.js';
import { balancers, instantiate, type BackendView, type Balancer, type BalancerName } from '../../src/strategies/index.js';

/** How a balancer spreads equal-weight load over healthy backends. */
type Spread =
  /** max/mean of open connections stays below `maxOverMean` after 10,000 picks. */
  | { readonly kind: 'even'; readonly maxOverMean: number }
  /** Only promised: every healthy backend is picked at least once. */
  | { readonly kind: 'covers' };

/** What a balancer does with backend weights. */
type Weights =
  /** Connection counts converge to weight shares within `relativeError`; weight 0 gets nothing. */
  | { readonly kind: 'proportional'; readonly relativeError: number }
  /** Weights are not read at all: load splits evenly whatever the weights, and weight 0 is still picked. */
  | { readonly kind: 'ignored' }
  /** Not documented yet: only checks every healthy backend is picked. */
  | { readonly kind: 'unspecified' };

interface BalancerExpectation {
  readonly spread: Spread;
  /** Spread when the view's connection counts never change (stale view, all tied); undefined: not promised. */
  readonly spreadWhenStale?: Spread;
  readonly weights: Weights;
  /** True when the balancer may refuse (-1) although a healthy, positive-weight backend exists. */
  readonly mayRefuseHealthy: boolean;
}

/** Per-strategy promises. A new balancer gets `fallback` until someone documents it here. */
const expectations: Partial<Record<BalancerName, BalancerExpectation>> = {
  // nginx/Envoy round robin: weights are not read (weighted round-robin is a separate strategy).
  'round-robin': {
    spread: { kind: 'even', maxOverMean: 1.05 },
    spreadWhenStale: { kind: 'even', maxOverMean: 1.05 },
    weights: { kind: 'ignored' },
    mayRefuseHealthy: false,
  },
  'least-connections': {
    spread: { kind: 'even', maxOverMean: 1.05 },
    // Ties rotate, as HAProxy's leastconn does, so a view that lags behind still spreads.
    spreadWhenStale: { kind: 'even', maxOverMean: 1.05 },
    weights: { kind: 'proportional', relativeError: 0.05 },
    mayRefuseHealthy: false,
  },
};
const fallback: BalancerExpectation = { spread: { kind: 'covers' }, weights: { kind: 'unspecified' }, mayRefuseHealthy: false };

const names = Object.keys(balancers) as BalancerName[];

function create(name: string): Balancer {
  return instantiate(balancers, { name, options: {} }, 'balancer');
}

function backend(id: number, patch: Partial<BackendView> = {}): BackendView {
  return { id, weight: 1, healthy: true, openConnections: 0, reportedLoad: 0, reportedLatencyMs: 0, reportedAtMs: 0, ...patch };
}

/** A random fleet view: 0–12 backends, random health, positive weights, load and connections. */
function randomFleet(rng: Rng): BackendView[] {
  return Array.from({ length: randomInt(rng, 13) }, (_, id) =>
    backend(id, {
      healthy: rng.next() < 0.5,
      weight: 1 + randomInt(rng, 4),
      openConnections: randomInt(rng, 50),
      reportedLoad: rng.next(),
      reportedLatencyMs: rng.next() * 100,
      reportedAtMs: randomInt(rng, 1000),
    }),
  );
}

/** Picks `count` times over `fleet`, opening a connection on every picked backend; returns the picks. */
function pickAndConnect(balancer: Balancer, fleet: BackendView[], count: number, rng: Rng): number[] {
  const picks: number[] = [];
  for (let k = 0; k < count; k++) {
    const i = balancer.pick({ clientId: k }, fleet, { nowMs: k, rng });
    picks.push(i);
    const b = fleet[i];
    if (b !== undefined) fleet[i] = { ...b, openConnections: b.openConnections + 1 };
  }
  return picks;
}

function counts(fleet: readonly BackendView[]): number[] {
  return fleet.map((b) => b.openConnections);
}

describe.each(names)('balancer %s', (name) => {
  const expected = expectations[name] ?? fallback;

  it('never picks an unhealthy backend or an index out of range', () => {
    const rng = new RngStreams(1).stream('fleets');
    const balancer = create(name);
    for (let round = 0; round < 20_000; round++) {
      const fleet = randomFleet(rng);
      const i = balancer.pick({ clientId: randomInt(rng, 1000) }, fleet, { nowMs: round, rng });
      const anyHealthy = fleet.some((b) => b.healthy);
      if (i === -1) {
        if (!expected.mayRefuseHealthy) expect(anyHealthy, `refused with a healthy backend in round ${round}`).toBe(false);
        continue;
      }
      expect(Number.isInteger(i) && i >= 0 && i < fleet.length, `index ${i} of ${fleet.length}`).toBe(true);
      expect(fleet[i]?.healthy, `picked unhealthy backend ${i} in round ${round}`).toBe(true);
    }
  });

  it('refuses when no backend is healthy and when the list is empty', () => {
    const rng = new RngStreams(2).stream('balancer');
    const balancer = create(name);
    expect(balancer.pick({ clientId: 1 }, [], { nowMs: 0, rng })).toBe(-1);
    const down = Array.from({ length: 5 }, (_, id) => backend(id, { healthy: false }));
    for (let k = 0; k < 20; k++) expect(balancer.pick({ clientId: k }, down, { nowMs: k, rng })).toBe(-1);
    expect(balancer.pick({ clientId: 1 }, [], { nowMs: 0, rng })).toBe(-1);
  });

  it('makes the same picks for the same seed and request sequence', () => {
    const run = (): number[] => {
      const streams = new RngStreams(42);
      const balancer = create(name);
      const fleets = streams.stream('fleets');
      const rng = streams.stream('balancer');
      const fleet = Array.from({ length: 8 }, (_, id) => backend(id, { weight: 1 + (id % 3) }));
      const picks: number[] = [];
      for (let k = 0; k < 5000; k++) {
        const j = randomInt(fleets, fleet.length);
        const b = fleet[j] as BackendView;
        fleet[j] = { ...b, healthy: fleets.next() < 0.8, reportedLoad: fleets.next(), reportedAtMs: k };
        picks.push(...pickAndConnect(balancer, fleet, 1, rng));
      }
      return picks;
    };
    expect(run()).toEqual(run());
  });

  it(`spreads equal-weight load over 10 healthy backends (${expected.spread.kind})`, () => {
    const rng = new RngStreams(3).stream('balancer');
    const fleet = Array.from({ length: 10 }, (_, id) => backend(id));
    pickAndConnect(create(name), fleet, 10_000, rng);
    const open = counts(fleet);
    expect(open.reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(Math.min(...open), `counts ${open.join(',')}`).toBeGreaterThan(0);
    if (expected.spread.kind === 'even') {
      expect(Math.max(...open) / 1000, `counts ${open.join(',')}`).toBeLessThan(expected.spread.maxOverMean);
    }
  });

  it.runIf(expected.spreadWhenStale !== undefined)('spreads over tied backends when the view is stale', () => {
    const rng = new RngStreams(6).stream('balancer');
    const balancer = create(name);
    const fleet = Array.from({ length: 10 }, (_, id) => backend(id, { openConnections: 7 }));
    const picked = new Array<number>(10).fill(0);
    for (let k = 0; k < 1000; k++) {
      const i = balancer.pick({ clientId: k }, fleet, { nowMs: k, rng });
      picked[i] = (picked[i] ?? 0) + 1;
    }
    expect(Math.min(...picked), `picks ${picked.join(',')}`).toBeGreaterThan(0);
    if (expected.spreadWhenStale?.kind === 'even') {
      expect(Math.max(...picked) / 100, `picks ${picked.join(',')}`).toBeLessThan(expected.spreadWhenStale.maxOverMean);
    }
  });

  it(`treats weights 1, 2, 3 as documented (${expected.weights.kind})`, () => {
    const rng = new RngStreams(4).stream('balancer');
    const weights = [1, 2, 3];
    const fleet = weights.map((weight, id) => backend(id, { weight }));
    pickAndConnect(create(name), fleet, 6000, rng);
    const open = counts(fleet);
    const total = open.reduce((a, b) => a + b, 0);
    const shares = expected.weights.kind === 'ignored' ? [1 / 3, 1 / 3, 1 / 3] : weights.map((w) => w / 6);
    open.forEach((c, i) => {
      expect(c, `counts ${open.join(',')}`).toBeGreaterThan(0);
      if (expected.weights.kind === 'unspecified') return;
      const tolerance = expected.weights.kind === 'proportional' ? expected.weights.relativeError : 0.05;
      const share = shares[i] as number;
      expect(Math.abs(c / total - share) / share, `counts ${open.join(',')}`).toBeLessThan(tolerance);
    });
  });

  it('honours weight 0 as documented', () => {
    const rng = new RngStreams(5).stream('balancer');
    const fleet = [backend(0, { weight: 0 }), backend(1), backend(2)];
    pickAndConnect(create(name), fleet, 300, rng);
    const zeroPicked = (fleet[0] as BackendView).openConnections;
    if (expected.weights.kind === 'proportional') expect(zeroPicked).toBe(0);
    if (expected.weights.kind === 'ignored') expect(zeroPicked).toBe(100);
  });
});
