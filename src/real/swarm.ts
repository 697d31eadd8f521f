import WebSocket from 'ws';
import { streamKey, seededStream } from '../engine/index.js';
import { DecisionList } from '../metrics/index.js';
import {
  backoffs,
  ChannelReceiver,
  CONNECTED,
  heartbeats,
  initialDelayMs,
  instantiate,
  nextFlapAtMs,
  nextReconnect,
  silenceLimitMs,
  type Backoff,
  type ReconnectState,
  type ResumeDecision,
  type Rng,
} from '../strategies/index.js';
import { runClock } from './clock.js';
import { WARM_CONNECTS_IN_FLIGHT } from './config.js';
import type { SwarmCommand, SwarmSample } from './protocol.js';

type Init = Extract<SwarmCommand, { type: 'init' }>;
/** warming: a warm start's connect before time 0; warm: connected before time 0, waiting for it. */
type State = 'absent' | 'warming' | 'warm' | 'waiting' | 'connecting' | 'connected' | 'gaveUp' | 'departed';


interface Client {
  id: number;
  state: State;
  /** Retries since the last successful connect, and the previous backoff delay. */
  reconnect: ReconnectState;
  /** Attempts so far; the current attempt's number tags its events and its URL. */
  attempt: number;
  ws: WebSocket | null;
  timer: NodeJS.Timeout | null;
  watchdog: NodeJS.Timeout | null;
  attemptStartMs: number;
  server: number;
  lastServer: number;
  /** Pub/sub: a receiver per channel (dedup by serial, lost and out-of-order counts), when the connection last ended. */
  receivers: Map<string, ChannelReceiver> | null;
  disconnectedAtMs: number;
  /** The application is busy with received messages until then; the socket is not read meanwhile. */
  appBusyUntilMs: number;
  reader: NodeJS.Timeout | null;
  /** The client's next publish, while it is connected and has a publish rate. */
  publisher: NodeJS.Timeout | null;
  /** When the session ends (Infinity until the first connect, or for a client that stays), and its timer. */
  deadlineMs: number;
  departure: NodeJS.Timeout | null;
}

const ignore = (): void => undefined;

/** A process of `ws` clients, each reconnecting by the experiment's backoff and watching the server's pings. */
export class Swarm {
  private readonly clients: Client[];
  private readonly backoff: Backoff;
  private readonly rng: { backoff: Rng; flaps: Rng; dns: Rng; publishes: Rng };
  private readonly decisions = new DecisionList();
  private readonly silenceMs: number;
  private readonly ghosts = new Set<WebSocket>();
  private nowMs: () => number = () => 0;
  private readonly k = { attempts: 0, succeeded: 0, refused: 0, failed: 0, timeouts: 0, drops: 0, flaps: 0, moved: 0, silenceTimeouts: 0, published: 0, departed: 0 };
  private latencies: number[] = [];
  private flapped: SwarmSample['flapped'] = [];
  private connected = 0;
  private present = 0;
  private areaAtMs = 0;
  private connectedArea = 0;
  private presentArea = 0;

  constructor(private readonly init: Init) {
    this.backoff = instantiate(backoffs, init.reconnect, 'clients.reconnect');
    // One swarm draws from the sim's client streams, draw for draw; several each have their own fork.
    const stream = (name: string): Rng =>
      seededStream(init.swarms === 1 ? streamKey(init.seed, name) : streamKey(init.seed, 'real', `swarm-${String(init.swarm)}`, name));
    // Client publishes are timed per client here, where the sim draws one superposed stream: a stream of real mode's own.
    const publishes = seededStream(streamKey(init.seed, 'real', `swarm-${String(init.swarm)}`, 'client-publishes'));
    this.rng = { backoff: stream('backoff'), flaps: stream('flaps'), dns: stream('dns'), publishes };
    this.silenceMs = silenceLimitMs(instantiate(heartbeats, init.heartbeat, 'heartbeat'));
    this.clients = init.clientIds.map((id) => ({
      id,
      state: 'absent',
      reconnect: CONNECTED,
      attempt: 0,
      ws: null,
      timer: null,
      watchdog: null,
      attemptStartMs: 0,
      server: -1,
      lastServer: -1,
      receivers: init.messages === null ? null : new Map((init.messages.channelsOf[id] ?? []).map((ch) => [`ch${String(ch)}`, new ChannelReceiver()])),
      disconnectedAtMs: 0,
      appBusyUntilMs: 0,
      reader: null,
      publisher: null,
      deadlineMs: Infinity,
      departure: null,
    }));
  }

  /**
   * A warm start, before time 0: each warm client (ids below the number of warm phases) connects once through a proxy
   * picked as an attempt picks it, with its heartbeat phase in the URL; no attempt, success or latency is counted.
   * Resolves with how many are connected; the others connect at time 0, as the sim connects those its balancer or
   * server would not have taken.
   */
  async warm(): Promise<number> {
    const warm = this.clients.filter((c) => c.id < this.init.clients.warmPhases.length);
    let next = 0;
    const one = async (): Promise<void> => {
      for (let c = warm[next++]; c !== undefined; c = warm[next++]) await new Promise<void>((done) => { this.connect(c as Client, done); });
    };
    await Promise.all(Array.from({ length: WARM_CONNECTS_IN_FLIGHT }, one));
    return warm.filter((c) => c.state === 'warm').length;
  }

  start(startEpochMs: number): void {
    this.nowMs = runClock(startEpochMs);
    const warm = this.clients.filter((c) => c.id < this.init.clients.warmPhases.length);
    // Time 0 for the warm clients: present and (those that connected) connected from then, their sessions, flaps,
    // publishes and watchdogs starting then, as in the sim.
    if (warm.length > 0) setTimeout(() => { this.startWarm(warm); }, Math.max(0, -this.nowMs()));
    for (const c of this.clients) {
      if (c.id < this.init.clients.warmPhases.length) continue;
      const atMs = this.init.clients.arrivalsMs[c.id] as number;
      c.timer = setTimeout(() => {
        this.arrive(c);
      }, Math.max(0, atMs - this.nowMs()));
    }
  }

  stop(): void {
    for (const c of this.clients) {
      this.clearTimers(c);
      if (c.departure !== null) clearTimeout(c.departure);
      if (c.ws !== null) this.discard(c.ws);
    }
    for (const ws of this.ghosts) ws.terminate();
  }

  private startWarm(warm: readonly Client[]): void {
    this.area();
    for (const c of warm) {
      this.present++;
      if (c.state !== 'warm') {
        this.connect(c);
        continue;
      }
      this.connected++;
      c.state = 'connected';
      this.armWatchdog(c);
      this.startSession(c);
      this.publishLater(c);
      this.flapLater(c);
    }
  }

  private arrive(c: Client): void {
    this.area();
    this.present++;
    const spreadMs = initialDelayMs(this.init.clients.initialSpreadMs, this.rng.backoff);
    c.state = 'waiting';
    c.timer = setTimeout(() => {
      this.connect(c);
    }, spreadMs);
  }

  /** An attempt; with `warmed`, a warm start's connect before time 0 (attempt 0, uncounted), which calls it when it is settled. */
  private connect(c: Client, warmed: (() => void) | null = null): void {
    const attempt = warmed === null ? ++c.attempt : 0;
    c.state = warmed === null ? 'connecting' : 'warming';
    c.attemptStartMs = this.nowMs();
    c.server = -1;
    if (warmed === null) this.k.attempts++;
    // One proxy per attempt, as DNS round-robin spreads clients over a balancer tier.
    const ports = this.init.proxyPorts;
    const port = ports.length === 1 ? (ports[0] as number) : (ports[Math.floor(this.rng.dns.next() * ports.length)] as number);
    const phase = warmed === null ? '' : `&w=${String(this.init.clients.warmPhases[c.id] ?? 0)}`;
    const ws = new WebSocket(`ws://127.0.0.1:${String(port)}/?c=${String(c.id)}&a=${String(attempt)}${phase}`, { perMessageDeflate: false });
    if (warmed !== null) {
      this.warming(c, ws, warmed);
      return;
    }
    c.ws = ws;
    const mine = (): boolean => c.attempt === attempt && c.ws === ws;
    c.timer = setTimeout(() => {
      if (!mine() || c.state !== 'connecting') return;
      this.k.timeouts++;
      this.fail(c, 'failed', 0);
    }, this.init.clients.connectTimeoutMs);
    ws.on('upgrade', (res) => {
      c.server = Number(res.headers['x-wsfleet-server'] ?? -1);
    });
    ws.on('open', () => {
      if (mine()) this.opened(c);
    });
    ws.on('unexpected-response', (req, res) => {
      req.destroy();
      if (!mine() || c.state !== 'connecting') return;
      const hintMs = Number(res.headers['x-retry-after-ms'] ?? Number(res.headers['retry-after'] ?? 0) * 1000);
      this.fail(c, res.statusCode === 503 ? 'refused' : 'failed', Number.isFinite(hintMs) ? hintMs : 0);
    });
    ws.on('error', () => {
      if (mine() && c.state === 'connecting') this.fail(c, 'failed', 0);
    });
    ws.on('close', () => {
      if (!mine()) return;
      if (c.state === 'connecting') this.fail(c, 'failed', 0);
      else if (c.state === 'connected') this.lost(c, 'drops');
    });
    ws.on('ping', () => {
      if (mine()) this.armWatchdog(c);
    });
    ws.on('message', (data: Buffer) => {
      if (mine()) this.received(c, data.toString());
    });
  }

  /**
   * A warm connect's socket: open before time 0 makes the client `warm` (subscribed, its server noted); a refusal,
   * error or timeout leaves it `absent`, to connect at time 0. Once open, a close is a drop as for any connection.
   */
  private warming(c: Client, ws: WebSocket, settled: () => void): void {
    c.ws = ws;
    let done = false;
    const settle = (open: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (open) {
        c.state = 'warm';
        c.lastServer = c.server;
        this.subscribe(c);
      } else {
        this.discard(ws);
        c.ws = null;
        c.state = 'absent';
      }
      settled();
    };
    const timer = setTimeout(() => { settle(false); }, this.init.clients.connectTimeoutMs);
    ws.on('upgrade', (res) => {
      c.server = Number(res.headers['x-wsfleet-server'] ?? -1);
    });
    ws.on('open', () => { settle(true); });
    ws.on('unexpected-response', (req) => {
      req.destroy();
      settle(false);
    });
    ws.on('error', () => { settle(false); });
    ws.on('close', () => {
      if (!done) settle(false);
      else if (c.ws === ws && c.state === 'connected') this.lost(c, 'drops');
      else if (c.ws === ws && c.state === 'warm') {
        // Lost before time 0: it connects at time 0 instead.
        c.ws = null;
        c.state = 'absent';
      }
    });
    ws.on('ping', () => {
      if (c.ws === ws) this.armWatchdog(c);
    });
    ws.on('message', (data: Buffer) => {
      if (c.ws === ws) this.received(c, data.toString());
    });
  }

  private opened(c: Client): void {
    this.clearTimers(c);
    this.area();
    this.connected++;
    c.state = 'connected';
    c.reconnect = CONNECTED;
    this.k.succeeded++;
    if (c.lastServer >= 0 && c.server !== c.lastServer) this.k.moved++;
    c.lastServer = c.server;
    this.latencies.push(this.nowMs() - c.attemptStartMs);
    this.armWatchdog(c);
    this.subscribe(c);
    this.startSession(c);
    this.publishLater(c);
    this.flapLater(c);
  }

  /** The sim's draw: the flap's time from 0 is its delay from now. */
  private flapLater(c: Client): void {
    const inMs = nextFlapAtMs(0, this.init.clients.flapsPerHour, this.rng.flaps);
    if (inMs < 2 ** 31 - 1) c.timer = setTimeout(() => {
      this.flap(c);
    }, inMs);
  }

  /**
   * A connected client publishes as a Poisson stream at its own rate, each message on one of its channels drawn
   * uniformly, as the sim's client publishes: a data frame `{ pub, bytes }` to its server.
   */
  private publishLater(c: Client): void {
    const messages = this.init.messages;
    const ratePerSec = messages?.clientPublishPerSec[c.id] ?? 0;
    const channels = messages?.channelsOf[c.id] ?? [];
    if (messages === null || !(ratePerSec > 0) || channels.length === 0) return;
    const gapMs = (-Math.log(1 - this.rng.publishes.next()) * 1000) / ratePerSec;
    if (gapMs >= 2 ** 31 - 1) return;
    c.publisher = setTimeout(() => {
      c.publisher = null;
      const ws = c.ws;
      if (c.state !== 'connected' || ws === null) return;
      const channel = channels[Math.floor(this.rng.publishes.next() * channels.length)] as number;
      this.k.published++;
      ws.send(JSON.stringify({ pub: `ch${String(channel)}`, bytes: messages.bytes }));
      this.publishLater(c);
    }, gapMs);
  }

  /** The first connect starts the client's session, as in the sim: it leaves when the session ends, whatever its state then. */
  private startSession(c: Client): void {
    const sessionMs = this.init.clients.sessionMs?.[c.id] ?? Infinity;
    if (c.deadlineMs !== Infinity || !Number.isFinite(sessionMs)) return;
    c.deadlineMs = this.nowMs() + sessionMs;
    // Beyond setTimeout's range (about 24.8 days) the session outlasts any real run.
    if (sessionMs < 2 ** 31 - 1) c.departure = setTimeout(() => {
      this.depart(c);
    }, sessionMs);
  }

  /** The session is over: a connected client closes its socket (1000), any other stops trying; it never comes back. */
  private depart(c: Client): void {
    c.departure = null;
    this.clearTimers(c);
    this.area();
    if (c.state === 'connected') this.connected--;
    this.present--;
    this.k.departed++;
    const ws = c.ws;
    c.ws = null;
    if (ws !== null && c.state === 'connected') {
      ws.removeAllListeners();
      ws.on('error', ignore);
      ws.on('close', () => this.ghosts.delete(ws));
      this.ghosts.add(ws);
      ws.close(1000, 'session over');
    } else if (ws !== null) this.discard(ws);
    c.state = 'departed';
  }

  /** Subscribes to each of the client's channels from its last serial there. */
  private subscribe(c: Client): void {
    const ws = c.ws;
    if (c.receivers === null || ws === null) return;
    for (const [channel, receiver] of c.receivers) ws.send(JSON.stringify({ sub: channel, last: receiver.lastSerial, away: c.disconnectedAtMs }));
  }

  /**
   * A resume decision (JSON, with its channel) or a message that starts with its serial and channel. Each message keeps the application busy
   * for 1 / consumePerSec; while it is more than 20 ms behind, the socket is not read, so the kernel buffers and
   * then the server's send queue fill, as with a slow consumer.
   */
  private received(c: Client, text: string): void {
    const messages = this.init.messages;
    if (c.receivers === null || messages === null) return;
    if (text.startsWith('{')) {
      const reply = JSON.parse(text) as { resume: ResumeDecision; ch: string };
      c.receivers.get(reply.ch)?.resume(reply.resume);
      return;
    }
    const head = text.indexOf(':');
    c.receivers.get(text.slice(head + 1, text.indexOf(':', head + 1)))?.receive(Number.parseInt(text, 10));
    const now = this.nowMs();
    c.appBusyUntilMs = Math.max(now, c.appBusyUntilMs) + 1000 / (messages.consumePerSec[c.id] ?? Infinity);
    const behindMs = c.appBusyUntilMs - now;
    const ws = c.ws;
    if (behindMs <= 20 || ws === null || c.reader !== null) return;
    ws.pause();
    c.reader = setTimeout(() => {
      c.reader = null;
      if (c.ws === ws) ws.resume();
    }, behindMs);
  }

  /** No ping within the heartbeat's detection span: the server is dead to this client. */
  private armWatchdog(c: Client): void {
    if (!Number.isFinite(this.silenceMs)) return;
    if (c.watchdog !== null) clearTimeout(c.watchdog);
    c.watchdog = setTimeout(() => {
      c.watchdog = null;
      if (c.state !== 'connected') return;
      this.k.silenceTimeouts++;
      this.lost(c, 'drops');
    }, this.silenceMs);
  }

  /** The network drops without a FIN: the socket goes silent (no pongs) and stays open at the server until its heartbeat notices. */
  private flap(c: Client): void {
    const ws = c.ws;
    if (c.state !== 'connected' || ws === null) return;
    this.k.flaps++;
    this.flapped.push({ key: `${String(c.id)}:${String(c.attempt)}`, atMs: this.nowMs() });
    ws.removeAllListeners();
    ws.on('error', ignore);
    ws.on('close', () => this.ghosts.delete(ws));
    ws.pause();
    this.ghosts.add(ws);
    c.ws = null;
    this.leaveConnected(c);
    this.retryLater(c, 0);
  }

  private lost(c: Client, count: 'drops'): void {
    this.k[count]++;
    if (c.ws !== null) this.discard(c.ws);
    c.ws = null;
    this.leaveConnected(c);
    this.retryLater(c, 0);
  }

  private leaveConnected(c: Client): void {
    this.clearTimers(c);
    c.disconnectedAtMs = this.nowMs();
    this.area();
    this.connected--;
  }

  private fail(c: Client, kind: 'refused' | 'failed', retryAfterMs: number): void {
    this.k[kind]++;
    this.clearTimers(c);
    if (c.ws !== null) this.discard(c.ws);
    c.ws = null;
    this.retryLater(c, retryAfterMs);
  }

  /** After a drop, refusal or failure: wait by the backoff strategy (at least a refusal's retry-after), or give up. */
  private retryLater(c: Client, retryAfterMs: number): void {
    const step = nextReconnect(this.backoff, c.reconnect, retryAfterMs, this.rng.backoff);
    c.reconnect = step.state;
    const delayMs = step.kind === 'wait' ? step.delayMs : null;
    this.decisions.record({ kind: 'backoff', atMs: this.nowMs(), client: c.id, retry: step.state.retry, delayMs });
    if (delayMs === null) {
      c.state = 'gaveUp';
      return;
    }
    c.state = 'waiting';
    c.timer = setTimeout(() => {
      this.connect(c);
    }, delayMs);
  }

  private discard(ws: WebSocket): void {
    ws.removeAllListeners();
    ws.on('error', ignore);
    ws.terminate();
  }

  private clearTimers(c: Client): void {
    if (c.reader !== null) clearTimeout(c.reader);
    if (c.publisher !== null) clearTimeout(c.publisher);
    c.reader = null;
    c.publisher = null;
    if (c.timer !== null) clearTimeout(c.timer);
    if (c.watchdog !== null) clearTimeout(c.watchdog);
    c.timer = null;
    c.watchdog = null;
  }

  /** Advances the time-weighted areas of connected and present clients to now. */
  private area(): void {
    const now = this.nowMs();
    this.connectedArea += this.connected * (now - this.areaAtMs);
    this.presentArea += this.present * (now - this.areaAtMs);
    this.areaAtMs = now;
  }

  sample(): SwarmSample {
    this.area();
    const byState = (s: State): number => this.clients.reduce((n, c) => n + (c.state === s ? 1 : 0), 0);
    const connectedByServer = new Array<number>(this.init.servers).fill(0);
    for (const c of this.clients) if (c.state === 'connected' && c.server >= 0) connectedByServer[c.server] = (connectedByServer[c.server] ?? 0) + 1;
    const { latencies, flapped } = this;
    this.latencies = [];
    this.flapped = [];
    return {
      present: this.present,
      connected: this.connected,
      connecting: byState('connecting'),
      waiting: byState('waiting'),
      gaveUp: byState('gaveUp'),
      ...this.k,
      connectedArea: this.connectedArea,
      presentArea: this.presentArea,
      attemptsMax: this.clients.reduce((m, c) => Math.max(m, c.attempt), 0),
      latenciesMs: latencies,
      flapped,
      connectedByServer,
      messages: this.receiverTotals(),
      decisions: this.decisions.take(),
      subscribers: this.subscriberLoss(),
    };
  }

  /** Loss per subscribed client, as the sim's messages.lost.clientsShare and perClient count it. */
  private subscriberLoss(): SwarmSample['subscribers'] {
    const out = { subscribed: 0, withLoss: 0, maxLost: 0 };
    for (const c of this.clients) {
      const receivers = [...(c.receivers?.values() ?? [])].filter((r) => r.lastSerial !== null);
      if (receivers.length === 0) continue;
      const lost = receivers.reduce((n, r) => n + r.counts.lost, 0);
      out.subscribed++;
      if (lost > 0) out.withLoss++;
      out.maxLost = Math.max(out.maxLost, lost);
    }
    return out;
  }

  private receiverTotals(): SwarmSample['messages'] {
    const out = { delivered: 0, duplicates: 0, outOfOrder: 0, lost: 0 };
    for (const c of this.clients) {
      for (const receiver of c.receivers?.values() ?? []) {
        const k = receiver.counts;
        out.delivered += k.delivered;
        out.duplicates += k.duplicates;
        out.outOfOrder += k.outOfOrder;
        out.lost += k.lost;
      }
    }
    return out;
  }
}
