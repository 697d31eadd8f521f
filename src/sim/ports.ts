import type { ArrivalSpec } from './config.js';
import type { SimServer } from './server.js';

/** An event handler; its argument is a packed connection (client and epoch) or an index. */
export type Handler = (arg: number) => void;

/** The client side: arrivals, attempts, backoff, flaps and departures; the answers that reach a client. */
export interface ClientSidePort {
  /** Answers a client receives, scheduled by the server side and the balancers. */
  readonly onConnectedReply: Handler;
  readonly onRefusedReply: Handler;
  readonly onFailedReply: Handler;
  readonly onClosedReply: Handler;
  /** The server stops until `untilMs`: its clients' watchdogs give their connections up if no ping comes in time. */
  watchStoppedServer(server: SimServer, untilMs: number): void;
  /** A 503 from client i's balancer, one client latency later. */
  replyRefused(i: number, arg: number): void;
  /** A reset from the balancer: the client's attempt fails one client latency later. */
  replyFailed(i: number): void;
  /** A poll failed: the client gives up its long-poll session, which its server keeps for `lingerMs`. */
  pollFailed(i: number, lingerMs: number): void;
  /** Client i sends a message on `channel`; it reaches its server one path latency later. */
  clientSends(i: number, channel: number, bytes: number): void;
  /** Adds a second stream of arrivals (a flash crowd). */
  addArrivals(spec: ArrivalSpec): void;
  /** Users' browsers and their per-host connection pools; null: each arrival is one client with no pool. */
  readonly browser: BrowserPort | null;
  /** Whether reading a received frame costs client CPU (`clients.cpu.messageCostMs`). */
  readonly readsCost: boolean;
  /** When client i has read a frame (a message or a ping) that reaches it at `arrivalMs`: its machine's run queue, or at once. */
  readFrame(i: number, arrivalMs: number): number;
}

/** The server side: accept, admission, handshake, closes, dead peers, shedding and load reports. */
export interface ServerSidePort {
  /** The balancer connects upstream to the backend it picked for client i. */
  forward(i: number, arg: number): void;
  /** Opens client i's connection on the backend its balancer picked, as if open before the run; false if the server would not hold it. */
  establishOpen(i: number, phase: number): boolean;
  /** Removes the connection from its server; a dead peer's socket keeps its descriptor. */
  closeAtServer(i: number, keepDescriptor?: boolean): void;
  /** The server ends a connection: an open one is closed, a handshake in progress fails. */
  serverCloses(i: number): void;
  /** The peer vanished without a FIN: the server holds the dead connection until `deadAtMs`. */
  holdDeadPeer(i: number, deadAtMs: number): void;
  /** The server closes each of these connections at a uniformly random moment within `windowMs`. */
  closeSpread(clients: readonly number[], windowMs: number): void;
  /** Sends `handler(arg)` to client i over its current path. */
  toClient(i: number, handler: Handler): void;
  /** The backpressure policy closes a slow consumer (WebSocket close 3008). */
  closeSlowConsumer(i: number): void;
  /** The server's process died: the upgrade requests waiting for its event loop are reset. */
  resetBacklog(server: SimServer): void;
}

/** Per-connection timers: the heartbeat and the idle timeouts, and the frames that feed them. */
export interface ConnectionTimersPort {
  /** How long a client waits for a ping before it gives the connection up (Infinity: no heartbeat). */
  readonly silenceLimitMs: number;
  /**
   * Starts the heartbeat of a WebSocket connection that just opened, or (`phase` in [0, 1)) of one
   * open since before the run, that far through its first heartbeat delay.
   */
  startHeartbeat(i: number, phase?: number): void;
  /** Arms (or re-arms) the idle timer of an open connection. */
  armIdle(i: number): void;
  /** Stops both timers of a connection the server closed. */
  stop(i: number): void;
  /** Frees both timers of a client that left for good. */
  release(i: number): void;
  /** When the server would notice that client i is gone if nothing more came from it. */
  deadPeerDetectedAt(i: number): number;
  /** Connection i is dead in the network from now (a disconnect without FIN): its pings go unanswered until an end gives up. */
  sever(i: number): void;
  /** Hands connection i's heartbeat from its cohort back to the per-connection path (heartbeatModel: cohort). */
  unbatch(i: number): void;
  /** The same if a ping sent now would wait behind data written to connection i. */
  unbatchIfBehind(i: number): void;
  /** The same for every connection of a server. */
  unbatchServer(server: SimServer): void;
  /** A data frame either way at `atMs`. */
  noteData(i: number, atMs: number): void;
  /** A poll reached the session's server at `atMs`. */
  notePoll(i: number, atMs: number): void;
}

/** What faults, the autoscaler and memory pressure may do to servers and the fleet; nothing else acts on servers from outside. */
export interface OperationsPort {
  crash(server: SimServer, kind?: 'crash' | 'stop' | 'oom', hostUp?: boolean): void;
  /** Stops an emptied process (the end of a drain). */
  stop(server: SimServer): void;
  restart(server: SimServer, kind?: 'server:restart' | 'server:join'): void;
  drain(server: SimServer, windowMs: number, kind?: 'server:drain' | 'autoscaler:drain'): void;
  undrain(server: SimServer): void;
  shed(server: SimServer, count: number, windowMs: number): void;
  hang(server: SimServer, durationMs: number): void;
  /** Memory over the limit after writes to a server's send queues kills it. */
  afterWrites(server: SimServer): void;
  /** Memory over the limit: the kernel kills the process; its supervisor restarts it. */
  oom(server: SimServer): void;
}

/** The balancer tier, as the other rooms see it. */
export interface BalancerTierPort {
  /** Frees client i's balancer slot and backend port. */
  unroute(i: number): void;
  /** A server's load report reaches every balancer's view. */
  report(server: number, load: number, memoryLoad: number, nowMs: number): void;
}

/** The pub/sub room, as the other rooms see it. */
export interface PubSubPort {
  addClient(i: number): void;
  open(i: number, server: SimServer, process: number, pathLatencyMs: number, polling: boolean): void;
  close(i: number): void;
  /** Client i's network is cut off until `untilMs`: nothing written to its connection reaches it before then. */
  cut(i: number, untilMs: number): void;
  settle(i: number, nowMs: number): void;
  settleServer(server: SimServer): void;
  finish(i: number, state: 'connected' | 'disconnected' | 'gave-up'): void;
  /** Brings client i's last data time up to date before it is read (the cohort fan-out writes it lazily). */
  syncActivity(i: number): void;
  /** A long-poll answer carries every held message of connection i; returns how many. */
  release(i: number, nowMs: number): number;
  /** When a ping that would reach client i at `arrivalMs` gets through a backlog of unconsumed messages; -Infinity when there is none. */
  behindBacklogMs(i: number, arrivalMs: number): number;
}

/** The broker room, as the other rooms see it. */
export interface BrokerPort {
  /** A client's message reached its server's process: read it, then hand it to the broker. */
  fromClient(server: SimServer, process: number, channel: number, bytes: number, polling: boolean): void;
  /** A broker shard (every shard: undefined) dies; without `keepsHistory` its channels' history goes with it. */
  crash(shard: number | undefined, keepsHistory: boolean): void;
  /** The shard (every shard: undefined) is back. */
  restart(shard: number | undefined, keepsHistory: boolean): void;
}

/** Users' browsers (`clients.browser`), as the rooms that send a long-polling tab's requests see them. */
export interface BrowserPort {
  /** Tab i sends a request on connection `conn`: `go` runs once one of its user's per-host connections is free for it. */
  request(i: number, conn: number, go: () => void): void;
  /** One of tab i's requests has its response: its connection is free for the next. */
  done(i: number): void;
}

/** The long-polling room, as the other rooms see it. */
export interface PollingPort {
  readonly spec: { readonly sessionTimeoutMs: number };
  readonly counters: { sessionTimeouts: number };
  /** Whether new client i long-polls: drawn, or as client `like` does (another tab of its user's browser). */
  assign(i: number, like?: number): boolean;
  readonly start: (i: number) => void;
  close(i: number): void;
  deadlineMs(i: number, lastPollMs: number): number;
  /** A message was queued for a long-polling client: a held poll is answered. */
  onData(i: number): void;
}

/** Every room's port; the assembly implements it, and a room reaches another only through it. */
export interface Rooms {
  readonly clientSide: ClientSidePort;
  readonly serverSide: ServerSidePort;
  readonly timers: ConnectionTimersPort;
  readonly operations: OperationsPort;
  readonly tier: BalancerTierPort;
  readonly pubsub: PubSubPort | null;
  readonly broker: BrokerPort | null;
  readonly polling: PollingPort | null;
}
