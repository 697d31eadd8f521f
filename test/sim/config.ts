import type { BalancerSpec, FaultSpec, MessagesSpec, ServerGroupSpec, ServerSpec, SimConfig } from '../../src/sim/index.js';
import type { StrategyChoice } from '../../src/strategies/index.js';

/** A quick server: one process, one core, generous limits, tiny constant costs. */
export const serverSpec = (overrides: Partial<ServerSpec> = {}): ServerSpec => ({
  processes: 1,
  coresPerProcess: 1,
  maxConnections: 1_000_000,
  fileDescriptors: 10_000_000,
  weight: 1,
  memory: { baseBytes: 50e6, perConnectionBytes: 10_000, limitBytes: 1e12 },
  restartAfterOomMs: 10_000,
  dropAbandonedHandshakes: false,
  admission: { name: 'accept-all', options: {} },
  refusalCostMs: { kind: 'constant', value: 0.05 },
  shedding: { strategy: { name: 'none', options: {} }, limit: null, intervalMs: 1000 },
  handshakeCostMs: { kind: 'constant', value: 0.1 },
  pingCostMs: { kind: 'constant', value: 0.01 },
  pongCostMs: { kind: 'constant', value: 0.01 },
  healthCheckCostMs: { kind: 'constant', value: 0.01 },
  messageInCostMs: { kind: 'constant', value: 0.02 },
  messageReadCostMs: { kind: 'constant', value: 0.01 },
  messageOutCostMs: { kind: 'constant', value: 0.005 },
  pollRequestCostMs: { kind: 'constant', value: 0.1 },
  pollSessionBytes: 20_000,
  maxConnectionAgeMs: null,
  ...overrides,
});

/** `count` identical servers as one group. */
export const servers = (count: number, overrides: Partial<ServerSpec> = {}): ServerGroupSpec[] => [
  { name: 'servers', count, spec: serverSpec(overrides) },
];

/** One balancer with HAProxy's check defaults and no capacity limits. */
export const balancer = (strategy: StrategyChoice = { name: 'round-robin', options: {} }, overrides: Partial<BalancerSpec> = {}): BalancerSpec => ({
  count: 1,
  strategy,
  healthCheck: { mode: 'tcp', intervalMs: 2000, timeoutMs: 2000, fall: 3, rise: 2 },
  reportIntervalMs: 1000,
  connectTimeoutMs: 5000,
  maxConnections: 10_000_000,
  queueTimeoutMs: 0,
  portsPerBackend: 10_000_000,
  cpuPerConnectionMs: { kind: 'constant', value: 0 },
  cores: 1,
  idleTimeoutMs: Infinity,
  ...overrides,
});

/** A small, quiet fleet: no heartbeats, no faults, instant network; tests override what they study. */
export function baseConfig(overrides: Partial<SimConfig> = {}): SimConfig {
  return {
    seed: 1,
    durationMs: 60_000,
    sampleIntervalMs: 1000,
    servers: servers(1),
    network: {
      clientLatencyMs: { kind: 'constant', value: 0 },
      backendLatencyMs: { kind: 'constant', value: 0 },
      downlinkBytesPerSec: { kind: 'constant', value: 1_250_000 },
      pathBufferBytes: 131_072,
    },
    clients: {
      arrivals: { kind: 'poisson', ratePerSec: 10, startMs: 0, stopMs: Infinity },
      sessionMs: { kind: 'exponential', mean: 10_000 },
      connectTimeoutMs: 1e9,
      flapsPerHour: 0,
      initialSpreadMs: 0,
      consumePerSec: { kind: 'constant', value: 1000 },
    },
    balancer: balancer(),
    heartbeat: { name: 'none', options: {} },
    heartbeatModel: 'per-connection',
    reconnect: { name: 'none', options: {} },
    faults: [],
    autoscaler: null,
    messages: null,
    polling: null,
    ...overrides,
  };
}

/** A messages section: one channel, no publishers; tests set what they study. */
export const messages = (overrides: Partial<MessagesSpec> = {}): MessagesSpec => ({
  channels: 1,
  popularityExponent: 1,
  subscriptionsPerClient: 1,
  bytes: { kind: 'constant', value: 200 },
  backendPerSec: 0,
  clientPerSec: { kind: 'constant', value: 0 },
  broker: { targets: 'every-server', shards: 1, publishCostMs: 0.01, deliveryCostMs: 0.002, latencyMs: 0.25 },
  backpressure: { name: 'unbounded', options: {} },
  resume: { name: 'none', options: {} },
  history: { maxMessages: 100, ttlMs: 300_000 },
  idleTimeoutMs: Infinity,
  fanout: 'batched',
  ...overrides,
});

/** Options of {@link warmChannelConfig}. */
export interface WarmChannelOptions {
  resume?: 'none' | 'history';
  fanout?: 'batched' | 'cohort';
  heartbeatModel?: 'per-connection' | 'cohort';
  bytes?: number;
  backpressure?: StrategyChoice;
}

/**
 * 200 clients already connected to two servers (heartbeats at random phases), one channel at 10
 * messages/s of 200 B, a ping-pong heartbeat of 25 s / 20 s, 90 s, and `faults`: the fleet the
 * partition and silent-disconnect tests cut connections of.
 */
export function warmChannelConfig(o: WarmChannelOptions, faults: FaultSpec[]): SimConfig {
  const constant = (value: number) => ({ kind: 'constant', value }) as const;
  return baseConfig({
    durationMs: 90_000,
    servers: servers(2),
    network: { clientLatencyMs: constant(20), backendLatencyMs: constant(0.2), downlinkBytesPerSec: constant(1_250_000), pathBufferBytes: 131_072 },
    clients: { initial: 200, arrivals: { kind: 'ramp', clients: 0, startMs: 0, overMs: 1000 }, sessionMs: null, connectTimeoutMs: 10_000, flapsPerHour: 0, initialSpreadMs: 0, consumePerSec: constant(1000) },
    heartbeat: { name: 'ping-pong', options: { intervalMs: 25_000, timeoutMs: 20_000 } },
    heartbeatModel: o.heartbeatModel ?? 'per-connection',
    reconnect: { name: 'full-jitter', options: { baseMs: 1000, capMs: 5000 } },
    messages: messages({
      backendPerSec: 10,
      bytes: constant(o.bytes ?? 200),
      fanout: o.fanout ?? 'batched',
      resume: { name: o.resume ?? 'none', options: {} },
      history: { maxMessages: 100_000, ttlMs: 300_000 },
      ...(o.backpressure === undefined ? {} : { backpressure: o.backpressure }),
    }),
    faults,
  });
}
