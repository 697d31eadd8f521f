import { describe, expect, it, vi } from 'vitest';

// Counts ring builds: the ring must be built once per set of (id, weight), not per pick.
vi.mock('../../src/strategies/balance/hash-ring.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/strategies/balance/hash-ring.js')>();
  return { ...original, buildRing: vi.fn(original.buildRing) };
});
import { RngStreams } from '../../src/engine/rng.js';
import type { BackendView } from '../../src/strategies/index.js';
import { fmix32 } from '../../src/strategies/balance/hash.js';
import { create, fleetOf, request } from './balancer-fixtures.js';

const rng = new RngStreams(3).stream('balancer');
const context = { nowMs: 0, rng };

/** `count` picks of `name` over a fixed view, client k for pick k. */
function picksOf(name: string, fleet: readonly BackendView[], count: number, options: Record<string, unknown> = {}): number[] {
  const balancer = create(name, options);
  return Array.from({ length: count }, (_, k) => balancer.pick(request(k), fleet, context));
}

describe('balancing strategies', () => {
  it('weighted-round-robin interleaves weights 5, 1, 1 as a a b a c a a', () => {
    const fleet = fleetOf(3, (id) => ({ weight: id === 0 ? 5 : 1 }));
    expect(picksOf('weighted-round-robin', fleet, 14)).toEqual([0, 0, 1, 0, 2, 0, 0, 0, 0, 1, 0, 2, 0, 0]);
  });

  it('least-loaded balances utilisation, so with capacity ∝ weight connections split in proportion to weight', () => {
    // Reported load is each server's own utilisation, already relative to its capacity.
    const balancer = create('least-loaded');
    let fleet = fleetOf(3, (id) => ({ weight: id + 1 }));
    const utilisation = (b: BackendView, open: number): number => open / (3000 * b.weight);
    for (let k = 0; k < 6000; k++) {
      const i = balancer.pick(request(k), fleet, context);
      const connect = (b: BackendView): BackendView => {
        const openConnections = b.openConnections + 1;
        return { ...b, openConnections, reportedLoad: utilisation(b, openConnections) };
      };
      fleet = fleet.map((b, j) => (j === i ? connect(b) : b));
    }
    expect(fleet.map((b) => Math.round((b.openConnections * 6) / 6000))).toEqual([1, 2, 3]);
  });

  it('least-response-time prefers the lowest latency, then the fewest connections per weight', () => {
    const latencies = [30, 10, 10, 20];
    const open = [0, 8, 6, 0];
    const fleet = fleetOf(4, (id) => ({ reportedLatencyMs: latencies[id] ?? 0, openConnections: open[id] ?? 0, weight: id === 1 ? 2 : 1 }));
    expect(picksOf('least-response-time', fleet, 1)).toEqual([1]);
  });

  it('custom-metric picks the lowest (cpu·load + memory·memory + connections·open/(mean+1)) / weight', () => {
    const load = [0.2, 0.5, 0.1];
    const memory = [0.9, 0, 0.1];
    const open = [10, 0, 20];
    const fleet = fleetOf(3, (id) => ({ reportedLoad: load[id] ?? 0, reportedMemoryLoad: memory[id] ?? 0, openConnections: open[id] ?? 0 }));
    // Mean connections 10: scores by default (1, 0, 1): 0.2 + 10/11, 0.5 + 0, 0.1 + 20/11.
    expect(picksOf('custom-metric', fleet, 1)).toEqual([1]);
    // cpu only: 0.2, 0.5, 0.1.
    expect(picksOf('custom-metric', fleet, 1, { connections: 0 })).toEqual([2]);
    // memory only: 0.9, 0, 0.1.
    expect(picksOf('custom-metric', fleet, 1, { cpu: 0, memory: 1, connections: 0 })).toEqual([1]);
  });

  it('hash by address sends a /24 together (nginx ip_hash) and spreads /24s', () => {
    const fleet = fleetOf(8);
    const balancer = create('hash', { key: 'address' });
    const pickFor = (address: number): number => balancer.pick({ clientId: address, clientAddress: address >>> 0 }, fleet, context);
    const network = 0xc0a80100;
    expect(new Set(Array.from({ length: 256 }, (_, host) => pickFor(network + host))).size).toBe(1);
    expect(new Set(Array.from({ length: 64 }, (_, net) => pickFor(network + net * 256))).size).toBe(8);
  });

  it('hash and consistent-hash send a client to the same backend every time', () => {
    for (const name of ['hash', 'consistent-hash']) {
      const balancer = create(name);
      const fleet = fleetOf(7);
      const first = Array.from({ length: 100 }, (_, k) => balancer.pick(request(k), fleet, context));
      expect(Array.from({ length: 100 }, (_, k) => balancer.pick(request(k), fleet, context))).toEqual(first);
    }
  });

  it('consistent-hash builds its ring once per set of (id, weight), not per pick', async () => {
    // The unit lane shares modules between files: load the balancer afresh so that it sees the mock.
    vi.resetModules();
    const fresh = await import('./balancer-fixtures.js');
    const builds = vi.mocked((await import('../../src/strategies/balance/hash-ring.js')).buildRing);
    const fleet = fleetOf(200);
    const balancer = fresh.create('consistent-hash');
    const before = builds.mock.calls.length;
    for (let k = 0; k < 10_000; k++) balancer.pick(request(k), fleet, context);
    expect(builds.mock.calls.length - before).toBe(1);
    // A health change keeps the ring; a weight change rebuilds it, once.
    const unhealthy = fleet.map((b, s) => (s === 3 ? { ...b, healthy: false } : b));
    for (let k = 0; k < 1_000; k++) balancer.pick(request(k), unhealthy, context);
    expect(builds.mock.calls.length - before).toBe(1);
    const reweighted = fleet.map((b, s) => (s === 3 ? { ...b, weight: 2 } : b));
    for (let k = 0; k < 1_000; k++) balancer.pick(request(k), reweighted, context);
    expect(builds.mock.calls.length - before).toBe(2);
  });

  it('power-of-d with d = 1 is uniform and with d ≥ n is least-connections', () => {
    const fleet = fleetOf(4, (id) => ({ openConnections: [5, 1, 9, 3][id] ?? 0 }));
    expect(new Set(picksOf('power-of-d', fleet, 200, { d: 1 })).size).toBe(4);
    expect(new Set(picksOf('power-of-d', fleet, 50, { d: 4 }))).toEqual(new Set([1]));
  });

  it('fmix32 is a well-mixed bijection: consecutive keys flip about half the bits', () => {
    let flipped = 0;
    for (let k = 0; k < 10_000; k++) flipped += popcount(fmix32(k) ^ fmix32(k + 1));
    expect(flipped / 10_000).toBeGreaterThan(15);
    expect(flipped / 10_000).toBeLessThan(17);
  });
});

function popcount(x: number): number {
  let n = 0;
  for (let v = x >>> 0; v !== 0; v >>>= 1) n += v & 1;
  return n;
}
