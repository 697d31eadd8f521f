import type { Rng } from '../../src/engine/rng.js';
import { balancers, instantiate, type BackendView, type Balancer, type ConnectRequest } from '../../src/strategies/index.js';

/** A healthy weight-1 backend with no connections and zero reports, healthy since time 0. */
export function backend(id: number, patch: Partial<BackendView> = {}): BackendView {
  const base = { weight: 1, healthy: true, openConnections: 0, reportedLoad: 0, reportedMemoryLoad: 0, reportedLatencyMs: 0 };
  return { id, ...base, reportedAtMs: 0, healthySinceMs: 0, ...patch };
}

/** `count` default backends with ids 0..count−1, each patched by `patch(id)`. */
export function fleetOf(count: number, patch: (id: number) => Partial<BackendView> = () => ({})): BackendView[] {
  return Array.from({ length: count }, (_, id) => backend(id, patch(id)));
}

/** Client k, alone in its own /24 network (10.x.y.0/24). */
export function request(k: number): ConnectRequest {
  return { clientId: k, clientAddress: (0x0a000000 + k * 256) >>> 0 };
}

/** True when a backend may take new connections: healthy and not draining. */
export function eligible(b: BackendView): boolean {
  return b.healthy && b.weight > 0;
}

/** A registered balancer, built from its name and (unparsed) options as an experiment would. */
export function create(name: string, options: Readonly<Record<string, unknown>> = {}): Balancer {
  return instantiate(balancers, { name, options }, 'balancer');
}

/** Picks `count` times over `fleet` (client k at time k), opening a connection on every picked backend; returns the picks. */
export function pickAndConnect(balancer: Balancer, fleet: BackendView[], count: number, rng: Rng): number[] {
  const picks: number[] = [];
  for (let k = 0; k < count; k++) {
    const i = balancer.pick(request(k), fleet, { nowMs: k, rng });
    picks.push(i);
    const b = fleet[i];
    if (b !== undefined) fleet[i] = { ...b, openConnections: b.openConnections + 1 };
  }
  return picks;
}

/** Open connections per backend. */
export function counts(fleet: readonly BackendView[]): number[] {
  return fleet.map((b) => b.openConnections);
}

/** Largest count over mean count. */
export function maxOverMean(values: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.max(...values) / mean;
}
