import { createServer, type IncomingMessage } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { admissions, instantiate, type Admission, type Rng } from '../strategies/index.js';
import { seededStream, streamKey } from '../engine/index.js';
import { DecisionList } from '../metrics/index.js';
import { runClock } from './clock.js';
import type { ServerCommand, ServerEvent, ServerSample } from './protocol.js';
import { cpuTimeMs, listenAndReport } from './server.js';

type Init = Extract<ServerCommand, { type: 'init' }>;

/** The event a server emits to each new socket with its id, so the client knows where the proxy put it. */
export const SERVER_ID_EVENT = 'wsfleet:server';

/**
 * One real server process of the `socket-io` stack: a Socket.IO 4.8 `Server` on the WebSocket transport only,
 * its heartbeat Engine.IO's own (pingInterval, pingTimeout), the run's cap and admission policy in its
 * `allowRequest` hook (https://socket.io/docs/v4/server-options/#allowrequest). It answers the runner's IPC as
 * the bundled server does and counts what Socket.IO lets it see: handshakes (`connection`), refusals, pings
 * written and pongs read (Engine.IO packets), heartbeat closes (`disconnect` with reason 'ping timeout').
 */
export class SocketIoServer {
  private readonly sockets = new Map<string, { socket: Socket; key: string }>();
  private readonly counts = { handshakes: 0, refusals: 0, pings: 0, pongs: 0, heartbeatTimeouts: 0, shed: 0, drained: 0, recycled: 0, messagesSent: 0, messagesDropped: 0, messagesReplayed: 0, messagesFromClients: 0, slowDisconnects: 0, resumes: 0, resumeGaps: 0,
    // The websocket transport only: no long-polling requests.
    pollRequests: 0, pollSessionUnknown: 0, pollAnsweredWithData: 0, pollAnsweredEmpty: 0, pollSessionTimeouts: 0 };
  private deadPeers: ServerSample['deadPeers'] = [];
  private readonly decisions = new DecisionList();
  /** CPU spent before serving (Node's start, loading socket.io), left out of the samples as the bundled server does. */
  private readonly setupCpuMs = cpuTimeMs();
  private readonly admission: Admission;
  private readonly rng: { admission: Rng; drain: Rng };
  private nowMs: () => number;
  private recentLoad = 0;
  private readonly http = createServer((req, res) => {
    res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'text/plain' }).end(req.url === '/health' ? 'ok' : 'not found');
  });
  private readonly io: Server;

  constructor(
    private readonly init: Init,
    private readonly send: (event: ServerEvent) => void,
  ) {
    this.nowMs = runClock(init.startEpochMs);
    this.admission = instantiate(admissions, init.spec.admission, 'admission');
    const stream = (name: string): Rng => seededStream(streamKey(init.seed, 'real', `server-${String(init.id)}`, String(init.incarnation), name));
    this.rng = { admission: stream('admission'), drain: stream('drain') };
    // toRealConfig lets only ping-pong through for this stack: Engine.IO's heartbeat is that state machine.
    const options = init.heartbeat.options as { intervalMs: number; timeoutMs: number };
    this.io = new Server(this.http, {
      transports: ['websocket'],
      perMessageDeflate: false,
      serveClient: false,
      pingInterval: options.intervalMs,
      pingTimeout: options.timeoutMs,
      allowRequest: (req, callback) => {
        callback(null, this.admit(req));
      },
    });
    this.io.on('connection', (socket) => {
      this.onConnection(socket);
    });
  }

  listen(): void {
    listenAndReport(this.http, this.init, this.send, () => this.nowMs(), (load) => {
      this.recentLoad = load;
    });
  }

  command(message: ServerCommand): void {
    if (message.type === 'sample') this.send({ type: 'sample', sample: this.sample() });
    else if (message.type === 'clock') this.nowMs = runClock(message.startEpochMs);
    else if (message.type === 'drain') this.drain(message.windowMs);
    else if (message.type === 'broadcast') {
      const payload = 'x'.repeat(message.bytes);
      for (let m = 0; m < message.messages; m++) this.io.emit('m', payload);
      this.send({ type: 'broadcast-done', sends: message.messages * this.sockets.size });
    }
  }

  /** Sessions Engine.IO holds that have not finished Socket.IO's CONNECT yet. */
  private handshaking(): number {
    return Math.max(0, this.io.engine.clientsCount - this.sockets.size);
  }

  /** The cap (established plus in handshake), then the admission policy, as the bundled server decides an upgrade. */
  private admit(req: IncomingMessage): boolean {
    const now = this.nowMs();
    const client = Number(new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('c') ?? -1);
    const log = { kind: 'admission', atMs: now, server: this.init.id, client } as const;
    const handshaking = this.handshaking();
    if (this.sockets.size + handshaking >= this.init.spec.maxConnections) {
      this.decisions.record({ ...log, admit: false, limit: true, retryAfterMs: null });
      this.counts.refusals++;
      return false;
    }
    const decision = this.admission.admit(
      {
        connections: this.sockets.size,
        handshaking,
        maxConnections: this.init.spec.maxConnections,
        cpuLoad: this.recentLoad,
        queuedWork: handshaking,
        memoryBytes: process.memoryUsage.rss(),
        memoryLimitBytes: this.init.spec.memoryLimitBytes,
      },
      now,
      this.rng.admission,
    );
    // Engine.IO answers a refused upgrade with 403 and no Retry-After; socket.io-client reads no status anyway.
    const admit = decision.kind !== 'refuse';
    this.decisions.record({ ...log, admit, limit: false, retryAfterMs: decision.kind === 'refuse' ? decision.retryAfterMs : null });
    if (!admit) this.counts.refusals++;
    return admit;
  }

  private onConnection(socket: Socket): void {
    const query = socket.handshake.query;
    const key = `${String(query['c'] ?? '?')}:${String(query['a'] ?? '?')}`;
    const client = Number(query['c'] ?? -1);
    const attempt = Number(query['a'] ?? -1);
    this.counts.handshakes++;
    this.sockets.set(socket.id, { socket, key });
    socket.conn.on('packetCreate', (packet: { type: string }) => {
      if (packet.type === 'ping') this.counts.pings++;
    });
    socket.conn.on('packet', (packet: { type: string }) => {
      if (packet.type === 'pong') this.counts.pongs++;
    });
    socket.on('disconnect', (reason) => {
      this.sockets.delete(socket.id);
      if (reason !== 'ping timeout') return;
      const atMs = this.nowMs();
      this.counts.heartbeatTimeouts++;
      this.deadPeers.push({ key, atMs });
      this.decisions.record({ kind: 'heartbeat-close', atMs, server: this.init.id, client, attempt });
    });
    socket.emit(SERVER_ID_EVENT, this.init.id);
  }

  /**
   * Closes each socket's Engine.IO connection at a uniformly random moment within `windowMs`, as a server shutting
   * down does: the client sees 'transport close' and its Manager reconnects. (`disconnectSockets(true)` would
   * send a Socket.IO DISCONNECT, which socket.io-client does not reconnect after:
   * https://socket.io/docs/v4/client-socket-instance/#disconnect)
   */
  private drain(windowMs: number): void {
    for (const { socket } of [...this.sockets.values()]) {
      setTimeout(() => {
        if (!this.sockets.delete(socket.id)) return;
        this.counts.drained++;
        socket.conn.close();
      }, this.rng.drain.next() * windowMs);
    }
  }

  private sample(): ServerSample {
    const deadPeers = this.deadPeers;
    this.deadPeers = [];
    return {
      connections: this.sockets.size,
      handshaking: this.handshaking(),
      cpuMs: cpuTimeMs() - this.setupCpuMs,
      memoryBytes: process.memoryUsage.rss(),
      ...this.counts,
      deadPeers,
      decisions: this.decisions.take(),
    };
  }
}
