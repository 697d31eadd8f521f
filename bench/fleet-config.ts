import type { SimConfig } from '../src/sim/index.js';
import { balancer, baseConfig, servers } from '../test/sim/config.js';

/** What the child prints as one JSON line on stdout. */
export interface FleetChildReport {
  /** Wall time of runSimulation alone, in milliseconds. */
  wallMs: number;
  /** Peak resident set size of this process (process.resourceUsage().maxRSS), in KiB. */
  maxRssKiB: number;
  /** Engine events dispatched (summary `events.processed`). */
  events: number;
  /** Virtual time of the last sample, in milliseconds. */
  virtualMs: number;
  /** Clients connected at the end. */
  connectedFinal: number;
}

/** Clients in the fleet-100k benchmark. */
export const FLEET_CLIENTS = 100_000;

/**
 * The fleet-100k benchmark: 100,000 clients ramping in over 60 s and staying, 20 node-ws-tls-like
 * servers behind one least-connections balancer, 25 s / 20 s ping-pong heartbeats and a
 * broadband-like network, simulated for one virtual hour.
 */
export function fleet100kConfig(heartbeatModel: SimConfig['heartbeatModel'] = 'per-connection'): SimConfig {
  return baseConfig({
    heartbeatModel,
    seed: 1,
    durationMs: 3_600_000,
    sampleIntervalMs: 10_000,
    // models/servers/node-ws-tls.yaml: costs, descriptors, memory and cap (none binds at 5,000 clients a server).
    servers: servers(20, {
      processes: 1,
      coresPerProcess: 1,
      maxConnections: 20_000,
      fileDescriptors: 65_536,
      memory: { baseBytes: 52_428_800, perConnectionBytes: 31_744, limitBytes: 2_147_483_648 },
      handshakeCostMs: { kind: 'uniform', min: 0.7, max: 1.1 },
      pingCostMs: { kind: 'constant', value: 0.05 },
      pongCostMs: { kind: 'constant', value: 0.05 },
      healthCheckCostMs: { kind: 'constant', value: 0.05 },
    }),
    // models/networks/broadband.yaml.
    network: {
      clientLatencyMs: { kind: 'lognormal', mean: 20, std: 12 },
      backendLatencyMs: { kind: 'uniform', min: 0.1, max: 0.3 },
      downlinkBytesPerSec: { kind: 'constant', value: 1_250_000 },
      pathBufferBytes: 131_072,
    },
    // models/clients/browser.yaml: 20 s connect timeout, full-jitter reconnects, sessions forever.
    clients: {
      arrivals: { kind: 'ramp', clients: FLEET_CLIENTS, startMs: 0, overMs: 60_000 },
      sessionMs: null,
      connectTimeoutMs: 20_000,
      initialSpreadMs: 0,
      consumePerSec: { kind: 'constant', value: 1000 },
      flapsPerHour: 0,
    },
    balancer: balancer({ name: 'least-connections', options: {} }),
    heartbeat: { name: 'ping-pong', options: { intervalMs: 25_000, timeoutMs: 20_000 } },
    reconnect: { name: 'full-jitter', options: { baseMs: 500, capMs: 20_000 } },
    faults: [],
  });
}
