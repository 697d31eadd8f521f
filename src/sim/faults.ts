import type { Rng } from '../engine/index.js';
import { faultTarget, rollingRestartAtMs } from '../strategies/index.js';
import type { FaultSpec } from './config.js';
import type { Operations } from './operations.js';
import type { SimServer } from './server.js';
import type { World } from './world.js';

type Of<K extends FaultSpec['kind']> = Extract<FaultSpec, { kind: K }>;

/**
 * Puts the experiment's faults on the clock. Random choices draw only from the `faults`
 * stream, so the fault schedule does not move when the load changes.
 */
export function scheduleFaults(world: World, ops: Operations, faults: readonly FaultSpec[], rng: Rng): void {
  // Random targets and rolling restarts cover the servers that run, not an autoscaler's spares.
  const provisioned = world.servers.filter((s) => s.provisioned);
  const target = (server: number | 'random'): SimServer =>
    (server === 'random' ? provisioned[faultTarget(server, provisioned.length, rng)] : world.servers[server]) as SimServer;
  const schedule: { [K in FaultSpec['kind']]: (f: Of<K>) => void } = {
    crash: (f) => {
      const server = target(f.server);
      world.sim.at(f.atMs, () => {
        ops.crash(server, 'crash', f.host === 'up');
        restartLater(world, ops, server, f.restartAfterMs);
      });
    },
    'scale-out': (f) => {
      scheduleScaleOut(world, ops, f.servers, f.atMs);
    },
    drain: (f) => {
      const server = target(f.server);
      world.sim.at(f.atMs, () => {
        drainAndRestart(world, ops, server, f.windowMs, f.restartAfterMs);
      });
    },
    'rolling-restart': (f) => {
      provisioned.forEach((server, k) => {
        world.sim.at(rollingRestartAtMs(f, k), () => {
          drainAndRestart(world, ops, server, f.windowMs, f.restartAfterMs);
        });
      });
    },
    hang: (f) => {
      const server = target(f.server);
      world.sim.at(f.atMs, () => {
        ops.hang(server, f.durationMs);
      });
    },
    'flash-crowd': (f) => {
      world.sim.at(f.atMs, () => {
        ops.flashCrowd(f.clients, f.overMs);
      });
    },
    partition: (f) => {
      world.sim.at(f.atMs, () => {
        ops.partition(f.share, f.durationMs, rng);
      });
    },
    disconnect: (f) => {
      const scope =
        f.server !== undefined ? [target(f.server)] : f.group !== undefined ? world.servers.filter((s) => s.group === f.group) : world.servers;
      world.sim.at(f.atMs, () => {
        ops.disconnect(f.share, scope, rng, f.fin ?? true);
      });
    },
    'balancer-crash': (f) => {
      downThenUp(world, f, () => {
        ops.crashBalancer(f.balancer);
      }, () => {
        ops.restartBalancer(f.balancer);
      });
    },
    'broker-crash': (f) => {
      downThenUp(world, f, () => {
        ops.crashBroker(f.shard, f.keepsHistory);
      }, () => {
        ops.restartBroker(f.shard, f.keepsHistory);
      });
    },
    slowdown: (f) => {
      world.sim.at(f.atMs, () => {
        ops.slowdown(f.factor);
      });
      world.sim.at(f.atMs + f.durationMs, () => {
        ops.endSlowdown();
      });
    },
  };
  for (const fault of faults) (schedule[fault.kind] as (f: FaultSpec) => void)(fault);
}

/** A process that dies at `atMs` and, unless `restartAfterMs` is null, comes back that much later. */
function downThenUp(world: World, f: { atMs: number; restartAfterMs: number | null }, down: () => void, up: () => void): void {
  world.sim.at(f.atMs, down);
  if (f.restartAfterMs !== null) world.sim.at(f.atMs + f.restartAfterMs, up);
}

function restartLater(world: World, ops: Operations, server: SimServer, afterMs: number | null): void {
  if (afterMs === null) return;
  world.sim.after(afterMs, () => {
    ops.restart(server);
  });
}

/** Drain over `windowMs`, then stop the emptied process and start it again after `restartAfterMs`. */
function drainAndRestart(world: World, ops: Operations, server: SimServer, windowMs: number, restartAfterMs: number | null): void {
  ops.drain(server, windowMs);
  if (restartAfterMs === null) return;
  world.sim.after(windowMs, () => {
    ops.stop(server);
    world.sim.after(restartAfterMs, () => {
      ops.restart(server);
      ops.undrain(server);
    });
  });
}

/** The newest `count` servers start absent (down, and known down to every balancer) and join at `atMs`. */
function scheduleScaleOut(world: World, ops: Operations, count: number, atMs: number): void {
  const joining = world.servers.slice(Math.max(0, world.servers.length - count));
  for (const server of joining) {
    server.kill(0);
    ops.markAbsent(server);
  }
  world.sim.at(atMs, () => {
    for (const server of joining) ops.restart(server, 'server:join');
  });
}
