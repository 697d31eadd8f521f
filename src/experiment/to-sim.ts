import type { SimConfig } from '../sim/index.js';
import { backoffs, balancers, heartbeats } from '../strategies/index.js';
import type { Experiment } from './schema/experiment.js';
import { toDistributionSpec } from './schema/distribution.js';
import { onlyEntry } from './schema/one-of.js';
import { toStrategyChoice } from './schema/strategy.js';

/** Translates a validated experiment into the simulator's input. */
export function toSimConfig(e: Experiment): SimConfig {
  const { server, network } = e.fleet;
  return {
    seed: e.seed,
    durationMs: e.durationMs,
    sampleIntervalMs: e.sampleIntervalMs,
    servers: {
      count: e.fleet.servers,
      spec: {
        cores: server.cores,
        maxConnections: server.maxConnections,
        weight: server.weight,
        handshakeCostMs: toDistributionSpec(server.handshakeCostMs),
        pingCostMs: toDistributionSpec(server.pingCostMs),
        pongCostMs: toDistributionSpec(server.pongCostMs),
      },
    },
    network: {
      clientLatencyMs: toDistributionSpec(network.clientLatencyMs),
      backendLatencyMs: toDistributionSpec(network.backendLatencyMs),
    },
    clients: {
      arrivals: toArrivals(e.clients.arrivals),
      sessionMs: e.clients.sessionMs === 'forever' ? null : toDistributionSpec(e.clients.sessionMs),
      connectTimeoutMs: e.clients.connectTimeoutMs,
    },
    balancer: toStrategyChoice(balancers, e.balancer.strategy),
    healthCheck: e.balancer.healthCheck,
    heartbeat: toStrategyChoice(heartbeats, e.heartbeat),
    reconnect: toStrategyChoice(backoffs, e.clients.reconnect),
    faults: e.faults.map((f) => {
      const [, crash] = onlyEntry(f);
      return { kind: 'crash', server: crash.server, atMs: crash.atMs, restartAfterMs: crash.restartAfterMs };
    }),
  };
}

function toArrivals(a: Experiment['clients']['arrivals']): SimConfig['clients']['arrivals'] {
  const [kind, p] = onlyEntry(a);
  if (kind === 'poisson') {
    const poisson = p as { ratePerSec: number; startMs: number; stopMs?: number };
    return { kind, ratePerSec: poisson.ratePerSec, startMs: poisson.startMs, stopMs: poisson.stopMs ?? Infinity };
  }
  const ramp = p as { clients: number; overMs: number; startMs: number };
  return { kind: 'ramp', clients: ramp.clients, overMs: ramp.overMs, startMs: ramp.startMs };
}
