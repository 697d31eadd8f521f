import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { admissions, backpressures, heartbeats, instantiate, resumes, shedders, warmHeartbeatAgoMs, type Admission, type Heartbeat, type Rng, type Shedder } from '../strategies/index.js';
import { compileDistribution, seededStream, streamKey, type Distribution } from '../engine/index.js';
import { DecisionList } from '../metrics/index.js';
import { runClock } from './clock.js';
import { HeartbeatDriver } from './heartbeat-adapter.js';
import { HubBroker, RedisBroker, type BrokerClient } from './broker.js';
import { Outbox, type MessageSink } from './outbox.js';
import { PACKET_SEPARATOR, POLLING_PATH, PollSession, SESSION_ID_UNKNOWN } from './polling-session.js';
import type { ServerCommand, ServerEvent, ServerSample } from './protocol.js';

type Init = Extract<ServerCommand, { type: 'init' }>;

/** The longest delay a Node timer takes (about 24.8 days); an age beyond it never falls due in a run. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Conn {
  /** A WebSocket, or a long-polling session (which has no WebSocket heartbeat: its poll cycle and timeout serve). */
  ws: MessageSink;
  key: string;
  openedAtMs: number;
  lastActivityMs: number;
  heartbeat: HeartbeatDriver | null;
  /** Pub/sub: the subscribed channels, and the connection's one send queue (created with the first subscription). */
  channels: Map<string, Subscribed>;
  outbox: Outbox | null;
  /** Closes the connection at its maximum age, if the server has one. */
  ageTimer: NodeJS.Timeout | null;
  /** Its maximum age, drawn when it opened. */
  ageMs: number;
}

/** One subscription of a connection: live messages held while its resume is decided, and where live ones start. */
interface Subscribed {
  pending: [number, number][] | null;
  /** Live messages below this serial were already replayed or lost by the resume decision. */
  nextSerial: number;
}

/** The ws server of one real server process: admission, heartbeat and shedding strategies on real sockets. */
export class RealServer {
  private readonly conns = new Map<number, Conn>();
  private nextId = 0;
  private handshaking = 0;
  /**
   * Sockets accepted (the net 'connection' event) whose first request the event loop has not read yet:
   * the backlog behind an upgrade when its 'upgrade' event runs, all a Node process can count of it
   * (the kernel's accept queue is not visible). https://nodejs.org/api/net.html#event-connection
   */
  private unread = 0;
  private readonly unreadSockets = new WeakSet<Duplex>();
  private readonly counts = {
    handshakes: 0, refusals: 0, pings: 0, pongs: 0, heartbeatTimeouts: 0, shed: 0, drained: 0, recycled: 0, messagesSent: 0, messagesDropped: 0, messagesReplayed: 0, messagesFromClients: 0, slowDisconnects: 0, resumes: 0, resumeGaps: 0,
    pollRequests: 0, pollSessionUnknown: 0, pollAnsweredWithData: 0, pollAnsweredEmpty: 0, pollSessionTimeouts: 0,
  };
  /** Long-polling sessions by sid. */
  private readonly sessions = new Map<string, { session: PollSession; conn: Conn }>();
  private readonly subscribers = new Map<string, Set<Conn>>();
  /** Connections of a warm start (opened before time 0), with their heartbeat phases: their timers start at time 0. */
  private warm: { id: number; phase: number }[] = [];
  private readonly broker: BrokerClient | null;
  private deadPeers: ServerSample['deadPeers'] = [];
  private readonly decisions = new DecisionList();
  private readonly admission: Admission;
  private readonly shedder: Shedder;
  private readonly heartbeat: Heartbeat;
  private readonly rng: { admission: Rng; drain: Rng; connectionAge: Rng };
  private readonly connectionAge: Distribution | null;
  private nowMs: () => number;
  private readonly http = createServer((req, res) => {
    this.markRead(req.socket);
    if (this.init.polling !== null && req.url?.startsWith(POLLING_PATH) === true) {
      this.onPollingRequest(req, res);
      return;
    }
    res.writeHead(req.url === '/health' ? 200 : 426, { 'content-type': 'text/plain' }).end(req.url === '/health' ? 'ok' : 'upgrade required');
  });
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
  private recentLoad = 0;
  /** CPU the process spent before it could serve: Node's start and module loading (about 0.4-0.5 s here), which the sim has no counterpart for. */
  private readonly setupCpuMs = cpuTimeMs();

  constructor(
    private readonly init: Init,
    private readonly send: (event: ServerEvent) => void,
  ) {
    this.nowMs = runClock(init.startEpochMs);
    this.admission = instantiate(admissions, init.spec.admission, 'admission');
    this.shedder = instantiate(shedders, init.spec.shedding.strategy, 'shedding');
    this.heartbeat = instantiate(heartbeats, init.heartbeat, 'heartbeat');
    // Each start of a server has its own streams, so a restarted process does not repeat its draws.
    const stream = (name: string): Rng => seededStream(streamKey(init.seed, 'real', `server-${String(init.id)}`, String(init.incarnation), name));
    this.rng = { admission: stream('admission'), drain: stream('drain'), connectionAge: stream('connection-age') };
    this.connectionAge = init.spec.maxConnectionAgeMs === null ? null : compileDistribution(init.spec.maxConnectionAgeMs);
    this.http.on('connection', (socket: Duplex) => {
      this.unread++;
      this.unreadSockets.add(socket);
      socket.once('close', () => {
        this.markRead(socket);
      });
    });
    this.http.on('upgrade', this.onUpgrade);
    // Keep-alive connections from the proxy's agents carry poll after poll; idle ones outlive the agents' own timeout.
    this.http.keepAliveTimeout = 60_000;
    this.wss.on('headers', (headers) => headers.push(`x-wsfleet-server: ${String(init.id)}`));
    this.broker = connectBroker(init, () => this.nowMs());
    this.broker?.onMessage((channel, serial, bytes) => {
      for (const conn of this.subscribers.get(channel) ?? []) {
        const sub = conn.channels.get(channel);
        if (sub === undefined) continue;
        if (sub.pending !== null) sub.pending.push([serial, bytes]);
        else if (serial >= sub.nextSerial) conn.outbox?.send(serial, bytes, channel);
      }
    });
  }

  listen(): void {
    listenAndReport(this.http, this.init, this.send, () => this.nowMs(), (load) => {
      this.recentLoad = load;
    });
    const { limit, intervalMs } = this.init.spec.shedding;
    if (limit !== null) setInterval(this.shedCheck, intervalMs).unref();
  }

  command(message: ServerCommand): void {
    if (message.type === 'sample') this.send({ type: 'sample', sample: this.sample() });
    else if (message.type === 'clock') {
      this.nowMs = runClock(message.startEpochMs);
      this.startWarm();
    }
    else if (message.type === 'drain') this.closeSpread([...this.conns.keys()], message.windowMs, 'drained');
    else if (message.type === 'broadcast') this.broadcast(message.messages, message.bytes);
  }

  private markRead(socket: Duplex): void {
    if (this.unreadSockets.delete(socket)) this.unread--;
  }

  /**
   * The event loop reached an upgrade request (Node's 'upgrade' event, https://nodejs.org/api/http.html#event-upgrade_1):
   * the cap and the admission policy decide now, as ws's verifyClient does inside handleUpgrade
   * (https://github.com/websockets/ws/blob/master/doc/ws.md) and Socket.IO's allowRequest
   * (https://socket.io/docs/v4/server-options/#allowrequest), and a refusal's 503 is written in the same callback.
   */
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => undefined);
    this.markRead(socket);
    const now = this.nowMs();
    const { maxConnections } = this.init.spec;
    const query = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
    const client = Number(query.get('c') ?? -1);
    // A warm start's connection is placed, not admitted (as the sim places it): only the cap refuses it, uncounted.
    if (query.has('w')) {
      if (this.conns.size + this.handshaking >= maxConnections) socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      else this.accept(req, socket, head, query, false);
      return;
    }
    const refusal = this.decide(client, now, maxConnections);
    if (refusal !== null) {
      this.refuse(socket, refusal.retryAfterMs);
      return;
    }
    this.accept(req, socket, head, query, true);
  };

  /** The handshake; `counted`: a run's handshake (a warm start's, before time 0, is not). */
  private accept(req: IncomingMessage, socket: Duplex, head: Buffer, query: URLSearchParams, counted: boolean): void {
    this.handshaking++;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.handshaking--;
      if (counted) this.counts.handshakes++;
      this.onConnection(ws, query);
    });
  }

  /** Time 0: each warm connection's heartbeat at its phase, and its maximum age, counted from now. */
  private startWarm(): void {
    for (const { id, phase } of this.warm) {
      const conn = this.conns.get(id);
      if (conn === undefined) continue;
      conn.heartbeat?.openAt(-warmHeartbeatAgoMs(this.heartbeat, phase));
      if (conn.ageMs < MAX_TIMER_MS) conn.ageTimer = setTimeout(() => { this.closeGoingAway(id, 'recycled'); }, Math.max(0, conn.ageMs - this.nowMs()));
    }
    this.warm = [];
  }

  /** The connection cap, then the admission policy, on a new connection or polling session: null admits; a refusal has its retry hint. */
  private decide(client: number, now: number, maxConnections: number): { retryAfterMs: number | null } | null {
    const log = { kind: 'admission', atMs: now, server: this.init.id, client } as const;
    if (this.conns.size + this.handshaking >= maxConnections) {
      this.decisions.record({ ...log, admit: false, limit: true, retryAfterMs: null });
      return { retryAfterMs: null };
    }
    const decision = this.admission.admit(this.loadView(), now, this.rng.admission);
    const retryAfterMs = decision.kind === 'refuse' ? decision.retryAfterMs : null;
    this.decisions.record({ ...log, admit: decision.kind !== 'refuse', limit: false, retryAfterMs });
    return decision.kind === 'refuse' ? { retryAfterMs: decision.retryAfterMs } : null;
  }

  /**
   * The long-polling transport (Engine.IO style): a GET without sid is a handshake (the cap and admission decide,
   * as for an upgrade; the client's subscriptions ride on it); a GET with sid is a poll, a POST with sid the client's
   * packets. A sid this server does not hold gets 400 "Session ID unknown".
   */
  private onPollingRequest(req: IncomingMessage, res: ServerResponse): void {
    res.on('error', () => undefined);
    const query = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
    const sid = query.get('sid');
    if (sid === null) {
      this.openSession(query, res);
      return;
    }
    if (req.method === 'GET') this.counts.pollRequests++;
    const held = this.sessions.get(sid);
    if (held === undefined) {
      if (req.method === 'GET') this.counts.pollSessionUnknown++;
      req.resume();
      res.writeHead(400, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(SESSION_ID_UNKNOWN) }).end(SESSION_ID_UNKNOWN);
      return;
    }
    const { session, conn } = held;
    if (req.method === 'GET') {
      session.poll(res);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (session.readyState === session.OPEN) {
        conn.lastActivityMs = this.nowMs();
        for (const packet of Buffer.concat(chunks).toString().split(PACKET_SEPARATOR)) {
          if (packet.startsWith('4')) this.fromClient(conn, packet.slice(1));
          // The client's close packet: the session ends now.
          else if (packet === '1') session.close();
        }
      }
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 }).end('ok');
    });
  }

  /** A polling handshake: the open packet with the new sid, and the subscriptions it carried (`s`: JSON list) start at once. */
  private openSession(query: URLSearchParams, res: ServerResponse): void {
    const polling = this.init.polling as NonNullable<Init['polling']>;
    const now = this.nowMs();
    const client = Number(query.get('c') ?? -1);
    const refusal = this.decide(client, now, this.init.spec.maxConnections);
    if (refusal !== null) {
      this.counts.refusals++;
      const hint = refusal.retryAfterMs === null ? {} : { 'retry-after': String(Math.ceil(refusal.retryAfterMs / 1000)), 'x-retry-after-ms': String(refusal.retryAfterMs) };
      res.writeHead(503, { ...hint, 'content-length': 0 }).end();
      return;
    }
    this.counts.handshakes++;
    const id = this.nextId++;
    const sid = `${String(this.init.id)}.${String(this.init.incarnation)}.${String(id)}`;
    const session: PollSession = new PollSession(sid, polling, this.counts, () => { this.forget(id, conn); });
    session.onGone = () => this.sessions.delete(sid);
    const conn = this.addConn(id, session, `${query.get('c') ?? '?'}:${query.get('a') ?? '?'}`, null);
    this.sessions.set(sid, { session, conn });
    const open = `0${JSON.stringify({ sid, upgrades: [], pingInterval: polling.holdMs, pingTimeout: polling.sessionTimeoutMs - polling.holdMs, maxPayload: 1e6 })}`;
    res.writeHead(200, { 'content-type': 'text/plain; charset=UTF-8', 'content-length': Buffer.byteLength(open), 'x-wsfleet-server': String(this.init.id) }).end(open);
    const subs = JSON.parse(query.get('s') ?? '[]') as { sub: string; last: number | null; away: number }[];
    for (const sub of subs) this.subscribe(conn, sub);
  }

  /** A new connection in the table, with its maximum age drawn as the sim draws it: then a close (1001) and the client reconnects by its backoff. */
  /**
   * A new connection or polling session. Its maximum age is drawn per connection as the sim draws it: then a close
   * frame (1001) and the client reconnects by its backoff. `warm`: a warm start's heartbeat phase (its age and
   * heartbeat start at time 0, in startWarm); null for a connection of the run.
   */
  private addConn(id: number, ws: MessageSink, key: string, heartbeat: HeartbeatDriver | null, warm: string | null = null): Conn {
    const now = this.nowMs();
    const ageMs = this.connectionAge?.sample(this.rng.connectionAge) ?? Infinity;
    const conn: Conn = { ws, key, openedAtMs: warm === null ? now : 0, lastActivityMs: now, heartbeat, channels: new Map(), outbox: null, ageTimer: null, ageMs };
    this.conns.set(id, conn);
    if (warm !== null) this.warm.push({ id, phase: Number(warm) });
    else if (ageMs < MAX_TIMER_MS) conn.ageTimer = setTimeout(() => { this.closeGoingAway(id, 'recycled'); }, ageMs);
    return conn;
  }

  /** A connection is gone: its timers stop and its subscriptions end. */
  private forget(id: number, conn: Conn): void {
    conn.heartbeat?.stop();
    if (conn.ageTimer !== null) clearTimeout(conn.ageTimer);
    this.conns.delete(id);
    for (const channel of conn.channels.keys()) this.subscribers.get(channel)?.delete(conn);
  }

  /** HTTP 503 with Retry-After in whole seconds (RFC 9110) and the exact hint in ms. */
  private refuse(socket: Duplex, retryAfterMs: number | null): void {
    this.counts.refusals++;
    const hint = retryAfterMs === null ? '' : `Retry-After: ${String(Math.ceil(retryAfterMs / 1000))}\r\nx-retry-after-ms: ${String(retryAfterMs)}\r\n`;
    socket.end(`HTTP/1.1 503 Service Unavailable\r\n${hint}Connection: close\r\nContent-Length: 0\r\n\r\n`);
  }

  private loadView() {
    return {
      connections: this.conns.size,
      handshaking: this.handshaking,
      maxConnections: this.init.spec.maxConnections,
      cpuLoad: this.recentLoad,
      // What waits behind this request: connections accepted and not read yet, and handshakes in progress.
      queuedWork: this.unread + this.handshaking,
      memoryBytes: process.memoryUsage.rss(),
      memoryLimitBytes: this.init.spec.memoryLimitBytes,
    };
  }

  private onConnection(ws: WebSocket, query: URLSearchParams): void {
    const id = this.nextId++;
    const key = `${query.get('c') ?? '?'}:${query.get('a') ?? '?'}`;
    const client = Number(query.get('c') ?? -1);
    const attempt = Number(query.get('a') ?? -1);
    const heartbeat = new HeartbeatDriver(this.heartbeat, () => this.nowMs(), {
      ping: () => {
        this.counts.pings++;
        ws.ping();
      },
      terminate: () => {
        this.counts.heartbeatTimeouts++;
        const atMs = this.nowMs();
        this.deadPeers.push({ key, atMs });
        this.decisions.record({ kind: 'heartbeat-close', atMs, server: this.init.id, client, attempt });
        ws.terminate();
      },
    });
    const conn = this.addConn(id, ws, key, heartbeat, query.get('w'));
    ws.on('pong', () => {
      this.counts.pongs++;
      conn.lastActivityMs = this.nowMs();
      heartbeat.pong();
    });
    ws.on('message', (data: Buffer) => {
      conn.lastActivityMs = this.nowMs();
      this.fromClient(conn, data.toString());
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      this.forget(id, conn);
    });
    // A warm connection's heartbeat starts at time 0 (startWarm).
    if (!query.has('w')) heartbeat.open();
  }

  /** A client's frame: a publish `{ pub, bytes }` goes to the broker, which fans it out like a backend's; anything else subscribes. */
  private fromClient(conn: Conn, text: string): void {
    const frame = JSON.parse(text) as { pub?: string; bytes?: number };
    if (frame.pub === undefined) {
      this.subscribe(conn, frame as { sub: string; last: number | null; away: number });
      return;
    }
    if (this.broker === null) return;
    this.counts.messagesFromClients++;
    this.broker.publish(frame.pub, frame.bytes ?? 0);
  }

  /**
   * A client's subscription to one of its channels, `{ sub, last, away }`: the broker's resume decision goes to
   * the client first, then the replayed serials, then live messages (held meanwhile, replayed ones skipped).
   */
  private subscribe(conn: Conn, request: { sub: string; last: number | null; away: number }): void {
    const messages = this.init.messages;
    if (this.broker === null || messages === null) return;
    if (conn.channels.has(request.sub)) return;
    const sub: Subscribed = { pending: [], nextSerial: 0 };
    conn.channels.set(request.sub, sub);
    conn.outbox ??= new Outbox(conn.ws, instantiate(backpressures, messages.backpressure, 'messages.backpressure'), () => this.nowMs(), this.rng.admission, (code, reason) => {
      this.counts.slowDisconnects++;
      conn.ws.close(code, reason);
      setTimeout(() => { conn.ws.terminate(); }, 1000).unref();
    }, this.counts);
    let set = this.subscribers.get(request.sub);
    if (set === undefined) this.subscribers.set(request.sub, (set = new Set()));
    set.add(conn);
    void this.broker.resume(request.sub, request.last, request.away).then(
      (decision) => {
        if (conn.ws.readyState !== conn.ws.OPEN) return;
        conn.ws.send(JSON.stringify({ resume: decision, ch: request.sub }));
        this.counts.messagesReplayed += decision.count;
        // A reconnect's subscription (the client has a last serial) is a resume, as the sim counts it.
        if (request.last !== null) {
          this.counts.resumes++;
          if (decision.lost > 0) this.counts.resumeGaps++;
        }
        const outbox = conn.outbox as Outbox;
        for (let serial = decision.fromSerial; serial < decision.fromSerial + decision.count; serial++) outbox.send(serial, messages.bytes, request.sub);
        const next = decision.fromSerial + decision.count;
        sub.nextSerial = next;
        for (const [serial, bytes] of sub.pending ?? []) if (serial >= next) outbox.send(serial, bytes, request.sub);
        sub.pending = null;
      },
      // The broker could not decide (Redis gone): the client reconnects and asks again.
      () => {
        conn.ws.close(1011, 'broker unavailable');
      },
    );
  }

  private readonly shedCheck = (): void => {
    const { limit, intervalMs } = this.init.spec.shedding;
    if (limit === null || this.conns.size <= limit) return;
    const views = [...this.conns].map(([id, c]) => ({ id, openedAtMs: c.openedAtMs, lastActivityMs: c.lastActivityMs }));
    const chosen = this.shedder.select(views, this.conns.size - limit, this.nowMs(), this.rng.admission);
    this.closeSpread(chosen, intervalMs, 'shed');
  };

  /** Closes each connection at a uniformly random moment within `windowMs` (1001 going away). */
  private closeSpread(ids: readonly number[], windowMs: number, count: 'shed' | 'drained'): void {
    for (const id of ids) {
      setTimeout(() => {
        this.closeGoingAway(id, count);
      }, this.rng.drain.next() * windowMs);
    }
  }

  /** A close frame 1001 (going away) to connection `id`, if it is still open, counted under `count`. */
  private closeGoingAway(id: number, count: 'shed' | 'drained' | 'recycled'): void {
    const conn = this.conns.get(id);
    if (conn === undefined) return;
    this.counts[count]++;
    conn.heartbeat?.stop();
    if (conn.ageTimer !== null) clearTimeout(conn.ageTimer);
    this.conns.delete(id);
    conn.ws.close(1001, count);
  }

  /** Sends each message to every open connection, one `send` per recipient, as a fan-out does. */
  private broadcast(messages: number, bytes: number): void {
    const payload = Buffer.alloc(bytes, 120);
    let sends = 0;
    for (let m = 0; m < messages; m++) {
      for (const conn of this.conns.values()) {
        conn.ws.send(payload);
        sends++;
      }
    }
    this.send({ type: 'broadcast-done', sends });
  }

  private sample(): ServerSample {
    const deadPeers = this.deadPeers;
    this.deadPeers = [];
    return {
      connections: this.conns.size,
      handshaking: this.handshaking,
      cpuMs: cpuTimeMs() - this.setupCpuMs,
      memoryBytes: process.memoryUsage.rss(),
      ...this.counts,
      deadPeers,
      decisions: this.decisions.take(),
    };
  }
}

/**
 * Listens on 127.0.0.1 (a restarted server asks for its old port; if another socket took it, the OS picks one),
 * tells the parent the port, and from then on reports CPU load and memory every reportIntervalMs, which reach the
 * proxy through the parent; `onLoad` gets each CPU load for the server's own admission policy.
 */
export function listenAndReport(http: Server, init: Init, send: (event: ServerEvent) => void, nowMs: () => number, onLoad: (load: number) => void): void {
  http.once('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE' || init.port === 0) throw error;
    http.listen({ port: 0, host: '127.0.0.1', backlog: 4096 });
  });
  http.listen({ port: init.port, host: '127.0.0.1', backlog: 4096 });
  http.once('listening', () => {
    const address = http.address();
    send({ type: 'listening', port: typeof address === 'object' && address !== null ? address.port : 0 });
  });
  let lastCpuMs = 0;
  setInterval(() => {
    const cpuMs = cpuTimeMs();
    const load = (cpuMs - lastCpuMs) / init.reportIntervalMs;
    lastCpuMs = cpuMs;
    onLoad(load);
    send({ type: 'report', load, memoryLoad: process.memoryUsage.rss() / init.spec.memoryLimitBytes, atMs: nowMs() });
  }, init.reportIntervalMs).unref();
}

/** CPU time of this process (user + system), ms. */
export function cpuTimeMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** The broker seam this server publishes and subscribes through, if the run has messages. */
function connectBroker(init: Init, nowMs: () => number): BrokerClient | null {
  if (init.broker === null || init.messages === null) return null;
  if (init.broker.kind === 'hub') return new HubBroker(init.broker.port);
  return new RedisBroker(init.broker.url, init.broker.prefix, instantiate(resumes, init.messages.resume, 'messages.resume'), nowMs);
}
