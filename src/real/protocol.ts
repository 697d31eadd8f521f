import type { Decision } from '../metrics/index.js';
import type { StrategyChoice } from '../strategies/index.js';
import type { RealBalancerSpec, RealClientsSpec, RealMessagesSpec, RealPollingSpec, RealServerSpec } from './config.js';
import type { BrokerAddress } from './broker.js';

/** Cumulative counters of one server process, sent when the parent samples. */
export interface ServerSample {
  connections: number;
  handshaking: number;
  /** CPU time of the process (user + system) since it was set up to serve (its start and module loading left out). */
  cpuMs: number;
  memoryBytes: number;
  handshakes: number;
  refusals: number;
  pings: number;
  /** Pongs that reached this server. */
  pongs: number;
  heartbeatTimeouts: number;
  shed: number;
  drained: number;
  /** Connections closed at their maximum age. */
  recycled: number;
  messagesSent: number;
  messagesDropped: number;
  messagesReplayed: number;
  /** Client publishes this server read and handed to the broker. */
  messagesFromClients: number;
  slowDisconnects: number;
  /** Subscriptions of reconnecting clients (they sent a last serial), and those the broker could not serve without a gap. */
  resumes: number;
  resumeGaps: number;
  /** Long polling: polls (GET with a sid), those whose sid this server did not hold (400), polls answered with data and empty at the hold timeout, sessions that saw no poll in time. */
  pollRequests: number;
  pollSessionUnknown: number;
  pollAnsweredWithData: number;
  pollAnsweredEmpty: number;
  pollSessionTimeouts: number;
  /** Connections the heartbeat closed since the last sample: `client:attempt` keys and when. */
  deadPeers: { key: string; atMs: number }[];
  /** Admission and heartbeat-close decisions since the last sample. */
  decisions: Decision[];
}

export interface SwarmSample {
  present: number;
  connected: number;
  connecting: number;
  waiting: number;
  gaveUp: number;
  attempts: number;
  succeeded: number;
  refused: number;
  failed: number;
  timeouts: number;
  drops: number;
  flaps: number;
  moved: number;
  /** Client-side heartbeat timeouts: no ping from the server within the heartbeat's detection span. */
  silenceTimeouts: number;
  /** Messages the clients published (sent to their server). */
  published: number;
  /** Clients whose session ended (they left for good). */
  departed: number;
  /** ms × clients connected, and present, since the run started. */
  connectedArea: number;
  presentArea: number;
  attemptsMax: number;
  /** Connect latencies since the last sample. */
  latenciesMs: number[];
  /** Flaps since the last sample: the dropped connection's `client:attempt` key and when. */
  flapped: { key: string; atMs: number }[];
  /** Connected clients per server id, from the server's answer header. */
  connectedByServer: number[];
  /** Pub/sub as the clients' receivers count it (ChannelReceiver): delivered, duplicates, out of order, lost. */
  messages: { delivered: number; duplicates: number; outOfOrder: number; lost: number };
  /** Backoff decisions since the last sample. */
  decisions: Decision[];
  /** Clients that have subscribed, those that lost at least one message, and the most one client lost. */
  subscribers: { subscribed: number; withLoss: number; maxLost: number };
}

export interface ProxySample {
  open: number;
  refused: number;
  upstreamFailed: number;
  /** CPU time of the proxy process (user + system) since it started, ms. */
  cpuMs: number;
  /** Picks since the last sample: client id and backend index (-1 refused). */
  picks: [number, number][];
  /** Health-check flips since the last sample. */
  decisions: Decision[];
}

/** Parent → server. */
export type ServerCommand =
  | {
      type: 'init';
      id: number;
      /** Starts of this server so far (0: the first); its random streams are its own per start. */
      incarnation: number;
      spec: RealServerSpec;
      heartbeat: StrategyChoice;
      reportIntervalMs: number;
      seed: number;
      startEpochMs: number;
      port: number;
      broker: BrokerAddress | null;
      messages: RealMessagesSpec | null;
      /** The long-polling transport's timings (its `clients` list is the swarms' business); null: WebSocket only. */
      polling: Omit<RealPollingSpec, 'clients'> | null;
    }
  | { type: 'clock'; startEpochMs: number }
  | { type: 'sample' }
  | { type: 'drain'; windowMs: number }
  /** Sends `messages` messages of `bytes` bytes to every connection (calibration). */
  | { type: 'broadcast'; messages: number; bytes: number };

/** Server → parent. */
export type ServerEvent =
  | { type: 'listening'; port: number }
  | { type: 'report'; load: number; memoryLoad: number; atMs: number }
  | { type: 'sample'; sample: ServerSample }
  | { type: 'broadcast-done'; sends: number };

export interface BackendAddress {
  port: number;
  weight: number;
  /** An autoscaler's spare with no process yet: down in the proxy's view until it joins and passes `rise` checks, as in the sim. */
  absent: boolean;
}

/** Parent → proxy. */
export type ProxyCommand =
  | { type: 'init'; spec: RealBalancerSpec; seed: number; index: number; backends: BackendAddress[]; startEpochMs: number }
  | { type: 'report'; server: number; load: number; memoryLoad: number; atMs: number }
  | { type: 'backend'; server: number; port: number }
  | { type: 'weight'; server: number; weight: number }
  | { type: 'clock'; startEpochMs: number }
  | { type: 'sample' }
  /** The disconnect fault: drop a share of the connections piped to `servers` (null: all), with or without FIN. */
  | { type: 'disconnect'; share: number; servers: number[] | null; fin: boolean };

/** Proxy → parent. */
export type ProxyEvent = { type: 'listening'; port: number } | { type: 'sample'; sample: ProxySample } | { type: 'disconnected'; connections: number };

/** Parent → client swarm. */
export type SwarmCommand =
  | {
      type: 'init';
      swarm: number;
      /** Swarm processes in the run. */
      swarms: number;
      clientIds: number[];
      clients: RealClientsSpec;
      reconnect: StrategyChoice;
      heartbeat: StrategyChoice;
      messages: RealMessagesSpec | null;
      polling: RealPollingSpec | null;
      proxyPorts: number[];
      seed: number;
      servers: number;
    }
  /** A warm start: connect this swarm's warm clients now, before time 0; answered with `warmed`. */
  | { type: 'warm' }
  | { type: 'start'; startEpochMs: number }
  | { type: 'sample' }
  | { type: 'stop' };

/** Client swarm → parent. */
export type SwarmEvent = { type: 'ready' } | { type: 'warmed'; connected: number } | { type: 'sample'; sample: SwarmSample };
