import { randomInt, type Rng } from '../engine/index.js';
import type { FaultSpec } from './config.js';
import type { Fleet } from './fleet.js';
import type { SimServer } from './server.js';

/**
 * Puts the experiment's faults on the clock. Random choices draw only from the `faults`
 * stream, so the fault schedule does not move when the load changes.
 */
export function scheduleFaults(fleet: Fleet, faults: readonly FaultSpec[], rng: Rng): void {
  for (const fault of faults) {
    if (fault.kind === 'scale-out') {
      scheduleScaleOut(fleet, fault.servers, fault.atMs);
      continue;
    }
    const target = fault.server === 'random' ? randomInt(rng, fleet.servers.length) : fault.server;
    const server = fleet.servers[target] as SimServer;
    fleet.sim.at(fault.atMs, () => {
      fleet.crash(server);
      if (fault.restartAfterMs !== null) fleet.sim.after(fault.restartAfterMs, () => {
          fleet.restart(server);
        });
    });
  }
}

/** The newest `count` servers start absent (down, and known down to every balancer) and join at `atMs`. */
function scheduleScaleOut(fleet: Fleet, count: number, atMs: number): void {
  const joining = fleet.servers.slice(Math.max(0, fleet.servers.length - count));
  for (const server of joining) {
    server.kill(0);
    for (const b of fleet.balancers) b.markAbsent(server.id);
  }
  fleet.sim.at(atMs, () => {
    for (const server of joining) fleet.restart(server, 'server:join');
  });
}
