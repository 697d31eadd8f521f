import type { DistributionSpec } from '../engine/index.js';
import type { AutoscalerSettings, StrategyChoice } from '../strategies/index.js';

/** One server process of a real run. */
export interface RealServerSpec {
  /** New connections beyond this (established plus in handshake) get 503 with no retry hint, as in the sim. */
  maxConnections: number;
  weight: number;
  admission: StrategyChoice;
  shedding: { strategy: StrategyChoice; limit: number | null; intervalMs: number };
  /** The admission policy's memory limit (RSS); nothing is killed when it is passed. */
  memoryLimitBytes: number;
  /** Each connection is closed (1001 going away) at an age drawn from this; null: never. */
  maxConnectionAgeMs: DistributionSpec | null;
}

export interface RealHealthCheck {
  /** tcp: a connect the kernel answers; http: GET /health, answered by the server's event loop. */
  mode: 'tcp' | 'http';
  intervalMs: number;
  timeoutMs: number;
  fall: number;
  rise: number;
}

export interface RealBalancerSpec {
  strategy: StrategyChoice;
  healthCheck: RealHealthCheck;
  /** How often servers report load; the proxy decides on these stale numbers in between. */
  reportIntervalMs: number;
  /** How long the proxy waits for a backend's TCP connect before answering 502. */
  connectTimeoutMs: number;
  /** Proxied connections at once; beyond it the proxy answers 503. */
  maxConnections: number;
  /** Proxy processes; each client picks one per attempt (DNS round-robin), each proxy has its own view and picks. */
  count: number;
}

export interface RealClientsSpec {
  /** Arrival time of each client, in ms from the start of the run; the index is the client id. */
  arrivalsMs: number[];
  /**
   * A warm start: clients 0 … length − 1 connect through the proxies before time 0 (not counted as attempts) and
   * are connected at t = 0; each one's heartbeat starts at t = 0 this share of the way to its first step, as in the sim.
   */
  warmPhases: number[];
  connectTimeoutMs: number;
  /** The first connect waits uniform(0, spread) after arrival. */
  initialSpreadMs: number;
  /** Network drops per connected hour: the client goes silent without a FIN and reconnects on a new socket. */
  flapsPerHour: number;
  /**
   * Each client's session (index: client id), counted from its first connect: then it closes its socket and
   * leaves for good, whatever its state. Null: every client stays.
   */
  sessionMs: number[] | null;
}

/** Faults that exist as real events. */
export type RealFault =
  /** SIGKILL, and a new process after `restartAfterMs` (null: stays down). */
  | { kind: 'crash'; server: number; atMs: number; restartAfterMs: number | null }
  /** SIGSTOP, then SIGCONT after `durationMs`. */
  | { kind: 'hang'; server: number; atMs: number; durationMs: number }
  /** Weight 0 at the proxy, connections closed over `windowMs`; then stopped and restarted after `restartAfterMs`. */
  | { kind: 'drain'; server: number; atMs: number; windowMs: number; restartAfterMs: number | null }
  /**
   * Each proxy drops a seeded `share` of its piped connections to `servers` (null: every server): with `fin` it
   * closes both sockets; without, it stops forwarding either way and closes nothing (state lost, as in a NAT).
   */
  | { kind: 'disconnect'; atMs: number; share: number; servers: number[] | null; fin: boolean };

/** Pub/sub load: a publisher feeds channels through the broker; each client subscribes to its channels. */
export interface RealMessagesSpec {
  channels: number;
  /** Zipf exponent of channel popularity for the publisher's choice of channel (0: uniform). */
  popularityExponent: number;
  /** Backend messages per second over all channels, at a steady pace (0: none). */
  publishRatePerSec: number;
  /** Each client's own publish rate while connected, per second (index: client id; 0: it never publishes). */
  clientPublishPerSec: number[];
  bytes: number;
  /** Each client's channels, distinct, drawn by popularity (index: client id). */
  channelsOf: number[][];
  /** Messages per second each client's application processes (index: client id); a slow one stops reading its socket meanwhile. */
  consumePerSec: number[];
  /** Per-connection send policy on each server, fed by ws bufferedAmount and the server's own queue. */
  backpressure: StrategyChoice;
  resume: StrategyChoice;
  /** The hub's history per channel: at most this many messages, for at most this long (Infinity: no bound). */
  historyMessages: number;
  historyTtlMs: number;
}

/**
 * Long-polling clients (an Engine.IO-style HTTP transport): a handshake opens a session, then the client keeps one
 * poll outstanding, which the server holds until it has data or `holdMs` passes.
 */
export interface RealPollingSpec {
  /** Whether each client long-polls (index: client id), drawn as the sim draws it. */
  clients: boolean[];
  holdMs: number;
  /** A session with no poll for this long is closed. */
  sessionTimeoutMs: number;
}

/**
 * The software a real run drives: `ws` the bundled fleet (src/real/server.ts, swarm.ts), `socket-io` Socket.IO 4.8
 * servers (websocket transport) and socket.io-client sockets reconnecting by their own Manager
 * (src/real/socketio-server.ts, socketio-swarm.ts), both behind the bundled proxies.
 */
export const REAL_STACKS = ['ws', 'socket-io'] as const;
export type RealStack = (typeof REAL_STACKS)[number];

/**
 * The autoscaler on real processes: the sim's `autoscaling` section (the same decision rule), plus how many servers
 * run at time 0; the other slots of `servers` are spares it may start.
 */
export interface RealAutoscalingSpec extends AutoscalerSettings {
  /** Servers running at time 0 (the fleet as written). */
  initial: number;
}

/** Everything a real run needs, plain data so it crosses process boundaries. */
export interface RealConfig {
  /** Which servers and clients run. */
  stack: RealStack;
  seed: number;
  durationMs: number;
  sampleIntervalMs: number;
  servers: RealServerSpec[];
  balancer: RealBalancerSpec;
  heartbeat: StrategyChoice;
  reconnect: StrategyChoice;
  clients: RealClientsSpec;
  faults: RealFault[];
  /** Client swarm processes; clients are dealt to them round-robin. */
  swarms: number;
  /** The broker hub: embedded (default) or a Redis URL on a loopback address. */
  redisUrl: string | null;
  /** Pub/sub load through the broker; null: connections only. */
  messages: RealMessagesSpec | null;
  /** Clients on the long-polling transport; null: every client uses WebSocket. */
  polling: RealPollingSpec | null;
  /** Null: a fixed fleet. Else `servers` holds the spares too (copies of the last one, up to `max`). */
  autoscaling: RealAutoscalingSpec | null;
}

/** A warm start's connects in flight at once, per swarm. */
export const WARM_CONNECTS_IN_FLIGHT = 64;

/** Bounds of a real run; the CLI refuses anything above them. */
export const REAL_LIMITS = {
  /** Clients in one run (each holds two sockets through the proxy). */
  maxClients: 20_000,
  /** One run's wall time. */
  maxDurationMs: 15 * 60_000,
  maxServers: 32,
  maxSwarms: 8,
  maxProxies: 8,
} as const;

/** Whether `host` is a loopback address; real mode binds and connects nowhere else. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
