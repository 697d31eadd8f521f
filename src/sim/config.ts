import type { DistributionSpec } from '../engine/index.js';
import type { StrategyChoice } from '../strategies/index.js';

/** Client arrivals: a Poisson stream, or a ramp of N clients arriving uniformly at random over a window. */
export type ArrivalSpec =
  | { kind: 'poisson'; ratePerSec: number; startMs: number; stopMs: number }
  | { kind: 'ramp'; clients: number; startMs: number; overMs: number };

export interface ServerSpec {
  /** Processes × cores that share one run queue; a Node process has one. */
  cores: number;
  /** New connections beyond this (established plus in handshake) are refused with 503. */
  maxConnections: number;
  /** Relative capacity the balancer may use. */
  weight: number;
  handshakeCostMs: DistributionSpec;
  /** CPU to send one ping (timer callback and frame write). */
  pingCostMs: DistributionSpec;
  /** CPU to read one pong. */
  pongCostMs: DistributionSpec;
}

export interface NetworkSpec {
  /** One way, client to balancer. */
  clientLatencyMs: DistributionSpec;
  /** One way, balancer to server. */
  backendLatencyMs: DistributionSpec;
}

export interface HealthCheckSpec {
  intervalMs: number;
  /** Consecutive failed checks before a server is marked down. */
  fall: number;
  /** Consecutive passed checks before a down server is marked up. */
  rise: number;
}

export type FaultSpec = { kind: 'crash'; server: number | 'random'; atMs: number; restartAfterMs: number | null };

export interface ClientSpec {
  arrivals: ArrivalSpec;
  /** Time a client stays once first connected; null for clients that never leave. */
  sessionMs: DistributionSpec | null;
  /** A connect attempt without an answer by then counts as failed. */
  connectTimeoutMs: number;
}

/** Everything one simulated run needs; built by the experiment layer from a validated file. */
export interface SimConfig {
  seed: number;
  durationMs: number;
  sampleIntervalMs: number;
  servers: { count: number; spec: ServerSpec };
  network: NetworkSpec;
  clients: ClientSpec;
  balancer: StrategyChoice;
  healthCheck: HealthCheckSpec;
  heartbeat: StrategyChoice;
  reconnect: StrategyChoice;
  faults: FaultSpec[];
}
