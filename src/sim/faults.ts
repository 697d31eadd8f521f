import { randomInt, type Rng } from '../engine/index.js';
import { runEvent } from '../metrics/index.js';
import type { FaultSpec } from './config.js';
import type { Fleet } from './fleet.js';
import type { SimServer } from './server.js';

type Of<K extends FaultSpec['kind']> = Extract<FaultSpec, { kind: K }>;

/**
 * Puts the experiment's faults on the clock. Random choices draw only from the `faults`
 * stream, so the fault schedule does not move when the load changes.
 */
export function scheduleFaults(fleet: Fleet, faults: readonly FaultSpec[], rng: Rng): void {
  // Random targets and rolling restarts cover the servers that run, not an autoscaler's spares.
  const provisioned = fleet.servers.filter((s) => s.provisioned);
  const target = (server: number | 'random'): SimServer =>
    (server === 'random' ? provisioned[randomInt(rng, provisioned.length)] : fleet.servers[server]) as SimServer;
  const schedule: { [K in FaultSpec['kind']]: (f: Of<K>) => void } = {
    crash: (f) => {
      const server = target(f.server);
      fleet.sim.at(f.atMs, () => {
        fleet.crash(server, 'crash', f.host === 'up');
        restartLater(fleet, server, f.restartAfterMs);
      });
    },
    'scale-out': (f) => {
      scheduleScaleOut(fleet, f.servers, f.atMs);
    },
    drain: (f) => {
      const server = target(f.server);
      fleet.sim.at(f.atMs, () => {
        drainAndRestart(fleet, server, f.windowMs, f.restartAfterMs);
      });
    },
    'rolling-restart': (f) => {
      provisioned.forEach((server, k) => {
        fleet.sim.at(f.atMs + k * (f.windowMs + f.restartAfterMs + f.pauseMs), () => {
          drainAndRestart(fleet, server, f.windowMs, f.restartAfterMs);
        });
      });
    },
    hang: (f) => {
      const server = target(f.server);
      fleet.sim.at(f.atMs, () => {
        fleet.hang(server, f.durationMs);
      });
    },
    'flash-crowd': (f) => {
      fleet.sim.at(f.atMs, () => {
        fleet.events.push(runEvent.flashCrowd(fleet.sim.nowMs, f.clients));
        fleet.addArrivals({ kind: 'ramp', clients: f.clients, startMs: f.atMs, overMs: f.overMs });
      });
    },
    partition: (f) => {
      fleet.sim.at(f.atMs, () => {
        fleet.partition(f.share, f.durationMs, rng);
      });
    },
    slowdown: (f) => {
      fleet.sim.at(f.atMs, () => {
        fleet.events.push(runEvent.slowdown(fleet.sim.nowMs, f.factor));
        for (const s of fleet.servers) s.handshakeSlowdown = f.factor;
      });
      fleet.sim.at(f.atMs + f.durationMs, () => {
        fleet.events.push(runEvent.slowdownEnd(fleet.sim.nowMs));
        for (const s of fleet.servers) s.handshakeSlowdown = 1;
      });
    },
  };
  for (const fault of faults) (schedule[fault.kind] as (f: FaultSpec) => void)(fault);
}

function restartLater(fleet: Fleet, server: SimServer, afterMs: number | null): void {
  if (afterMs === null) return;
  fleet.sim.after(afterMs, () => {
    fleet.restart(server);
  });
}

/** Drain over `windowMs`, then stop the emptied process and start it again after `restartAfterMs`. */
function drainAndRestart(fleet: Fleet, server: SimServer, windowMs: number, restartAfterMs: number | null): void {
  fleet.drain(server, windowMs);
  if (restartAfterMs === null) return;
  fleet.sim.after(windowMs, () => {
    fleet.crash(server, 'stop');
    fleet.events.push(runEvent.server('server:stop', fleet.sim.nowMs, server.id));
    fleet.sim.after(restartAfterMs, () => {
      fleet.restart(server);
      fleet.undrain(server);
    });
  });
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
