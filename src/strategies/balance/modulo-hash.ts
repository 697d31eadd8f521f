import type { Balancer, BackendView } from './types.js';
import { hashInt, keyOf, type ClientKey } from './hash.js';
import { atWeightPoint } from './lowest.js';

export interface ModuloHashOptions {
  /** Hash the client id, or its IPv4 address (nginx ip_hash). @default 'client' */
  key: ClientKey;
  /** With `key: address`, how many leading address bits count (24: the first 3 octets, as nginx ip_hash). @default 24 */
  addressPrefixBits: number;
}

/**
 * Hashes the client key modulo the total weight of the eligible backends, walked in the view's order
 * (which the fleet keeps stable, by id): a client keeps its backend while the set is unchanged, but
 * adding or removing one backend of n moves about (n−1)/n of the clients.
 */
export function createModuloHash(options: ModuloHashOptions): Balancer {
  const { key, addressPrefixBits } = options;
  return {
    name: 'hash',
    pick: (request, backends: readonly BackendView[]) => atWeightPoint(backends, (total) => hashInt(keyOf(request, key, addressPrefixBits)) % total),
  };
}
