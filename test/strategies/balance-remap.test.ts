import { describe, expect, it } from 'vitest';
import { RngStreams } from '../../src/engine/rng.js';
import { buildRing, ringOwner } from '../../src/strategies/balance/index.js';
import { hashInt } from '../../src/strategies/balance/hash.js';
import type { BackendView, Balancer } from '../../src/strategies/index.js';
import { create, fleetOf, request } from './balancer-fixtures.js';

const clients = 100_000;
const rng = new RngStreams(1).stream('balancer');

/** The backend id each client is sent to over `fleet`. */
function owners(balancer: Balancer, fleet: readonly BackendView[]): Int32Array {
  return Int32Array.from({ length: clients }, (_, k) => (fleet[balancer.pick(request(k), fleet, { nowMs: 0, rng })] as BackendView).id);
}

/** The share of clients whose backend differs between two assignments. */
function movedShare(before: Int32Array, after: Int32Array): number {
  let moved = 0;
  before.forEach((id, k) => (moved += id === after[k] ? 0 : 1));
  return moved / clients;
}

/** Moved shares when server 3 of 10 leaves (removed from the view) and when an 11th joins. */
function remap(name: string): { leave: number; join: number } {
  const balancer = create(name);
  const ten = owners(balancer, fleetOf(10));
  return {
    leave: movedShare(ten, owners(balancer, fleetOf(10).filter((b) => b.id !== 3))),
    join: movedShare(ten, owners(balancer, fleetOf(11))),
  };
}

describe('remapping when the fleet changes (100,000 clients)', () => {
  const consistent = remap('consistent-hash');
  const modulo = remap('hash');
  const shares = (r: { leave: number; join: number }): string => `${r.leave.toFixed(4)} / ${r.join.toFixed(4)}`;
  console.log(`moved share, 10 → 9 / 10 → 11: consistent-hash ${shares(consistent)}, hash ${shares(modulo)}`);

  it('consistent-hash moves about 1/10 when one of 10 leaves and about 1/11 when an 11th joins', () => {
    // A backend's arc share has a relative sd of √(0.9/160) ≈ 7.5 % at 160 points: 1/10 ± 0.0075, 1/11 ± 0.007.
    expect(consistent.leave).toBeGreaterThanOrEqual(0.08);
    expect(consistent.leave).toBeLessThanOrEqual(0.13);
    expect(consistent.join).toBeGreaterThanOrEqual(0.07);
    expect(consistent.join).toBeLessThanOrEqual(0.12);
  });

  it('modulo hash moves about 9/10 and 10/11', () => {
    expect(modulo.leave).toBeGreaterThan(0.8);
    expect(modulo.join).toBeGreaterThan(0.8);
  });

  it('a backend marked unhealthy moves its clients exactly as if it had left', () => {
    for (const name of ['consistent-hash', 'hash']) {
      const balancer = create(name);
      const down = owners(balancer, fleetOf(10, (id) => ({ healthy: id !== 3 })));
      expect(movedShare(down, owners(balancer, fleetOf(10).filter((b) => b.id !== 3)))).toBe(0);
    }
  });

  it('the pure ring helpers give the same owners as the balancer', () => {
    const members = fleetOf(10);
    const ring = buildRing(members, 160);
    const viaRing = Int32Array.from({ length: clients }, (_, k) => (members[ringOwner(ring, hashInt(k))] as BackendView).id);
    expect(movedShare(viaRing, owners(create('consistent-hash'), members))).toBe(0);
  });
});
