import type { StrategySpec } from '../types.js';
import type { Balancer, BackendView } from './types.js';
import { keyOf, type ClientKey } from './hash.js';
import { isEligible } from './lowest.js';
import { createInner, type BalancerRegistry } from './inner.js';

export interface StickyOptions {
  /** Remember backends per client id, or per full IPv4 address (HAProxy `stick on src`). @default 'client' */
  by: ClientKey;
  /** The balancer that places new clients and clients whose backend is gone. @default 'weighted-round-robin' */
  inner: StrategySpec;
  /** Most remembered clients; past it the least recently routed is forgotten (about 45 bytes each in V8). @default 1_000_000 */
  maxEntries: number;
}

/**
 * Sends a client back to the backend it was last routed to while that backend is eligible (healthy,
 * weight > 0); otherwise the inner balancer picks and the new backend is remembered. Memory is a
 * least-recently-routed map of at most `maxEntries` clients, like a bounded HAProxy stick table.
 */
export function createSticky(options: StickyOptions, registry: BalancerRegistry): Balancer {
  const { by, maxEntries } = options;
  const inner = createInner(registry, options.inner);
  const remembered = new Map<number, number>();

  const remember = (key: number, id: number): void => {
    remembered.delete(key);
    remembered.set(key, id);
    for (const oldest of remembered.keys()) {
      if (remembered.size <= maxEntries) break;
      remembered.delete(oldest);
    }
  };

  return {
    name: 'sticky',
    pick(request, backends: readonly BackendView[], context) {
      const key = keyOf(request, by, 32);
      const id = remembered.get(key);
      const kept = id === undefined ? -1 : backends.findIndex((b) => b.id === id);
      const i = kept >= 0 && isEligible(backends[kept] as BackendView) ? kept : inner.pick(request, backends, context);
      if (i >= 0) remember(key, (backends[i] as BackendView).id);
      return i;
    },
  };
}
