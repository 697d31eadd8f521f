import type { Balancer, BackendView } from './types.js';
import { hashInt, keyOf, type ClientKey } from './hash.js';
import { buildRing, firstPointFrom, pointsOf, type Ring } from './hash-ring.js';
import { isEligible } from './lowest.js';

export interface ConsistentHashOptions {
  /** Virtual nodes per unit of weight (nginx 160, HAProxy 16, Envoy ring hash ≥ 1024 in total). @default 160 */
  pointsPerWeight: number;
  /** Hash the client id, or its IPv4 address. @default 'client' */
  key: ClientKey;
  /** With `key: address`, how many leading address bits count. @default 32 */
  addressPrefixBits: number;
}

/**
 * A hash ring with virtual nodes per unit of weight: a client goes to the first point clockwise of its
 * key's hash whose backend is healthy, so a backend leaving or joining moves only its own share of clients.
 * The ring is rebuilt only when the view's (id, point count) list changes, not when health changes.
 */
export function createConsistentHash(options: ConsistentHashOptions): Balancer {
  const { pointsPerWeight, key, addressPrefixBits } = options;
  let ring: Ring = buildRing([], pointsPerWeight);
  let ids: number[] = [];
  let points: number[] = [];

  const refresh = (backends: readonly BackendView[]): void => {
    const same = (b: BackendView, i: number): boolean => b.id === ids[i] && pointsOf(b.weight, pointsPerWeight) === points[i];
    if (backends.length === ids.length && backends.every(same)) return;
    ids = backends.map((b) => b.id);
    points = backends.map((b) => pointsOf(b.weight, pointsPerWeight));
    ring = buildRing(backends, pointsPerWeight);
  };

  return {
    name: 'consistent-hash',
    pick(request, backends: readonly BackendView[]) {
      if (!backends.some(isEligible)) return -1;
      refresh(backends);
      const first = firstPointFrom(ring, hashInt(keyOf(request, key, addressPrefixBits)));
      for (let k = 0; k < ring.members.length; k++) {
        const i = ring.members[(first + k) % ring.members.length] as number;
        if (isEligible(backends[i] as BackendView)) return i;
      }
      return -1;
    },
  };
}
