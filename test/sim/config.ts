import type { SimConfig } from '../../src/sim/index.js';

/** A small, quiet fleet: no heartbeats, no faults, instant network; tests override what they study. */
export function baseConfig(overrides: Partial<SimConfig> = {}): SimConfig {
  return {
    seed: 1,
    durationMs: 60_000,
    sampleIntervalMs: 1000,
    servers: {
      count: 1,
      spec: {
        cores: 1,
        maxConnections: 1_000_000,
        weight: 1,
        handshakeCostMs: { kind: 'constant', value: 0.1 },
        pingCostMs: { kind: 'constant', value: 0.01 },
        pongCostMs: { kind: 'constant', value: 0.01 },
      },
    },
    network: { clientLatencyMs: { kind: 'constant', value: 0 }, backendLatencyMs: { kind: 'constant', value: 0 } },
    clients: {
      arrivals: { kind: 'poisson', ratePerSec: 10, startMs: 0, stopMs: Infinity },
      sessionMs: { kind: 'exponential', mean: 10_000 },
      connectTimeoutMs: 1e9,
    },
    balancer: { name: 'round-robin', options: {} },
    healthCheck: { intervalMs: 2000, fall: 3, rise: 2 },
    heartbeat: { name: 'none', options: {} },
    reconnect: { name: 'none', options: {} },
    faults: [],
    ...overrides,
  };
}
