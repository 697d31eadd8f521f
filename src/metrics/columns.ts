/**
 * Time-series columns (timeseries.csv), in file order, with what they mean. Counts of events are per
 * sample interval; gauges are the value at the sample. Each world adds the columns only it can measure.
 */
import type { ColumnInfo } from './units.js';

/** Fleet columns written by the sim and by real mode. */
export const CONNECTION_COLUMNS = [
  'clients.present',
  'clients.connected',
  'clients.connecting',
  'clients.waiting',
  'clients.gaveUp',
  'connect.attempts',
  'connect.succeeded',
  'connect.refused',
  'connect.failed',
  'connect.timeouts',
  'connections.dropped',
  'heartbeat.timeouts',
  'servers.up',
] as const;

/**
 * Fleet-wide columns of the sim after timeMs. cpu.handshakeOffered is the handshake CPU submitted in
 * the interval as a share of the fleet's cores: above 1, a backlog is forming.
 */
export const FLEET_COLUMNS = [...CONNECTION_COLUMNS, 'cpu.handshakeOffered', 'servers.ghosts', 'heartbeat.pings'] as const;

/** Extra fleet columns when the experiment has messages; latency percentiles are of the interval's deliveries. */
export const MESSAGE_COLUMNS = [
  'messages.published',
  'messages.delivered',
  'messages.dropped',
  'messages.latencyP50Ms',
  'messages.latencyP99Ms',
  'sendBuffer.bytes',
  'broker.queue',
  'frames.heartbeat',
  'frames.data',
  'cpu.messages',
  'cpu.heartbeat',
] as const;

/** The message columns real mode writes (a subset of {@link MESSAGE_COLUMNS}, same order). */
export const REAL_MESSAGE_COLUMNS = ['messages.published', 'messages.delivered', 'messages.dropped'] as const;

/** Extra fleet columns of the sim when some clients use the long-polling fallback. */
export const POLLING_COLUMNS = ['polling.requests', 'polling.sessionUnknown', 'polling.sessions'] as const;

/** Per-server columns `server.<id>.<name>`; handshakes and refusals are per interval. */
export const SERVER_COLUMNS = ['connections', 'cpu', 'queue', 'memoryBytes', 'handshakes', 'refusals', 'up'] as const;

/** Per-server columns the sim adds when the experiment has messages. */
export const SERVER_MESSAGE_COLUMNS = ['sendBufferBytes'] as const;

export type FleetColumn = (typeof FLEET_COLUMNS)[number] | (typeof MESSAGE_COLUMNS)[number] | (typeof POLLING_COLUMNS)[number];
export type ServerColumn = (typeof SERVER_COLUMNS)[number] | (typeof SERVER_MESSAGE_COLUMNS)[number];

const both = ['sim', 'real'] as const;
const sim = ['sim'] as const;

/** Every fleet column: a missing entry is a type error. */
export const FLEET_COLUMN_INFO = {
  'clients.present': { unit: 'count', worlds: both, doc: 'clients that have arrived and not departed' },
  'clients.connected': { unit: 'count', worlds: both, doc: 'clients with an open connection' },
  'clients.connecting': { unit: 'count', worlds: both, doc: 'clients with an attempt in progress' },
  'clients.waiting': { unit: 'count', worlds: both, doc: 'clients waiting out a backoff delay before the next attempt' },
  'clients.gaveUp': { unit: 'count', worlds: both, doc: 'clients whose backoff gave up' },
  'connect.attempts': { unit: 'count', worlds: both, doc: 'connect attempts started in the interval' },
  'connect.succeeded': { unit: 'count', worlds: both, doc: 'attempts that opened a connection in the interval' },
  'connect.refused': { unit: 'count', worlds: both, doc: 'attempts refused (503) by a server or a balancer in the interval' },
  'connect.failed': { unit: 'count', worlds: both, doc: 'attempts that ended in an error or a timeout in the interval' },
  'connect.timeouts': { unit: 'count', worlds: both, doc: 'attempts that hit the connect timeout in the interval' },
  'connections.dropped': { unit: 'count', worlds: both, doc: 'open connections closed under a connected client in the interval' },
  'heartbeat.timeouts': { unit: 'count', worlds: both, doc: 'connections the server heartbeat closed in the interval' },
  'heartbeat.pings': { unit: 'count', worlds: sim, doc: 'pings servers sent in the interval (with or without messages)' },
  'servers.up': { unit: 'count', worlds: both, doc: 'server processes running' },
  'cpu.handshakeOffered': { unit: 'share', worlds: sim, doc: 'handshake CPU submitted in the interval as a share of the running cores (above 1: a backlog forms)' },
  'servers.ghosts': { unit: 'count', worlds: sim, doc: 'dead connections servers still hold (peer vanished without a FIN)' },
  'messages.published': { unit: 'count', worlds: both, doc: 'messages published in the interval', when: 'messages' },
  'messages.delivered': { unit: 'count', worlds: both, doc: 'deliveries to clients in the interval', when: 'messages' },
  'messages.dropped': { unit: 'count', worlds: both, doc: 'messages dropped by the backpressure policy in the interval', when: 'messages' },
  'messages.latencyP50Ms': { unit: 'ms', worlds: sim, doc: 'median publish-to-delivery latency of the interval', when: 'messages' },
  'messages.latencyP99Ms': { unit: 'ms', worlds: sim, doc: '99th percentile publish-to-delivery latency of the interval', when: 'messages' },
  'sendBuffer.bytes': { unit: 'bytes', worlds: sim, doc: 'bytes queued in the servers’ send buffers', when: 'messages' },
  'broker.queue': { unit: 'count', worlds: sim, doc: 'messages waiting in the broker', when: 'messages' },
  'frames.heartbeat': { unit: 'count', worlds: sim, doc: 'ping and pong frames in the interval', when: 'messages' },
  'frames.data': { unit: 'count', worlds: sim, doc: 'data frames in the interval', when: 'messages' },
  'cpu.messages': { unit: 'share', worlds: sim, doc: 'server CPU on messages as a share of the running cores', when: 'messages' },
  'cpu.heartbeat': { unit: 'share', worlds: sim, doc: 'server CPU on pings and pongs as a share of the running cores', when: 'messages' },
  'polling.requests': { unit: 'count', worlds: sim, doc: 'long-polling requests in the interval', when: 'polling' },
  'polling.sessionUnknown': { unit: 'count', worlds: sim, doc: 'polls that reached a server without their session in the interval', when: 'polling' },
  'polling.sessions': { unit: 'count', worlds: sim, doc: 'long-polling sessions held by the servers', when: 'polling' },
} as const satisfies Record<FleetColumn, ColumnInfo>;

/** Every per-server column `server.<id>.<name>`. */
export const SERVER_COLUMN_INFO = {
  connections: { unit: 'count', worlds: both, doc: 'open connections' },
  cpu: { unit: 'share', worlds: both, doc: 'CPU busy in the interval, as a share of the server’s cores' },
  queue: { unit: 'count', worlds: both, doc: 'sim: jobs waiting for a core and upgrade requests waiting for the event loop (a policy that reads the backlog); real: handshakes in progress' },
  memoryBytes: { unit: 'bytes', worlds: both, doc: 'sim: modelled memory; real: resident set size' },
  handshakes: { unit: 'count', worlds: both, doc: 'handshakes finished in the interval' },
  refusals: { unit: 'count', worlds: both, doc: 'connections refused in the interval' },
  up: { unit: 'count', worlds: both, doc: '1 while the process runs, else 0' },
  sendBufferBytes: { unit: 'bytes', worlds: sim, doc: 'bytes in this server’s send queues', when: 'messages' },
} as const satisfies Record<ServerColumn, ColumnInfo>;
