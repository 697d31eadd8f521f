import { z } from 'zod';
import { entry, type StrategyEntry } from '../types.js';
import type { Balancer } from './types.js';
import { createRoundRobin } from './round-robin.js';
import { createLeastConnections } from './least-connections.js';

export type { Balancer, BackendView, ConnectRequest, PickContext } from './types.js';

/** Every balancing algorithm, by the name experiments use. */
export const balancers = {
  'round-robin': entry('cycle through healthy backends in order (nginx, Envoy default)', z.object({}).strict(), createRoundRobin),
  'least-connections': entry(
    'fewest open connections per unit of weight; ties rotate (HAProxy leastconn)',
    z.object({}).strict(),
    createLeastConnections,
  ),
} satisfies Record<string, StrategyEntry<Balancer>>;

export type BalancerName = keyof typeof balancers;
