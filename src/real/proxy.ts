import { Agent, createServer as createHttpServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, createServer, type Socket } from 'node:net';
import { seededStream, streamKey } from '../engine/index.js';
import { DecisionList } from '../metrics/index.js';
import {
  balancers,
  createBackendView,
  firstCheckOffsetsMs,
  HealthCounter,
  instantiate,
  isEligible,
  noteHealth,
  noteReport,
  type Balancer,
  type MutableBackendView,
  type Rng,
} from '../strategies/index.js';
import { runClock } from './clock.js';
import { checkOnce } from './health.js';
import type { ProxyCommand, ProxyEvent, ProxySample } from './protocol.js';
import { POLLING_PATH } from './polling-session.js';

type Init = Extract<ProxyCommand, { type: 'init' }>;

/** A client connection piped to a backend. */
interface Pipe {
  client: Socket;
  upstream: Socket;
  server: number;
  /** The proxy forwards nothing more either way and closes neither end (the disconnect fault without FIN). */
  severed: boolean;
  release: () => void;
}

/** Longest HTTP upgrade request the proxy reads before giving up on a client. */
const MAX_REQUEST_BYTES = 16 * 1024;

/**
 * The cookie the proxy pins a long-polling client's requests with under the sticky strategy, as HAProxy's
 * `cookie SERVERID insert` (https://www.haproxy.com/documentation/haproxy-configuration-tutorials/session-persistence/)
 * and the sticky sessions Socket.IO's polling needs behind a balancer (https://socket.io/docs/v4/using-multiple-nodes/).
 */
export const STICKY_COOKIE = 'wsfleet-server';

/**
 * The balancing proxy: reads a client's HTTP upgrade request, picks a backend with the experiment's
 * Balancer strategy from the same view the sim builds, connects, forwards the request, then pipes bytes.
 */
export class RealProxy {
  private readonly views: MutableBackendView[];
  private readonly ports: number[];
  private readonly health: HealthCounter[];
  private readonly strategy: Balancer;
  private readonly rng: { pick: Rng; disconnect: Rng };
  private readonly pipes = new Set<Pipe>();
  /** When each backend is first checked: the sim's draws for this balancer from its shared `health` stream. */
  private readonly firstCheckMs: number[];
  private nowMs: () => number;
  private checking = false;
  private open = 0;
  private refused = 0;
  private upstreamFailed = 0;
  private picks: [number, number][] = [];
  private readonly decisions = new DecisionList();
  private readonly server = createServer({ noDelay: true }, (socket) => {
    this.accept(socket);
  });
  /**
   * Long-polling requests: a client connection whose first request is a poll is handed to this HTTP server, which
   * balances every request on it anew (each poll is a new request, as in the sim) and forwards it over a keep-alive
   * agent per backend. No timeout of its own: a poll is held at the server for up to its hold time.
   */
  private readonly polls = createHttpServer({ requestTimeout: 0 }, (req, res) => {
    this.forwardPoll(req, res);
  });
  private readonly agents: Agent[];
  /** Under the sticky strategy a poll carrying the proxy's cookie goes to its server while that one is eligible. */
  private readonly cookies: boolean;

  constructor(
    private readonly init: Init,
    private readonly send: (event: ProxyEvent) => void,
  ) {
    this.nowMs = runClock(init.startEpochMs);
    this.strategy = instantiate(balancers, init.spec.strategy, 'balancer.strategy');
    const stream = (name: string): Rng => seededStream(streamKey(init.seed, 'balancer', String(init.index), name));
    this.rng = { pick: stream('pick'), disconnect: stream('disconnect') };
    const n = init.backends.length;
    const offsets = firstCheckOffsetsMs(seededStream(streamKey(init.seed, 'health')), init.spec.healthCheck.intervalMs, (init.index + 1) * n);
    this.firstCheckMs = offsets.slice(init.index * n);
    this.ports = init.backends.map((b) => b.port);
    this.views = init.backends.map((b, id) => createBackendView(id, b.weight));
    this.health = init.backends.map(() => new HealthCounter(init.spec.healthCheck));
    this.agents = init.backends.map(() => new Agent({ keepAlive: true, timeout: 30_000 }));
    this.cookies = init.spec.strategy.name === 'sticky';
    this.polls.keepAliveTimeout = 60_000;
    init.backends.forEach((b, s) => {
      if (!b.absent) return;
      (this.health[s] as HealthCounter).markDown();
      (this.views[s] as MutableBackendView).healthy = false;
    });
  }

  listen(): void {
    this.server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
      const address = this.server.address();
      this.send({ type: 'listening', port: typeof address === 'object' && address !== null ? address.port : 0 });
    });
  }

  /**
   * Checks are spread over the first interval of the run, as HAProxy spreads them: from time 0 (the runner's clock
   * message), so each backend's checks have the phase the sim gives them whatever the setup took.
   */
  private startChecks(): void {
    if (this.checking) return;
    this.checking = true;
    this.firstCheckMs.forEach((atMs, s) => { this.check(s, atMs); });
  }

  command(message: ProxyCommand): void {
    if (message.type === 'report') {
      const view = this.views[message.server];
      if (view === undefined) return;
      noteReport(view, message.load, message.memoryLoad, message.atMs);
    } else if (message.type === 'backend') this.ports[message.server] = message.port;
    else if (message.type === 'clock') {
      this.nowMs = runClock(message.startEpochMs);
      this.startChecks();
    }
    else if (message.type === 'weight') {
      const view = this.views[message.server];
      if (view !== undefined) view.weight = message.weight;
    } else if (message.type === 'sample') this.send({ type: 'sample', sample: this.sample() });
    else if (message.type === 'disconnect') this.send({ type: 'disconnected', connections: this.disconnect(message.share, message.servers, message.fin) });
  }

  /**
   * A restart of this proxy's connection state: each connection the backend has answered, piped to one of
   * `servers` (null: any), is dropped with probability `share`. With `fin` both sockets close and both ends see
   * it; without, nothing more is forwarded either way and nothing closes: what each end writes stays in the
   * socket buffers, and each end finds out from its own heartbeat. Returns the connections dropped.
   */
  private disconnect(share: number, servers: readonly number[] | null, fin: boolean): number {
    let dropped = 0;
    for (const pipe of [...this.pipes]) {
      if (pipe.upstream.bytesRead === 0 || (servers !== null && !servers.includes(pipe.server))) continue;
      if (this.rng.disconnect.next() >= share) continue;
      dropped++;
      this.pipes.delete(pipe);
      if (fin) {
        pipe.client.destroy();
        pipe.upstream.destroy();
        continue;
      }
      pipe.severed = true;
      pipe.client.unpipe(pipe.upstream);
      pipe.upstream.unpipe(pipe.client);
      pipe.client.pause();
      pipe.upstream.pause();
      pipe.release();
    }
    return dropped;
  }

  /**
   * Runs backend s's check due at `dueMs` on the run clock, then the next one an interval later. Each is
   * timed from its due time, not from when the last one ran, as the sim's are: a timer that fires late on
   * a busy proxy (a millisecond or more) would otherwise push every later check back by as much.
   */
  private check(s: number, dueMs: number): void {
    setTimeout(() => { this.runCheck(s, dueMs); }, Math.max(0, dueMs - this.nowMs())).unref();
  }

  private runCheck(s: number, dueMs: number): void {
    const view = this.views[s] as MutableBackendView;
    const spec = this.init.spec.healthCheck;
    this.check(s, dueMs + spec.intervalMs);
    void checkOnce(this.ports[s] as number, spec, () => this.nowMs()).then((latencyMs) => {
      if (latencyMs !== null) view.reportedLatencyMs = latencyMs;
      const belief = this.health[s] as HealthCounter;
      if (!belief.record(latencyMs !== null)) return;
      const atMs = this.nowMs();
      noteHealth(view, belief.healthy, atMs);
      this.decisions.record({ kind: 'health', atMs, balancer: this.init.index, server: s, healthy: belief.healthy });
    });
  }

  private accept(client: Socket): void {
    let buffered = Buffer.alloc(0);
    client.on('error', () => undefined);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buffered.length > MAX_REQUEST_BYTES) client.destroy();
        return;
      }
      client.off('data', onData);
      client.pause();
      this.route(client, buffered);
    };
    client.on('data', onData);
  }

  /** Picks a backend for the request in `head` and connects; 503 when none, 502 when the backend does not answer. */
  private route(client: Socket, head: Buffer): void {
    const firstLine = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
    if (firstLine.split(' ')[1]?.startsWith(POLLING_PATH) === true) {
      client.unshift(head);
      this.polls.emit('connection', client);
      client.resume();
      return;
    }
    const id = Number(/[?&]c=(\d+)/.exec(firstLine)?.[1] ?? -1);
    if (this.open >= this.init.spec.maxConnections) {
      this.refused++;
      answer(client, '503 Service Unavailable');
      return;
    }
    const pick = this.strategy.pick({ clientId: id, clientAddress: id }, this.views, { nowMs: this.nowMs(), rng: this.rng.pick });
    this.picks.push([id, pick]);
    const view = this.views[pick];
    if (view === undefined) {
      this.refused++;
      answer(client, '503 Service Unavailable');
      return;
    }
    view.openConnections++;
    this.open++;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      view.openConnections--;
      this.open--;
    };
    const upstream = connect({ port: this.ports[pick] as number, host: '127.0.0.1', noDelay: true });
    const pipe: Pipe = { client, upstream, server: pick, severed: false, release };
    const timer = setTimeout(() => upstream.destroy(new Error('connect timeout')), this.init.spec.connectTimeoutMs);
    upstream.once('connect', () => {
      clearTimeout(timer);
      upstream.write(head);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
      this.pipes.add(pipe);
    });
    let answered = false;
    upstream.on('error', () => {
      clearTimeout(timer);
      if (upstream.bytesRead === 0) {
        this.upstreamFailed++;
        answered = true;
        client.unpipe(upstream);
        answer(client, '502 Bad Gateway');
      }
      release();
    });
    // A severed connection's ends close on their own: the proxy passes nothing on.
    upstream.on('close', () => {
      release();
      this.pipes.delete(pipe);
      if (!answered && !pipe.severed) client.destroy();
    });
    client.on('close', () => {
      release();
      this.pipes.delete(pipe);
      if (!pipe.severed) upstream.destroy();
    });
  }

  /** One long-polling request: the cookie's server (sticky) or the strategy's pick, then forwarded; 503 when none, 502 when the backend fails. */
  private forwardPoll(req: IncomingMessage, res: ServerResponse): void {
    res.on('error', () => undefined);
    const url = req.url ?? '/';
    const id = Number(/[?&]c=(\d+)/.exec(url)?.[1] ?? -1);
    const pinned = this.cookies ? cookieServer(req.headers.cookie) : -1;
    const pinnedView = this.views[pinned];
    const kept = pinnedView !== undefined && isEligible(pinnedView);
    const pick = kept ? pinned : this.strategy.pick({ clientId: id, clientAddress: id }, this.views, { nowMs: this.nowMs(), rng: this.rng.pick });
    const port = this.ports[pick];
    if (port === undefined) {
      this.refused++;
      req.resume();
      res.writeHead(503, { 'content-length': 0 }).end();
      return;
    }
    const upstream = request({ port, host: '127.0.0.1', method: req.method, path: url, headers: req.headers, agent: this.agents[pick] });
    upstream.on('response', (answer) => {
      const headers = { ...answer.headers };
      if (this.cookies && !kept) headers['set-cookie'] = [`${STICKY_COOKIE}=${String(pick)}; Path=/; HttpOnly`];
      res.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      this.upstreamFailed++;
      if (!res.headersSent) res.writeHead(502, { 'content-length': 0 }).end();
      else res.destroy();
    });
    // The client went away (or the run ends): the poll held upstream goes too.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  private sample(): ProxySample {
    const { picks } = this;
    this.picks = [];
    const { user, system } = process.cpuUsage();
    return { open: this.open, refused: this.refused, upstreamFailed: this.upstreamFailed, cpuMs: (user + system) / 1000, picks, decisions: this.decisions.take() };
  }
}

/** The server a sticky cookie names, or -1. */
function cookieServer(header: string | undefined): number {
  const match = new RegExp(`(?:^|;\\s*)${STICKY_COOKIE}=(\\d+)`).exec(header ?? '');
  return match === null ? -1 : Number(match[1]);
}

function answer(client: Socket, status: string): void {
  client.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
