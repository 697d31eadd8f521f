import { describe, expect, it } from 'vitest';
import { RngStreams, randomInt, type Rng } from '../../src/engine/rng.js';
import { balancers, type BackendView, type BalancerName } from '../../src/strategies/index.js';
import { backend, counts, create, eligible, pickAndConnect, request } from './balancer-fixtures.js';
import { expectations, fallback } from './balancer-expectations.js';

const names = Object.keys(balancers) as BalancerName[];

/** A random fleet view: 0–12 backends, random health, weights 0–4, loads, connections and ramp starts. */
function randomFleet(rng: Rng): BackendView[] {
  return Array.from({ length: randomInt(rng, 13) }, (_, id) =>
    backend(id, {
      healthy: rng.next() < 0.5,
      weight: rng.next() < 0.15 ? 0 : 1 + randomInt(rng, 4),
      openConnections: randomInt(rng, 50),
      reportedLoad: rng.next(),
      reportedMemoryLoad: rng.next(),
      reportedLatencyMs: rng.next() * 100,
      reportedAtMs: randomInt(rng, 1000),
      healthySinceMs: randomInt(rng, 30_000),
    }),
  );
}

describe.each(names)('balancer %s', (name) => {
  const expected = expectations[name] ?? fallback;

  it('never picks an unhealthy or draining backend or an index out of range', () => {
    const rng = new RngStreams(1).stream('fleets');
    const balancer = create(name);
    for (let round = 0; round < 20_000; round++) {
      const fleet = randomFleet(rng);
      const i = balancer.pick(request(randomInt(rng, 1000)), fleet, { nowMs: round, rng });
      const anyEligible = fleet.some(eligible);
      if (i === -1) {
        if (!expected.mayRefuseHealthy) expect(anyEligible, `refused with an eligible backend in round ${round}`).toBe(false);
        continue;
      }
      expect(Number.isInteger(i) && i >= 0 && i < fleet.length, `index ${i} of ${fleet.length}`).toBe(true);
      expect(fleet[i] !== undefined && eligible(fleet[i]), `picked ineligible backend ${i} in round ${round}`).toBe(true);
    }
  });

  it('refuses when no backend is healthy and when the list is empty', () => {
    const rng = new RngStreams(2).stream('balancer');
    const balancer = create(name);
    expect(balancer.pick(request(1), [], { nowMs: 0, rng })).toBe(-1);
    const down = Array.from({ length: 5 }, (_, id) => backend(id, { healthy: false }));
    for (let k = 0; k < 20; k++) expect(balancer.pick(request(k), down, { nowMs: k, rng })).toBe(-1);
    expect(balancer.pick(request(1), [], { nowMs: 0, rng })).toBe(-1);
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
    const fleet = Array.from({ length: 10 }, (_, id) => backend(id, { openConnections: 7, reportedLoad: 0.5, reportedLatencyMs: 20 }));
    const picked = new Array<number>(10).fill(0);
    for (let k = 0; k < 1000; k++) {
      const i = balancer.pick(request(k), fleet, { nowMs: k, rng });
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
    pickAndConnect(create(name), fleet, 60_000, rng);
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

  it('drains a weight-0 backend: no new connections, and refuses when only drained ones are healthy', () => {
    const rng = new RngStreams(5).stream('balancer');
    const balancer = create(name);
    const fleet = [backend(0, { weight: 0 }), backend(1), backend(2)];
    pickAndConnect(balancer, fleet, 300, rng);
    expect(counts(fleet)).toEqual([0, expect.any(Number), expect.any(Number)]);
    const drained = [backend(0, { weight: 0 }), backend(1, { healthy: false })];
    expect(pickAndConnect(balancer, drained, 10, rng)).toEqual(new Array<number>(10).fill(-1));
  });
});
