import { io, type Socket } from 'socket.io-client';
import { seededStream, streamKey } from '../engine/index.js';
import { DecisionList } from '../metrics/index.js';
import { initialDelayMs, type Rng } from '../strategies/index.js';
import type { SwarmCommand, SwarmSample } from './protocol.js';
import { SERVER_ID_EVENT } from './socketio-server.js';
import { SwarmTally, type ClientState } from './swarm-tally.js';

type Init = Extract<SwarmCommand, { type: 'init' }>;

interface Client {
  id: number;
  state: ClientState;
  socket: Socket;
  /** Attempts so far; the current one's number is in the handshake query (`a`), as the bundled swarm's URL has it. */
  attempt: number;
  attemptStartMs: number;
  /** When the Manager last lost the connection or failed an attempt: its backoff wait starts there. */
  waitFromMs: number;
  server: number;
  lastServer: number;
  timer: NodeJS.Timeout | null;
  departure: NodeJS.Timeout | null;
  deadlineMs: number;
}

/** The socket-io preset's options, as toRealConfig lets them through for this stack. */
interface SocketIoBackoff {
  reconnectionDelayMs: number;
  reconnectionDelayMaxMs: number;
  randomizationFactor: number;
  maxAttempts: number;
}

/**
 * A process of socket.io-client sockets (websocket transport) for the `socket-io` stack. Reconnection is the
 * client's own Manager (its backo2 backoff with the experiment's socket-io preset options, its Math.random), the
 * heartbeat Engine.IO's own (the client closes with 'ping timeout' when no ping comes within pingInterval +
 * pingTimeout). What it counts comes from the client's events: `connect`, `connect_error`, `disconnect` and its
 * reason, the Manager's `reconnect_attempt` and `reconnect_failed` (https://socket.io/docs/v4/client-api/).
 */
export class SocketIoSwarm {
  private readonly clients: Client[];
  private readonly rng: Rng;
  private readonly decisions = new DecisionList();
  private readonly tally: SwarmTally;
  private readonly k: SwarmTally['k'];
  private nowMs: () => number = () => 0;

  constructor(private readonly init: Init) {
    this.tally = new SwarmTally(init.servers);
    this.k = this.tally.k;
    // The first connect's spread is wsfleet's draw (the sim's backoff stream, as the bundled swarm draws it);
    // every later delay is the Manager's own.
    this.rng = seededStream(init.swarms === 1 ? streamKey(init.seed, 'backoff') : streamKey(init.seed, 'real', `swarm-${String(init.swarm)}`, 'backoff'));
    const b = init.reconnect.options as unknown as SocketIoBackoff;
    this.clients = init.clientIds.map((id) => {
      // One proxy per client (a Manager keeps its URL across reconnects), spread as DNS round-robin would.
      const port = init.proxyPorts[id % init.proxyPorts.length] as number;
      const socket = io(`http://127.0.0.1:${String(port)}`, {
        transports: ['websocket'],
        autoConnect: false,
        forceNew: true,
        reconnection: true,
        reconnectionDelay: b.reconnectionDelayMs,
        reconnectionDelayMax: b.reconnectionDelayMaxMs,
        randomizationFactor: b.randomizationFactor,
        reconnectionAttempts: b.maxAttempts === 0 ? Infinity : b.maxAttempts,
        timeout: init.clients.connectTimeoutMs,
        query: { c: String(id), a: '1' },
      });
      const c: Client = { id, state: 'absent', socket, attempt: 0, attemptStartMs: 0, waitFromMs: 0, server: -1, lastServer: -1, timer: null, departure: null, deadlineMs: Infinity };
      this.listen(c);
      return c;
    });
  }

  start(startEpochMs: number): void {
    this.tally.start(startEpochMs, this.clients, this.init.clients.arrivalsMs, (c) => {
      this.arrive(c);
    });
    this.nowMs = this.tally.nowMs;
  }

  stop(): void {
    for (const c of this.clients) {
      if (c.timer !== null) clearTimeout(c.timer);
      if (c.departure !== null) clearTimeout(c.departure);
      c.socket.io.reconnection(false);
      c.socket.disconnect();
    }
  }

  private arrive(c: Client): void {
    this.tally.area();
    this.tally.present++;
    c.state = 'waiting';
    c.timer = setTimeout(() => {
      c.timer = null;
      this.attempt(c);
      c.socket.connect();
    }, initialDelayMs(this.init.clients.initialSpreadMs, this.rng));
  }

  /** An attempt starts: its number goes into the handshake query the Manager sends next. */
  private attempt(c: Client): void {
    c.attempt++;
    this.k.attempts++;
    c.state = 'connecting';
    c.attemptStartMs = this.nowMs();
    c.server = -1;
    (c.socket.io.opts.query as Record<string, string>)['a'] = String(c.attempt);
  }

  private listen(c: Client): void {
    const { socket } = c;
    const manager = socket.io;
    manager.on('reconnect_attempt', (retry) => {
      if (c.state === 'departed') return;
      // The Manager's own delay, as its timer kept it: from the loss or failure to this attempt.
      const atMs = this.nowMs();
      this.decisions.record({ kind: 'backoff', atMs: c.waitFromMs, client: c.id, retry, delayMs: atMs - c.waitFromMs });
      this.attempt(c);
    });
    manager.on('reconnect_failed', () => {
      if (c.state !== 'departed') c.state = 'gaveUp';
    });
    socket.on('connect', () => {
      if (c.state === 'departed') return;
      this.tally.area();
      this.tally.connected++;
      c.state = 'connected';
      this.k.succeeded++;
      this.tally.latencies.push(this.nowMs() - c.attemptStartMs);
      this.tally.startSession(c, this.init.clients.sessionMs?.[c.id] ?? Infinity, () => {
        this.depart(c);
      });
    });
    socket.on(SERVER_ID_EVENT, (server: number) => {
      c.server = server;
      if (c.lastServer >= 0 && server !== c.lastServer) this.k.moved++;
      c.lastServer = server;
    });
    socket.on('connect_error', (error: Error) => {
      if (c.state !== 'connecting') return;
      // The Manager's connect timeout ('timeout'); anything else (a refused or reset upgrade) is a failure whose
      // status the client never reads.
      if (error.message === 'timeout') this.k.timeouts++;
      this.k.failed++;
      c.waitFromMs = this.nowMs();
      c.state = socket.io.reconnection() ? 'waiting' : 'gaveUp';
    });
    socket.on('disconnect', (reason) => {
      if (c.state !== 'connected') return;
      this.tally.area();
      this.tally.connected--;
      c.server = -1;
      c.waitFromMs = this.nowMs();
      this.k.drops++;
      // Engine.IO's client gives up on a silent server: no ping within pingInterval + pingTimeout.
      if (reason === 'ping timeout') this.k.silenceTimeouts++;
      // A Socket.IO DISCONNECT from the server ends the client for good: socket.io-client does not reconnect after it.
      c.state = reason === 'io server disconnect' ? 'gaveUp' : 'waiting';
    });
  }

  /** The session is over: the client disconnects (a Socket.IO DISCONNECT when connected) and stops reconnecting. */
  private depart(c: Client): void {
    if (c.timer !== null) clearTimeout(c.timer);
    c.timer = null;
    this.tally.departed(c);
    c.state = 'departed';
    c.socket.disconnect();
  }

  sample(): SwarmSample {
    return this.tally.sample(this.clients, {
      flapped: [],
      messages: { delivered: 0, duplicates: 0, outOfOrder: 0, lost: 0 },
      decisions: this.decisions.take(),
      subscribers: { subscribed: 0, withLoss: 0, maxLost: 0 },
    });
  }
}
