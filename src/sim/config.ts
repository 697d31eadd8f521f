import type { ArrivalSpec, DistributionSpec } from '../engine/index.js';
import type { AutoscalerSettings, StrategyChoice } from '../strategies/index.js';

export type { ArrivalSpec };

export interface MemorySpec {
  /** Resident memory of an idle process. */
  baseBytes: number;
  perConnectionBytes: number;
  /** Above this the server is killed (OOM) and restarts after `restartAfterOomMs`. */
  limitBytes: number;
}

export interface ServerSpec {
  /** Processes on the server (Node cluster workers); connections are spread over them round-robin. */
  processes: number;
  /** Cores sharing each process's run queue; a Node process has 1. */
  coresPerProcess: number;
  /** New connections beyond this (established plus in handshake) are refused with 503. */
  maxConnections: number;
  /** Descriptors per process; with none left, accept() fails and the connection hangs until the client gives up. */
  fileDescriptors: number;
  /** Relative capacity the balancer may use. */
  weight: number;
  memory: MemorySpec;
  restartAfterOomMs: number;
  /** Decides whether to take each new connection (refusals carry a retry-after). */
  admission: StrategyChoice;
  /** CPU to refuse a connection: accept, parse the upgrade, answer 503. */
  refusalCostMs: DistributionSpec;
  /** Closes established connections above `limit`, in the shedder's order, checked every `intervalMs`. */
  shedding: { strategy: StrategyChoice; limit: number | null; intervalMs: number };
  /** Skip queued handshakes whose client has already given up (check the socket before the work). */
  dropAbandonedHandshakes: boolean;
  handshakeCostMs: DistributionSpec;
  /** CPU to send one ping (timer callback and frame write). */
  pingCostMs: DistributionSpec;
  /** CPU to read one pong. */
  pongCostMs: DistributionSpec;
  /** CPU to answer one balancer health check. */
  healthCheckCostMs: DistributionSpec;
  /** CPU to read one message a client publishes (frame, parse, hand to the broker). */
  messageInCostMs: DistributionSpec;
  /** CPU for one process to read one message from the broker, whether or not it has subscribers for it. */
  messageReadCostMs: DistributionSpec;
  /** CPU per recipient of a message: frame and write to one socket. */
  messageOutCostMs: DistributionSpec;
  /** CPU per long-poll HTTP request (parse, session lookup, response headers). */
  pollRequestCostMs: DistributionSpec;
  /** Memory of a long-polling session on top of perConnectionBytes (buffers, request objects). */
  pollSessionBytes: number;
  /** The server closes a connection this long after it opened (drawn per connection); null: never. */
  maxConnectionAgeMs: DistributionSpec | null;
}

export interface ServerGroupSpec {
  name: string;
  count: number;
  spec: ServerSpec;
}

export interface NetworkSpec {
  /** One way, client to balancer. */
  clientLatencyMs: DistributionSpec;
  /** One way, balancer to server. */
  backendLatencyMs: DistributionSpec;
  /** Downlink bandwidth of a client's path, drawn once per client. */
  downlinkBytesPerSec: DistributionSpec;
  /** Bytes a connection's path holds between the server's socket and the client application; the rest waits at the server. */
  pathBufferBytes: number;
}

export interface HealthCheckSpec {
  /** tcp: the kernel completes the connect, so a saturated process still passes; http: the request queues for the event loop. */
  mode: 'tcp' | 'http';
  intervalMs: number;
  /** A check answered later than this fails. */
  timeoutMs: number;
  /** Consecutive failed checks before a server is marked down. */
  fall: number;
  /** Consecutive passed checks before a down server is marked up. */
  rise: number;
}

export interface BalancerSpec {
  /** Balancers in the tier; clients pick one per attempt (DNS round-robin). */
  count: number;
  strategy: StrategyChoice;
  healthCheck: HealthCheckSpec;
  /** How often servers' load and memory reach the balancer; decisions in between use stale numbers. */
  reportIntervalMs: number;
  /** A proxied connection with no frame either way for this long is closed by the proxy (nginx proxy_read_timeout 60 s); Infinity for never. */
  idleTimeoutMs: number;
  /** How long the balancer waits for a dead backend before answering 503. */
  connectTimeoutMs: number;
  /** Proxied connections per balancer (HAProxy maxconn); beyond it requests queue or get 503. */
  maxConnections: number;
  /** How long a request may wait for a free slot when maxConnections is reached; 0 refuses at once. */
  queueTimeoutMs: number;
  /** Source ports per backend address: each proxied connection holds one (Linux default range: 28,232). */
  portsPerBackend: number;
  /** Balancer CPU per new connection (accept, parse, connect upstream). */
  cpuPerConnectionMs: DistributionSpec;
  cores: number;
}

export type FaultSpec =
  /** host 'up': only the process died, so the kernel refuses connects at once; 'down': the machine is silent. */
  | { kind: 'crash'; server: number | 'random'; atMs: number; restartAfterMs: number | null; host?: 'down' | 'up' }
  /** The last `servers` servers are not running until `atMs` (a scale-out). */
  | { kind: 'scale-out'; servers: number; atMs: number }
  /** Weight 0 at the balancers, connections closed over `windowMs`; then stopped and restarted after `restartAfterMs`. */
  | { kind: 'drain'; server: number | 'random'; atMs: number; windowMs: number; restartAfterMs: number | null }
  /** Every server drained and restarted in turn, `pauseMs` apart. */
  | { kind: 'rolling-restart'; atMs: number; windowMs: number; restartAfterMs: number; pauseMs: number }
  /** The process stops answering for `durationMs` (SIGSTOP, a blocked event loop). */
  | { kind: 'hang'; server: number | 'random'; atMs: number; durationMs: number }
  /** `clients` extra clients arrive uniformly over `overMs` from `atMs`. */
  | { kind: 'flash-crowd'; clients: number; atMs: number; overMs: number }
  /** A share of clients loses the network for `durationMs`: nothing they send or are sent gets through. */
  | { kind: 'partition'; share: number; atMs: number; durationMs: number }
  | { kind: 'disconnect'; share: number; atMs: number; server?: number | 'random' | undefined; group?: string | undefined; fin?: boolean | undefined }
  /** A handshake dependency (auth, session store) gets slower: handshake CPU × `factor` for `durationMs`. */
  | { kind: 'slowdown'; atMs: number; durationMs: number; factor: number }
  /** A balancer process dies: its connections close and it answers connects with a reset until it restarts. */
  | { kind: 'balancer-crash'; balancer: number; atMs: number; restartAfterMs: number | null }
  /**
   * The pub/sub broker (one shard, or every shard when `shard` is absent) dies: publishes to it fail and
   * nothing fans out from it; connections stay open. It restarts with an empty history unless `keepsHistory`.
   */
  | { kind: 'broker-crash'; atMs: number; restartAfterMs: number | null; shard?: number | undefined; keepsHistory: boolean };

/** CPU the clients spend on connects, on the client machines they share. */
export interface ClientCpuSpec {
  /** Client machines; client i (the client table's index, in order of arrival) runs on machine i mod machines. */
  machines: number;
  /** Cores of each machine's FIFO run queue. */
  coresPerMachine: number;
  /** Client CPU per connect attempt, queued on its machine before the request leaves. */
  connectCostMs: DistributionSpec;
  /** Client CPU per frame received (a message or a ping), queued on its machine when the frame arrives; null: free. */
  messageCostMs: DistributionSpec | null;
}

/**
 * Users' browsers: each arrival is a user with `tabs` tabs open on the host, and the browser's
 * per-host pool of HTTP/1.1 connections that a long-polling tab's requests share.
 */
export interface BrowserSpec {
  /** Tabs each user keeps open on the host; each tab is a client with its own connection unless `shareConnection`. */
  tabs: number;
  /**
   * HTTP/1.1 connections the browser opens to one host at a time (Chrome, Firefox: 6). A long-polling
   * tab's requests (the session's open, every poll, every send) each hold one until their response is
   * back, and wait for one in order when all are held. WebSocket connections are not in this pool.
   */
  perHostConnections: number;
  /** The user's tabs share one connection (a SharedWorker or a leader tab); false: one per tab. */
  shareConnection: boolean;
}

export interface ClientSpec {
  arrivals: ArrivalSpec;
  /** Each arrival is a user with several tabs and a per-host connection pool; null or absent: each arrival is one client. @default null */
  browser?: BrowserSpec | null;
  /** Client CPU on shared client machines; null or absent: clients cost nothing. @default null */
  cpu?: ClientCpuSpec | null;
  /** Clients already connected at t = 0 (a warm start). @default 0 */
  initial?: number;
  /** Time a client stays once first connected; null for clients that never leave. */
  sessionMs: DistributionSpec | null;
  /** A connect attempt without an answer by then counts as failed. */
  connectTimeoutMs: number;
  /** Network drops per connected hour (Poisson); each forces a reconnect. */
  flapsPerHour: number;
  /** The first connect waits uniform(0, spread) after arrival; 0 connects at once. */
  initialSpreadMs: number;
  /** Messages per second the client application processes, drawn once per client (a slow consumer has few). */
  consumePerSec: DistributionSpec;
}

/** Where a published message goes after the broker. */
export type BrokerTargets =
  /** Every server reads every message (Socket.IO's Redis adapter: every node subscribes to every broadcast). */
  | 'every-server'
  /** Only servers holding a subscriber of the channel (sharded or per-channel subscriptions). */
  | 'subscribed';

export interface BrokerSpec {
  targets: BrokerTargets;
  /** Broker shards, one core each; a channel lives on shard (channel mod shards). */
  shards: number;
  /** Broker CPU per published message. */
  publishCostMs: number;
  /** Broker CPU per server a message is sent to. */
  deliveryCostMs: number;
  /** One-way latency server ↔ broker. */
  latencyMs: number;
}

/** Channels, publishers, the broker and the per-connection delivery policies. */
export interface MessagesSpec {
  channels: number;
  /** Zipf exponent of channel popularity (0: uniform; 1: a few hot channels and a long tail). */
  popularityExponent: number;
  subscriptionsPerClient: number;
  bytes: DistributionSpec;
  /** Publishes per second from application backends straight to the broker, on channels by popularity. */
  backendPerSec: number;
  /** Publishes per second per connected client (chat), on one of its channels, drawn once per client. */
  clientPerSec: DistributionSpec;
  broker: BrokerSpec;
  /** One instance per connection. */
  backpressure: StrategyChoice;
  resume: StrategyChoice;
  /** Per-channel history the broker keeps for resume. */
  history: { maxMessages: number; ttlMs: number };
  /** Close a connection with no data frame either way for this long (server idle timeout); Infinity for never. */
  idleTimeoutMs: number;
  /**
   * cohort: as batched, but subscribers that keep up are recorded together per message (src/sim/cohorts.ts);
   * batched: one CPU job per message per server process, deliveries settled without events (exact);
   * per-recipient: one CPU job and one delivery event per recipient (the reference it is tested against).
   */
  fanout: 'cohort' | 'batched' | 'per-recipient';
}

/** Clients that cannot use WebSocket and long-poll instead (Engine.IO polling). */
export interface PollingSpec {
  /** Share of clients on long polling. */
  share: number;
  /** The server holds an empty poll this long before answering (Engine.IO pingInterval 25 s). */
  holdMs: number;
  /** A session with no poll for this long is closed by the server (Engine.IO pingInterval + pingTimeout). */
  sessionTimeoutMs: number;
  /**
   * local: the session lives on one server; a poll routed elsewhere fails with 400 "Session ID unknown".
   * shared: any server finds the session in a shared store, one lookup away.
   */
  sessions: 'local' | 'shared';
  /** Round trip to the shared session store for a poll that lands on another server. */
  sharedLookupMs: number;
  /** Server group that serves polling clients (a separate farm); null: the whole fleet. */
  farm: string | null;
}

export interface AutoscalerSpec extends AutoscalerSettings {
  /** Share of the connections above the mean to close on each fuller server when a new one joins. */
  rebalanceShare: number;
}

/** Everything one simulated run needs; built by the experiment layer from a validated file. */
export interface SimConfig {
  seed: number;
  durationMs: number;
  sampleIntervalMs: number;
  servers: ServerGroupSpec[];
  network: NetworkSpec;
  clients: ClientSpec;
  balancer: BalancerSpec;
  heartbeat: StrategyChoice;
  /** per-connection: every ping and pong an event (the exact reference); cohort: steady heartbeats as a fluid (heartbeat-cohort.ts). */
  heartbeatModel: 'per-connection' | 'cohort';
  reconnect: StrategyChoice;
  faults: FaultSpec[];
  /** Null: a fixed fleet. Else the fleet grows up to `max` servers of the last group's type. */
  autoscaler: AutoscalerSpec | null;
  /** Null: connections carry no messages (only handshakes and heartbeats). */
  messages: MessagesSpec | null;
  /** Null: every client uses WebSocket. */
  polling: PollingSpec | null;
}
