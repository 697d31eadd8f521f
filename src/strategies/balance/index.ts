import { z } from 'zod';
import { entry, type StrategyEntry } from '../types.js';
import type { Balancer } from './types.js';
import { createRoundRobin } from './round-robin.js';
import { createWeightedRoundRobin } from './weighted-round-robin.js';
import { createLeastConnections } from './least-connections.js';
import { createLeastLoaded } from './least-loaded.js';
import { createLeastResponseTime } from './least-response-time.js';
import { createModuloHash } from './modulo-hash.js';
import { createConsistentHash } from './consistent-hash.js';
import { createRandom } from './random.js';
import { createPowerOfD } from './power-of-d.js';
import { createCustomMetric } from './custom-metric.js';
import { createSticky } from './sticky.js';
import { createSlowStart } from './slow-start.js';
import { innerSpec } from './inner.js';

export type { Balancer, BackendView, ConnectRequest, PickContext } from './types.js';
export { buildRing, ringOwner, type Ring, type RingMember } from './hash-ring.js';
export { isEligible } from './lowest.js';

/** The registry, for wrappers; a function so it can be named before `balancers` is initialised. */
function registry(): Readonly<Record<string, StrategyEntry<Balancer>>> {
  return balancers;
}

const none = z.object({}).strict();
const clientKey = z.enum(['client', 'address']).default('client');
const prefixBits = (bits: number) => z.number().int().min(0).max(32).default(bits);
const inner = innerSpec(registry).default('weighted-round-robin');
const share = z.number().min(0);

/** Every balancing algorithm, by the name experiments use. Weight 0 drains a backend in all of them. */
export const balancers = {
  'round-robin': entry('cycle through healthy backends in order, ignoring positive weights', none, createRoundRobin),
  'weighted-round-robin': entry(
    'smooth weighted round robin: weights 5,1,1 interleave as a a b a c a a (nginx default)',
    none,
    createWeightedRoundRobin,
  ),
  'least-connections': entry('fewest open connections per unit of weight; ties rotate (HAProxy leastconn)', none, createLeastConnections),
  'least-loaded': entry('lowest reported CPU load per unit of weight, as stale as the report; ties rotate', none, createLeastLoaded),
  'least-response-time': entry(
    'lowest reported health-check latency, then fewest connections per weight; ties rotate',
    none,
    createLeastResponseTime,
  ),
  hash: entry(
    'client key hash modulo total healthy weight: a change moves most clients (nginx hash, ip_hash)',
    z.object({ key: clientKey, addressPrefixBits: prefixBits(24) }).strict(),
    createModuloHash,
  ),
  'consistent-hash': entry(
    'ring of virtual nodes per unit of weight: a change moves about 1/n of clients (nginx hash consistent)',
    z.object({ pointsPerWeight: z.number().int().min(1).max(10_000).default(160), key: clientKey, addressPrefixBits: prefixBits(32) }).strict(),
    createConsistentHash,
  ),
  random: entry('weighted random among healthy backends', none, createRandom),
  'power-of-d': entry(
    'best of d distinct random healthy backends by connections or load per weight (HAProxy random(2), Envoy least_request)',
    z.object({ d: z.number().int().min(1).default(2), metric: z.enum(['connections', 'load']).default('connections') }).strict(),
    createPowerOfD,
  ),
  'custom-metric': entry(
    'lowest (cpu·load + memory·memory load + connections·connections/(mean+1)) / weight; ties rotate',
    z.object({ cpu: share.default(1), memory: share.default(0), connections: share.default(1) }).strict(),
    createCustomMetric,
  ),
  sticky: entry(
    "send a client back to its last backend while it is healthy; the inner balancer places the rest",
    z.object({ by: clientKey, inner, maxEntries: z.number().int().min(1).default(1_000_000) }).strict(),
    (options): Balancer => createSticky(options, registry),
  ),
  'slow-start': entry(
    "ramp a newly healthy backend's weight linearly from a floor for a weight-aware inner balancer (Envoy, HAProxy)",
    z.object({ durationMs: z.number().positive().default(30_000), minWeightShare: z.number().gt(0).max(1).default(0.1), inner }).strict(),
    (options): Balancer => createSlowStart(options, registry),
  ),
} satisfies Record<string, StrategyEntry<Balancer>>;

export type BalancerName = keyof typeof balancers;
