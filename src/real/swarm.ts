import { Agent } from 'node:http';
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
import { WARM_CONNECTS_IN_FLIGHT } from './config.js';
import type { SwarmCommand, SwarmSample } from './protocol.js';
import { PollingSocket, type ClientTransport, type CookieJar, type TransportEvents } from './polling-client.js';
import { SwarmTally, type ClientState } from './swarm-tally.js';

type Init = Extract<SwarmCommand, { type: 'init' }>;

interface Client {
  id: number;
  state: ClientState;
  /** Retries since the last successful connect, and the previous backoff delay. */
  reconnect: ReconnectState;
  /** Attempts so far; the current attempt's number tags its events and its URL. */
  attempt: number;
  /** A WebSocket, or a long-polling session for a client on the polling transport. */
  ws: ClientTransport | null;
  polling: boolean;
  /** The proxy's cookie (sticky balancing of polls), kept across sessions as a browser keeps it. */
  jar: CookieJar;
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
  private readonly ghosts = new Set<ClientTransport>();
  /** Long-polling requests share keep-alive connections to the proxies, as a browser's HTTP/1.1 pool does. */
  private readonly agent = new Agent({ keepAlive: true, timeout: 30_000 });
  private readonly tally: SwarmTally;
  private readonly k: SwarmTally['k'];
  private nowMs: () => number = () => 0;
  private flapped: SwarmSample['flapped'] = [];

  constructor(private readonly init: Init) {
    this.tally = new SwarmTally(init.servers);
    this.k = this.tally.k;
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
      polling: init.polling?.clients[id] === true,
      jar: { cookie: null },
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
    const warmCount = this.init.clients.warmPhases.length;
    // The warm clients (ids below warmCount) do not arrive: they are there at time 0.
    this.tally.start(startEpochMs, this.clients, this.init.clients.arrivalsMs, (c) => {
      this.arrive(c);
    }, warmCount);
    this.nowMs = this.tally.nowMs;
    const warm = this.clients.filter((c) => c.id < warmCount);
    // Time 0 for the warm clients: present and (those that connected) connected from then, their sessions, flaps,
    // publishes and watchdogs starting then, as in the sim.
    if (warm.length > 0) setTimeout(() => { this.startWarm(warm); }, Math.max(0, -this.nowMs()));
  }

  stop(): void {
    for (const c of this.clients) {
      this.clearTimers(c);
      if (c.departure !== null) clearTimeout(c.departure);
      if (c.ws !== null) this.discard(c.ws);
    }
    for (const ws of this.ghosts) ws.terminate();
    this.agent.destroy();
  }

  private startWarm(warm: readonly Client[]): void {
    this.tally.area();
    for (const c of warm) {
      this.tally.present++;
      if (c.state !== 'warm') {
        this.connect(c);
        continue;
      }
      this.tally.connected++;
      c.state = 'connected';
      this.armWatchdog(c);
      this.startSession(c);
      this.publishLater(c);
      this.flapLater(c);
    }
  }

  private arrive(c: Client): void {
    this.tally.area();
    this.tally.present++;
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
    const query = `c=${String(c.id)}&a=${String(attempt)}`;
    if (warmed !== null) {
      // Warm clients are WebSocket clients (toRealConfig refuses a warm start with long polling).
      const phase = `&w=${String(this.init.clients.warmPhases[c.id] ?? 0)}`;
      this.warming(c, new WebSocket(`ws://127.0.0.1:${String(port)}/?${query}${phase}`, { perMessageDeflate: false }), warmed);
      return;
    }
    const mine = (): boolean => c.attempt === attempt && c.ws === ws;
    const events: TransportEvents = {
      server: (id) => {
        if (mine()) c.server = id;
      },
      open: () => {
        if (mine()) this.opened(c);
      },
      refused: (status, retryAfterMs) => {
        if (!mine() || c.state !== 'connecting') return;
        this.fail(c, status === 503 ? 'refused' : 'failed', retryAfterMs);
      },
      error: () => {
        if (mine() && c.state === 'connecting') this.fail(c, 'failed', 0);
      },
      close: () => {
        if (!mine()) return;
        if (c.state === 'connecting') this.fail(c, 'failed', 0);
        else if (c.state === 'connected') this.lost(c, 'drops');
      },
      message: (text) => {
        if (mine()) this.received(c, text);
      },
    };
    // A polling client's subscriptions ride on its handshake; a WebSocket client sends them once open.
    const ws: ClientTransport = c.polling ? new PollingSocket(port, query, this.subscriptions(c), this.agent, c.jar, events) : this.webSocket(c, `ws://127.0.0.1:${String(port)}/?${query}`, events, mine);
    c.ws = ws;
    c.timer = setTimeout(() => {
      if (!mine() || c.state !== 'connecting') return;
      this.k.timeouts++;
      this.fail(c, 'failed', 0);
    }, this.init.clients.connectTimeoutMs);
  }

  /** A ws client whose events reach `events`; the server's pings keep its watchdog. */
  private webSocket(c: Client, url: string, events: TransportEvents, mine: () => boolean): WebSocket {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on('upgrade', (res) => {
      events.server(Number(res.headers['x-wsfleet-server'] ?? -1));
    });
    ws.on('open', events.open);
    ws.on('unexpected-response', (req, res) => {
      req.destroy();
      const hintMs = Number(res.headers['x-retry-after-ms'] ?? Number(res.headers['retry-after'] ?? 0) * 1000);
      events.refused(res.statusCode ?? 0, Number.isFinite(hintMs) ? hintMs : 0);
    });
    ws.on('error', events.error);
    ws.on('close', events.close);
    ws.on('ping', () => {
      if (mine()) this.armWatchdog(c);
    });
    ws.on('message', (data: Buffer) => {
      events.message(data.toString());
    });
    return ws;
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
    this.tally.area();
    this.tally.connected++;
    c.state = 'connected';
    c.reconnect = CONNECTED;
    this.k.succeeded++;
    if (c.lastServer >= 0 && c.server !== c.lastServer) this.k.moved++;
    c.lastServer = c.server;
    this.tally.latencies.push(this.nowMs() - c.attemptStartMs);
    // A polling session has no WebSocket pings to watch (nor does the sim's polling client).
    if (!c.polling) {
      this.armWatchdog(c);
      this.subscribe(c);
    }
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
    this.tally.startSession(c, this.init.clients.sessionMs?.[c.id] ?? Infinity, () => {
      this.depart(c);
    });
  }

  /** The session is over: a connected client closes its socket (1000), any other stops trying; it never comes back. */
  private depart(c: Client): void {
    this.clearTimers(c);
    this.tally.departed(c);
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
    if (ws === null) return;
    for (const request of this.subscriptions(c)) ws.send(JSON.stringify(request));
  }

  /** The client's subscription requests: each channel from its last serial there. */
  private subscriptions(c: Client): { sub: string; last: number | null; away: number }[] {
    return [...(c.receivers ?? [])].map(([channel, receiver]) => ({ sub: channel, last: receiver.lastSerial, away: c.disconnectedAtMs }));
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
    this.tally.area();
    this.tally.connected--;
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

  private discard(ws: ClientTransport): void {
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

  sample(): SwarmSample {
    const flapped = this.flapped;
    this.flapped = [];
    return this.tally.sample(this.clients, { flapped, messages: this.receiverTotals(), decisions: this.decisions.take(), subscribers: this.subscriberLoss() });
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
