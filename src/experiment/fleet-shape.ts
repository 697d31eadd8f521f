import type { ArrivalSpec } from '../engine/index.js';
import type { Experiment } from './schema/experiment.js';
import { onlyEntry } from './schema/one-of.js';

/** A server's fields in a validated experiment. */
export type ServerFields = NonNullable<Experiment['fleet']['server']>;

/** The fleet as groups of identical servers; `servers` + `server` is one group named `servers`. Shared by the sim and real translations. */
export function serverGroupsOf(e: Experiment): { name: string; servers: number; server: ServerFields }[] {
  return e.fleet.groups ?? [{ name: 'servers', servers: e.fleet.servers ?? 0, server: e.fleet.server as ServerFields }];
}

/** The experiment's arrival process; a Poisson stream without `stopMs` never stops. */
export function toArrivals(a: Experiment['clients']['arrivals']): ArrivalSpec {
  const [kind, p] = onlyEntry(a);
  if (kind === 'poisson') {
    const poisson = p as { ratePerSec: number; startMs: number; stopMs?: number };
    return { kind, ratePerSec: poisson.ratePerSec, startMs: poisson.startMs, stopMs: poisson.stopMs ?? Infinity };
  }
  const ramp = p as { clients: number; overMs: number; startMs: number };
  return { kind: 'ramp', clients: ramp.clients, overMs: ramp.overMs, startMs: ramp.startMs };
}
