import { growColumns } from './columns.js';

/** Where a client is in its life. */
export const ClientState = {
  connecting: 1,
  connected: 2,
  /** Waiting out a reconnect backoff. */
  waiting: 3,
  gone: 4,
  gaveUp: 5,
} as const;

/** Bits of a packed event argument reserved for the client index (16 M clients). */
const CLIENT_SPACE = 2 ** 24;

/** Packs a client index and its connection epoch into one event argument. */
export function packConn(client: number, epoch: number): number {
  return epoch * CLIENT_SPACE + client;
}

export function connClient(arg: number): number {
  return arg % CLIENT_SPACE;
}

export function connEpoch(arg: number): number {
  return Math.floor(arg / CLIENT_SPACE);
}

function makeColumns(capacity: number) {
  return {
    state: new Uint8Array(capacity),
    /** Bumped at every attempt, departure or abandonment; stale events carry an older one. */
    epoch: new Uint32Array(capacity),
    /** Retries since the last successful connect. */
    retry: new Uint32Array(capacity),
    attemptsTotal: new Uint32Array(capacity),
    prevDelayMs: new Float64Array(capacity),
    attemptStartMs: new Float64Array(capacity),
    sessionMs: new Float64Array(capacity),
    /** When the client leaves; Infinity until its session starts at the first connect. */
    deadlineMs: new Float64Array(capacity),
    /** One-way client ↔ balancer latency, fixed per client so messages on a connection stay in order. */
    clientLatencyMs: new Float64Array(capacity),
    /** One-way client ↔ server latency of the current attempt. */
    pathLatencyMs: new Float64Array(capacity),
    timer: new Int32Array(capacity),
    /** Backend the balancer forwarded the current attempt to, or -1. */
    routed: new Int32Array(capacity),
    /** Server holding the connection (in handshake or established), or -1. */
    server: new Int32Array(capacity),
    /** Process on that server. */
    process: new Int32Array(capacity),
    /** Balancer proxying the current attempt, or -1. */
    balancer: new Int32Array(capacity),
    /** Server of the previous connection, to count clients that moved; -1 before the first. */
    lastServer: new Int32Array(capacity),
    /** A retry-after hint (refusal or drain) waiting for the next backoff decision; 0 for none. */
    retryAfterMs: new Float64Array(capacity),
    /** 1 while waiting in a balancer's queue for a free slot. */
    queued: new Uint8Array(capacity),
    /** Until when the client's network is cut off (a partition); 0 when it is not. */
    partitionedUntilMs: new Float64Array(capacity),
    /** 1 while the current connection is dead in the network (a disconnect without FIN): nothing crosses it either way. */
    severed: new Uint8Array(capacity),
    /** When the current connection was established. */
    openedAtMs: new Float64Array(capacity),
    /** 1 once the server finished the handshake. */
    established: new Uint8Array(capacity),
    /** Intrusive doubly linked list of each server's connections. */
    next: new Int32Array(capacity),
    prev: new Int32Array(capacity),
    hbTimer: new Int32Array(capacity),
    hbPhase: new Uint8Array(capacity),
    /** The cohort heartbeat (heartbeat-cohort.ts): the member's slot in its process's lane, or -1 when it is not a member. */
    hbSlot: new Int32Array(capacity),
    /** Last frame either way (pings included), for the proxy's idle timeout; last data frame, for the server's. */
    lastFrameMs: new Float64Array(capacity),
    lastDataMs: new Float64Array(capacity),
    /** When the client got the last ping of its connection (its open time before the first), for its watchdog. */
    lastPingMs: new Float64Array(capacity),
    idleTimer: new Int32Array(capacity),
    /** 1 for a long-polling client. */
    polling: new Uint8Array(capacity),
  };
}

const MINUS_ONE = { timer: -1, routed: -1, server: -1, next: -1, prev: -1, hbTimer: -1, hbSlot: -1, idleTimer: -1, balancer: -1, lastServer: -1 } as const;

/** Per-client and per-connection state as typed-array columns (a client has at most one connection). */
export class ClientTable {
  count = 0;
  c = makeColumns(1024);

  constructor() {
    for (const [name, v] of Object.entries(MINUS_ONE)) this.c[name as keyof typeof MINUS_ONE].fill(v);
  }

  add(): number {
    if (this.count >= CLIENT_SPACE) throw new RangeError(`Expected at most ${String(CLIENT_SPACE)} clients in one run, got more`);
    if (this.count === this.c.state.length) this.c = growColumns(this.c, this.count * 2, MINUS_ONE);
    return this.count++;
  }
}
