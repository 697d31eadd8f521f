import { describe, expect, it } from 'vitest';
import { RngStreams } from '../../src/engine/rng.js';
import type { BackendView, Balancer } from '../../src/strategies/index.js';
import { create, fleetOf, request } from './balancer-fixtures.js';

const rng = new RngStreams(1).stream('balancer');
const context = { nowMs: 0, rng };

/** The backend id `balancer` sends client `k` to over `fleet`. */
function idOf(balancer: Balancer, fleet: readonly BackendView[], k: number): number {
  return fleet[balancer.pick(request(k), fleet, context)]?.id ?? -1;
}

describe('sticky', () => {
  it('sends a client back to the same backend while it is healthy, although the inner balancer rotates', () => {
    const sticky = create('sticky', { inner: 'round-robin' });
    const fleet = fleetOf(5);
    const home = idOf(sticky, fleet, 7);
    for (let k = 0; k < 50; k++) {
      idOf(sticky, fleet, 1000 + k);
      expect(idOf(sticky, fleet, 7)).toBe(home);
    }
  });

  it('moves a client when its backend goes down or drains, and keeps the new one after recovery', () => {
    const sticky = create('sticky', { inner: 'round-robin' });
    const home = idOf(sticky, fleetOf(5), 7);
    const moved = idOf(sticky, fleetOf(5, (id) => ({ healthy: id !== home })), 7);
    expect(moved).not.toBe(home);
    expect(idOf(sticky, fleetOf(5), 7)).toBe(moved);
    expect(idOf(sticky, fleetOf(5, (id) => ({ weight: id === moved ? 0 : 1 })), 7)).not.toBe(moved);
  });

  it('lets the inner balancer place new clients', () => {
    const sticky = create('sticky', { inner: 'least-connections' });
    const fleet = fleetOf(5, (id) => ({ openConnections: id === 3 ? 0 : 10 }));
    expect(idOf(sticky, fleet, 1)).toBe(3);
    const inner = create('weighted-round-robin');
    const wrapped = create('sticky');
    const weighted = fleetOf(4, (id) => ({ weight: id + 1 }));
    for (let k = 0; k < 40; k++) expect(idOf(wrapped, weighted, k)).toBe(idOf(inner, weighted, k));
  });

  it('forgets the least recently routed client past maxEntries', () => {
    const sticky = create('sticky', { inner: 'round-robin', maxEntries: 2 });
    const fleet = fleetOf(4);
    expect([1, 2, 3].map((k) => idOf(sticky, fleet, k))).toEqual([0, 1, 2]);
    expect(idOf(sticky, fleet, 1)).toBe(3); // client 1 was evicted by client 3, so round-robin placed it anew
    expect(idOf(sticky, fleet, 3)).toBe(2); // client 3 is still remembered; client 2 was evicted instead
    expect(idOf(sticky, fleet, 2)).toBe(0);
  });

  it('by address, groups the clients that share an address', () => {
    const sticky = create('sticky', { by: 'address', inner: 'round-robin' });
    const fleet = fleetOf(5);
    const home = fleet[sticky.pick({ clientId: 1, clientAddress: 0x0a000001 }, fleet, context)]?.id;
    for (let k = 2; k < 20; k++) expect(fleet[sticky.pick({ clientId: k, clientAddress: 0x0a000001 }, fleet, context)]?.id).toBe(home);
  });

  it('rejects an inner balancer that is not registered, listing the registered ones', () => {
    expect(() => create('sticky', { inner: 'nope' })).toThrow(/expected a balancer name \(round-robin, weighted-round-robin/);
    expect(() => create('sticky', { inner: { 'power-of-d': { d: 0 } } })).toThrow();
    expect(idOf(create('sticky', { inner: { 'power-of-d': { d: 3 } } }), fleetOf(3), 1)).toBeGreaterThanOrEqual(0);
  });
});
