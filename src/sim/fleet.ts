import { compileDistribution, RngStreams, Simulation, type Distribution, type Rng } from '../engine/index.js';
import { backoffs, heartbeats, initialDelayMs, instantiate, type Backoff, type Heartbeat, type HeartbeatStep, type ServerLoadView } from '../strategies/index.js';
import { LatencyRecorder, TimeWeighted, type RunEvent } from '../metrics/index.js';
import type { ArrivalSpec, SimConfig } from './config.js';
import { ClientState, ClientTable, connClient, connEpoch, packConn } from './clients.js';
import { SimServer } from './server.js';
import type { CpuQueue } from './cpu.js';
import { SimBalancer } from './balancer.js';
import { createArrivals, type ArrivalProcess } from './arrivals.js';
import { Counters } from './counters.js';
import { PubSub } from './pubsub.js';
import { LongPolling } from './polling.js';

/** Linux TCP keepalive: 7200 s idle, then 9 probes 75 s apart. */
const TCP_KEEPALIVE_DETECT_MS = (7200 + 9 * 75) * 1000;
const GHOST_SERVER_SPACE = 2 ** 20;
const MAX_PROCESSES = 256;

/** CPU to notice that a queued request's socket is already closed, and drop it. */
const ABANDONED_CHECK_MS = 0.01;

/**
 * The fleet model: clients → balancer tier → servers, in virtual time.
 *
 * Every message is an event after a network delay; every server-side action that costs CPU
 * queues on a process's cores, so a saturated server answers pongs and health checks late,
 * its healthy clients time out and reconnect, adding handshakes: the storm feeds itself.
 */
export class Fleet {
  readonly sim = new Simulation();
  readonly clients = new ClientTable();
  readonly servers: SimServer[];
  readonly balancers: SimBalancer[];
  readonly counters = new Counters();
  readonly connectLatency = new LatencyRecorder();
  readonly handshakeWait = new LatencyRecorder();
  readonly connected = new TimeWeighted();
  readonly present = new TimeWeighted();
  readonly events: RunEvent[] = [];
  readonly backendLatency: Distribution;
  /** Clients in each state, kept as transitions happen. */
  readonly inState = new Int32Array(8);
  /** Channels, broker, send queues and resume; null when the experiment has no messages. */
  readonly pubsub: PubSub | null;
  /** The long-polling transport; null when every client uses WebSocket. */
  readonly polling: LongPolling | null;
  /** Idle timeouts: the proxy's (any frame) and the server's (data frames); Infinity when off. */
  private readonly proxyIdleMs: number;
  private readonly serverIdleMs: number;

  private readonly heartbeat: Heartbeat;
  private readonly backoff: Backoff;
  private readonly arrivals: ArrivalProcess[] = [];
  private readonly arrivalStreams: RngStreams;
  private readonly rng: { backoff: Rng; network: Rng; sessions: Rng; dns: Rng; health: Rng; flaps: Rng; drain: Rng; admission: Rng };
  private readonly clientLatency: Distribution;
  private readonly session: Distribution | null;
  private lastReportBusyMs: number[];

  constructor(readonly config: SimConfig) {
    const streams = new RngStreams(config.seed);
    this.rng = {
      backoff: streams.stream('backoff'),
      network: streams.stream('network'),
      sessions: streams.stream('sessions'),
      dns: streams.stream('dns'),
      health: streams.stream('health'),
      flaps: streams.stream('flaps'),
      drain: streams.stream('drain'),
      admission: streams.stream('admission'),
    };
    this.heartbeat = instantiate(heartbeats, config.heartbeat, 'heartbeat');
    this.backoff = instantiate(backoffs, config.reconnect, 'reconnect');
    this.arrivalStreams = streams.fork('arrivals');
    this.arrivals.push(createArrivals(config.clients.arrivals, streams.stream('arrivals')));
    this.clientLatency = compileDistribution(config.network.clientLatencyMs);
    this.backendLatency = compileDistribution(config.network.backendLatencyMs);
    this.session = config.clients.sessionMs === null ? null : compileDistribution(config.clients.sessionMs);
    const cpuStreams = streams.fork('cpu');
    const groups = config.servers.flatMap((group) => Array.from({ length: group.count }, () => group));
    const last = config.servers[config.servers.length - 1];
    // An autoscaler may add servers of the last group's type, up to its max.
    if (config.autoscaler !== null && last !== undefined) while (groups.length < config.autoscaler.max) groups.push(last);
    this.servers = groups.map(
      (group, id) => new SimServer(id, group.name, group.spec, cpuStreams.stream(`server-${String(id)}`)),
    );
    const balancerStreams = streams.fork('balancer');
    this.balancers = Array.from(
      { length: config.balancer.count },
      (_, id) => new SimBalancer(id, this, config.balancer, balancerStreams.fork(String(id))),
    );
    this.lastReportBusyMs = this.servers.map(() => 0);
    this.pubsub =
      config.messages === null
        ? null
        : new PubSub(
            this,
            config.messages,
            streams.fork('messages'),
            compileDistribution(config.network.downlinkBytesPerSec),
            compileDistribution(config.clients.consumePerSec),
            config.network.pathBufferBytes,
          );
    this.polling = config.polling === null ? null : new LongPolling(this, config.polling, streams.stream('polling'));
    this.proxyIdleMs = config.balancer.idleTimeoutMs;
    this.serverIdleMs = config.messages?.idleTimeoutMs ?? Infinity;
  }

  /** Schedules arrivals, health checks and load reports; the runner drives the clock. */
  start(): void {
    this.scheduleNextArrival(0);
    for (const server of this.servers) {
      if (server.spec.shedding.limit !== null) this.sim.after(server.spec.shedding.intervalMs, this.onShedCheck, server.id);
    }
    for (const b of this.balancers) b.start(this.rng.health);
    this.sim.after(this.config.balancer.reportIntervalMs, this.onReport);
    this.pubsub?.start();
  }

  /** At the end of the run: every client still here settles what it consumed; the rest is in flight. */
  finishMessages(): void {
    const pubsub = this.pubsub;
    if (pubsub === null) return;
    const c = this.clients.c;
    for (let i = 0; i < this.clients.count; i++) {
      const state = c.state[i];
      if (state === ClientState.gone) continue;
      if (c.established[i] === 1) pubsub.settle(i, this.sim.nowMs);
      pubsub.finish(i, state === ClientState.connected ? 'connected' : state === ClientState.gaveUp ? 'gave-up' : 'disconnected');
    }
  }

  private setState(i: number, state: number): void {
    const c = this.clients.c;
    const was = c.state[i] as number;
    this.inState[was] = (this.inState[was] as number) - 1;
    this.inState[state] = (this.inState[state] as number) + 1;
    c.state[i] = state;
  }

  log(kind: string, detail: string): void {
    this.events.push({ atMs: this.sim.nowMs, kind, detail });
  }

  // ---- arrivals and the client side ----

  /** Adds a second stream of arrivals (a flash crowd); its randomness is its own stream. */
  addArrivals(spec: ArrivalSpec): void {
    const k = this.arrivals.length;
    this.arrivals.push(createArrivals(spec, this.arrivalStreams.stream(String(k))));
    this.scheduleNextArrival(k);
  }

  private scheduleNextArrival(k: number): void {
    const atMs = (this.arrivals[k] as ArrivalProcess).next(this.sim.nowMs);
    if (atMs < this.config.durationMs) this.sim.at(atMs, this.onArrival, k);
  }

  private readonly onArrival = (k: number): void => {
    const i = this.clients.add();
    const c = this.clients.c;
    c.sessionMs[i] = this.session === null ? Infinity : this.session.sample(this.rng.sessions);
    c.deadlineMs[i] = Infinity;
    c.clientLatencyMs[i] = this.clientLatency.sample(this.rng.network);
    c.timer[i] = this.sim.createTimer(this.onClientTimer, i);
    this.pubsub?.addClient(i);
    c.polling[i] = this.polling?.assign(i) === true ? 1 : 0;
    this.present.add(this.sim.nowMs, 1);
    this.counters.arrivals++;
    // A first connect spread by a random initial delay (0: at once).
    const spreadMs = initialDelayMs(this.config.clients.initialSpreadMs, this.rng.backoff);
    if (spreadMs > 0) {
      this.setState(i, ClientState.waiting);
      this.armClientTimer(i, this.sim.nowMs + spreadMs);
    } else {
      this.startAttempt(i);
    }
    this.scheduleNextArrival(k);
  };

  private startAttempt(i: number): void {
    const c = this.clients.c;
    const epoch = (c.epoch[i] as number) + 1;
    c.epoch[i] = epoch;
    this.setState(i, ClientState.connecting);
    c.attemptStartMs[i] = this.sim.nowMs;
    c.attemptsTotal[i] = (c.attemptsTotal[i] as number) + 1;
    this.counters.attempts++;
    c.queued[i] = 0;
    this.armClientTimer(i, this.sim.nowMs + this.config.clients.connectTimeoutMs);
    const balancer = this.balancers[Math.floor(this.rng.dns.next() * this.balancers.length)] as SimBalancer;
    // A partitioned client's SYN goes nowhere; its connect timeout will fire.
    if ((c.partitionedUntilMs[i] as number) > this.sim.nowMs) return;
    this.sim.after(c.clientLatencyMs[i] as number, balancer.receive, packConn(i, epoch));
  }

  /** Arms the client's one timer, never past its departure. */
  private armClientTimer(i: number, atMs: number): void {
    this.sim.setTimer(this.clients.c.timer[i] as number, Math.min(atMs, this.clients.c.deadlineMs[i] as number));
  }

  private readonly onClientTimer = (i: number): void => {
    const c = this.clients.c;
    if (this.sim.nowMs >= (c.deadlineMs[i] as number)) this.depart(i);
    else if (c.state[i] === ClientState.connecting) this.abandonAttempt(i);
    else if (c.state[i] === ClientState.waiting) this.startAttempt(i);
    else if (c.state[i] === ClientState.connected) this.flap(i);
  };

  /** The client's network drops (a mobile handover, a tunnel): its connection is gone and it reconnects. */
  private flap(i: number): void {
    this.counters.flaps++;
    this.abandonConnection(i, this.deadPeerDetectedAt(i));
  }

  /**
   * The client loses its connection without the server knowing (a network drop, or a long-poll session it
   * gave up on): the server holds it until `deadAtMs`, and the client reconnects by its backoff.
   */
  private abandonConnection(i: number, deadAtMs: number): void {
    const c = this.clients.c;
    this.connected.add(this.sim.nowMs, -1);
    const s = c.server[i] as number;
    if (s >= 0) {
      const process = c.process[i] as number;
      const server = this.servers[s] as SimServer;
      this.closeAtServer(i, true);
      server.ghosts++;
      this.sim.at(deadAtMs, this.onGhostDetected, (server.incarnation * MAX_PROCESSES + process) * GHOST_SERVER_SPACE + s);
      this.counters.ghosts++;
      this.counters.deadPeerDetectionMs += deadAtMs - this.sim.nowMs;
    }
    c.epoch[i] = (c.epoch[i] as number) + 1;
    this.retryLater(i);
  }

  /**
   * When the server's heartbeat would give up on connection i if no pong ever came again: the
   * strategy is a pure state machine, so it can be stepped forward without pongs. Without a
   * heartbeat, TCP keepalive finds the dead peer (Linux defaults: 7200 s + 9 × 75 s).
   */
  private deadPeerDetectedAt(i: number): number {
    const c = this.clients.c;
    if (this.polling !== null && c.polling[i] === 1) return this.sim.nowMs + this.polling.spec.sessionTimeoutMs;
    let phase = c.hbPhase[i] as never;
    let atMs = this.sim.timerAtMs(c.hbTimer[i] as number);
    for (let step = 0; step < 16 && Number.isFinite(atMs); step++) {
      const next = this.heartbeat.onTimer(phase, atMs);
      if (next.action === 'terminate') return atMs;
      phase = next.phase as never;
      if (!Number.isNaN(next.timerAtMs)) atMs = next.timerAtMs;
    }
    return this.sim.nowMs + TCP_KEEPALIVE_DETECT_MS;
  }

  private readonly onGhostDetected = (arg: number): void => {
    const server = this.servers[arg % GHOST_SERVER_SPACE] as SimServer;
    const high = Math.floor(arg / GHOST_SERVER_SPACE);
    if (server.incarnation !== Math.floor(high / MAX_PROCESSES)) return;
    server.ghosts--;
    server.releaseDescriptor(high % MAX_PROCESSES);
    this.counters.deadPeersDetected++;
  };

  /** When a connected client's network next drops; Infinity without flaps. */
  private nextFlapMs(): number {
    const perHour = this.config.clients.flapsPerHour;
    return perHour > 0 ? this.sim.nowMs - (3_600_000 / perHour) * Math.log(1 - this.rng.flaps.next()) : Infinity;
  }

  /** Connect timeout: the client closes its socket and backs off. */
  private abandonAttempt(i: number): void {
    const c = this.clients.c;
    c.epoch[i] = (c.epoch[i] as number) + 1;
    if ((c.server[i] as number) >= 0) this.closeAtServer(i);
    this.counters.timeouts++;
    this.counters.failed++;
    this.retryLater(i);
  }

  private depart(i: number): void {
    const c = this.clients.c;
    const now = this.sim.nowMs;
    if (c.state[i] === ClientState.connected) this.connected.add(now, -1);
    if ((c.server[i] as number) >= 0) this.closeAtServer(i);
    this.unroute(i);
    c.epoch[i] = (c.epoch[i] as number) + 1;
    this.setState(i, ClientState.gone);
    this.sim.releaseTimer(c.timer[i] as number);
    c.timer[i] = -1;
    if (c.hbTimer[i] !== -1) this.sim.releaseTimer(c.hbTimer[i] as number);
    c.hbTimer[i] = -1;
    if (c.idleTimer[i] !== -1) this.sim.releaseTimer(c.idleTimer[i] as number);
    c.idleTimer[i] = -1;
    this.pubsub?.finish(i, 'connected');
    this.present.add(now, -1);
    this.counters.departures++;
  }

  /** After a drop, refusal or failure: wait by the backoff strategy, or give up. */
  private retryLater(i: number): void {
    const c = this.clients.c;
    this.unroute(i);
    const retry = (c.retry[i] as number) + 1;
    c.retry[i] = retry;
    const hintMs = c.retryAfterMs[i] as number;
    c.retryAfterMs[i] = 0;
    const delayMs = hintMs > 0 ? this.backoff.next(retry, c.prevDelayMs[i] as number, this.rng.backoff, hintMs) : this.backoff.next(retry, c.prevDelayMs[i] as number, this.rng.backoff);
    if (delayMs === null) {
      this.setState(i, ClientState.gaveUp);
      // A client that had a session still leaves when it ends; one that never connected stays, unserved.
      if (c.deadlineMs[i] === Infinity) this.sim.clearTimer(c.timer[i] as number);
      else this.armClientTimer(i, Infinity);
      this.counters.gaveUp++;
      return;
    }
    c.prevDelayMs[i] = delayMs;
    this.setState(i, ClientState.waiting);
    this.armClientTimer(i, this.sim.nowMs + delayMs);
  }

  /** The client of an event about its current attempt, or -1 for a stale event. */
  current(arg: number): number {
    const i = connClient(arg);
    return this.clients.c.epoch[i] === connEpoch(arg) ? i : -1;
  }

  private readonly onConnectedReply = (arg: number): void => {
    const i = this.current(arg);
    if (i < 0 || this.clients.c.state[i] !== ClientState.connecting) return;
    const c = this.clients.c;
    const now = this.sim.nowMs;
    this.setState(i, ClientState.connected);
    c.retry[i] = 0;
    c.prevDelayMs[i] = 0;
    this.counters.succeeded++;
    if ((c.lastServer[i] as number) >= 0 && c.lastServer[i] !== c.server[i]) this.counters.moved++;
    c.lastServer[i] = c.server[i] as number;
    this.connectLatency.record(now - (c.attemptStartMs[i] as number));
    this.connected.add(now, 1);
    if (c.deadlineMs[i] === Infinity) c.deadlineMs[i] = now + (c.sessionMs[i] as number);
    const flapMs = this.nextFlapMs();
    if (Math.min(flapMs, c.deadlineMs[i] as number) === Infinity) this.sim.clearTimer(c.timer[i] as number);
    else this.armClientTimer(i, flapMs);
    if (c.polling[i] === 1) this.polling?.start(i);
  };

  private readonly onRefusedReply = (arg: number): void => {
    const i = this.current(arg);
    if (i < 0 || this.clients.c.state[i] !== ClientState.connecting) return;
    this.counters.refused++;
    this.retryLater(i);
  };

  private readonly onFailedReply = (arg: number): void => {
    const i = this.current(arg);
    if (i < 0 || this.clients.c.state[i] !== ClientState.connecting) return;
    this.counters.failed++;
    this.retryLater(i);
  };

  /** The server closed the connection (crash, heartbeat timeout); the client finds out now. */
  private readonly onClosedReply = (arg: number): void => {
    const i = this.current(arg);
    if (i < 0) return;
    const c = this.clients.c;
    if (c.state[i] === ClientState.connected) {
      this.connected.add(this.sim.nowMs, -1);
      this.counters.drops++;
    } else if (c.state[i] !== ClientState.connecting) return;
    c.epoch[i] = (c.epoch[i] as number) + 1;
    this.retryLater(i);
  };

  /** Sends `handler(arg)` to the client over its current path. */
  private toClient(i: number, handler: (arg: number) => void): void {
    const c = this.clients.c;
    this.sim.after(c.pathLatencyMs[i] as number, handler, packConn(i, c.epoch[i] as number));
  }

  // ---- balancer side ----

  /** Answers 503 to the client, from its balancer. */
  replyRefused(i: number, arg: number): void {
    this.sim.after(this.clients.c.clientLatencyMs[i] as number, this.onRefusedReply, arg);
  }

  /** The balancer connects upstream to the backend it picked (`routed`). */
  forward(i: number, arg: number): void {
    const c = this.clients.c;
    const backendMs = this.backendLatency.sample(this.rng.network);
    c.pathLatencyMs[i] = (c.clientLatencyMs[i] as number) + backendMs;
    this.sim.after(backendMs, this.onReachServer, arg);
  }

  /** Frees the attempt's balancer slot and backend port. */
  unroute(i: number): void {
    const c = this.clients.c;
    const b = c.balancer[i] as number;
    if (b < 0) return;
    (this.balancers[b] as SimBalancer).release(c.routed[i] as number);
    c.balancer[i] = -1;
    c.routed[i] = -1;
  }

  /** Servers report CPU and memory to every balancer every reportIntervalMs; in between the views go stale. */
  private readonly onReport = (): void => {
    const now = this.sim.nowMs;
    const intervalMs = this.config.balancer.reportIntervalMs;
    for (const server of this.servers) {
      const busy = server.busyMs(now);
      const load = (busy - (this.lastReportBusyMs[server.id] as number)) / (intervalMs * server.cores);
      this.lastReportBusyMs[server.id] = busy;
      const memoryLoad = server.memoryBytes() / server.spec.memory.limitBytes;
      server.recentLoad = load;
      for (const b of this.balancers) {
        const view = b.views[server.id];
        if (view === undefined) continue;
        view.reportedLoad = load;
        view.reportedMemoryLoad = memoryLoad;
        view.reportedAtMs = now;
      }
    }
    this.sim.after(intervalMs, this.onReport);
  };

  // ---- servers ----

  private readonly onReachServer = (arg: number): void => {
    const i = this.current(arg);
    if (i < 0) return;
    const c = this.clients.c;
    const server = this.servers[c.routed[i] as number] as SimServer;
    if (!server.up) {
      // A dead process on a live host: RST at once, and the balancer answers 503. A silent host: it waits out its connect timeout.
      const waitMs = server.refusesWhileDown ? (c.pathLatencyMs[i] as number) - (c.clientLatencyMs[i] as number) : this.config.balancer.connectTimeoutMs;
      this.sim.after(waitMs + (c.clientLatencyMs[i] as number), this.onFailedReply, arg);
      return;
    }
    if (server.connections + server.handshaking + server.ghosts >= server.spec.maxConnections) {
      this.refuse(server, i, arg, null);
      return;
    }
    const decision = server.admission.admit(this.loadView(server), this.sim.nowMs, this.rng.admission);
    if (decision.kind === 'refuse') {
      this.refuse(server, i, arg, decision.retryAfterMs);
      return;
    }
    const p = server.pickProcess();
    if (p < 0) {
      // EMFILE: accept() fails, the connection waits in the backlog and the client times out.
      this.counters.descriptorsExhausted++;
      return;
    }
    server.accept(this.clients, i, p);
    const cpu = server.processes[p] as CpuQueue;
    const costMs = this.handshakeCost(server, cpu, i);
    const doneMs = cpu.submit(this.sim.nowMs, costMs);
    server.handshakeCpuMs += costMs;
    // FIFO fixes the finish now: work whose answer reaches the client after it gave up is wasted.
    if (doneMs + (c.pathLatencyMs[i] as number) >= (c.attemptStartMs[i] as number) + this.config.clients.connectTimeoutMs) server.wastedCpuMs += costMs;
    this.handshakeWait.record(cpu.lastWaitMs);
    this.sim.at(doneMs, this.onHandshakeDone, arg);
  };

  /** What the server knows about itself, for its admission policy. */
  private loadView(server: SimServer): ServerLoadView {
    return {
      connections: server.connections,
      handshaking: server.handshaking + server.ghosts,
      maxConnections: server.spec.maxConnections,
      cpuLoad: server.recentLoad,
      queuedWork: server.queued(this.sim.nowMs),
      memoryBytes: server.memoryBytes(),
      memoryLimitBytes: server.spec.memory.limitBytes,
    };
  }

  /** A refusal is work too: the process accepts, reads the upgrade and answers 503 with a retry hint. */
  private refuse(server: SimServer, i: number, arg: number, retryAfterMs: number | null): void {
    const c = this.clients.c;
    this.counters.serverRefused++;
    server.refusals++;
    const cost = server.costs.refusal.sample(server.rng);
    server.refusalCpuMs += cost;
    const process = server.processes[server.refusals % server.processes.length] as CpuQueue;
    const answeredMs = process.submit(this.sim.nowMs, cost) + (c.pathLatencyMs[i] as number);
    c.retryAfterMs[i] = retryAfterMs ?? 0;
    this.sim.at(answeredMs, this.onRefusedReply, arg);
  }

  /** Closes established connections above the shedding limit, in the shedder's order, over one interval. */
  private readonly onShedCheck = (s: number): void => {
    const server = this.servers[s] as SimServer;
    const { limit, intervalMs } = server.spec.shedding;
    this.sim.after(intervalMs, this.onShedCheck, s);
    if (!server.up || limit === null || server.connections <= limit) return;
    const c = this.clients.c;
    const views = server
      .heldClients(this.clients)
      .filter((i) => c.established[i] === 1)
      .map((i) => ({ id: i, openedAtMs: c.openedAtMs[i] as number, lastActivityMs: c.lastDataMs[i] as number }));
    const chosen = server.shedder.select(views, server.connections - limit, this.sim.nowMs, this.rng.admission);
    this.counters.shed += chosen.length;
    this.closeSpread(chosen, intervalMs);
  };

  /**
   * CPU for a handshake. With `dropAbandonedHandshakes`, a server that reaches a request whose
   * client already closed the socket (it timed out while queued) skips the work; FIFO fixes the
   * start time now, so whether the client will have left by then is known now too.
   */
  private handshakeCost(server: SimServer, cpu: CpuQueue, i: number): number {
    const full = server.costs.handshake.sample(server.rng) * server.handshakeSlowdown;
    if (!server.spec.dropAbandonedHandshakes) return full;
    const c = this.clients.c;
    const goneMs = (c.attemptStartMs[i] as number) + this.config.clients.connectTimeoutMs + (c.pathLatencyMs[i] as number);
    return cpu.nextStartMs(this.sim.nowMs) >= goneMs ? ABANDONED_CHECK_MS : full;
  }

  /** The server finished a handshake; a client that already gave up made it wasted work. */
  private readonly onHandshakeDone = (arg: number): void => {
    const i = this.current(arg);
    const c = this.clients.c;
    const s = i < 0 ? -1 : (c.server[i] as number);
    if (s < 0 || c.established[i] === 1 || c.state[i] !== ClientState.connecting) {
      this.counters.handshakesWasted++;
      return;
    }
    const server = this.servers[s] as SimServer;
    server.establish(this.clients, i);
    c.openedAtMs[i] = this.sim.nowMs;
    if (server.memoryBytes() > server.spec.memory.limitBytes) {
      this.oom(server);
      return;
    }
    // A long-polling session has no WebSocket heartbeat: the poll cycle and its timeout serve.
    if (c.polling[i] === 1) server.pollSessions++;
    else {
      if (c.hbTimer[i] === -1) c.hbTimer[i] = this.sim.createTimer(this.onHeartbeatTimer, i);
      this.applyHeartbeat(i, this.heartbeat.open(this.sim.nowMs));
    }
    c.lastFrameMs[i] = this.sim.nowMs;
    c.lastDataMs[i] = this.sim.nowMs;
    this.armIdle(i);
    this.pubsub?.open(i, server, c.process[i] as number, c.pathLatencyMs[i] as number, c.polling[i] === 1);
    this.toClient(i, this.onConnectedReply);
  };

  // ---- frames and idle timeouts ----

  /** A data frame either way at `atMs`. */
  noteData(i: number, atMs: number): void {
    const c = this.clients.c;
    if (atMs > (c.lastDataMs[i] as number)) c.lastDataMs[i] = atMs;
    if (atMs > (c.lastFrameMs[i] as number)) c.lastFrameMs[i] = atMs;
  }

  private noteFrame(i: number, atMs: number): void {
    const c = this.clients.c;
    if (atMs > (c.lastFrameMs[i] as number)) c.lastFrameMs[i] = atMs;
  }

  /** When the connection would be closed for idleness if nothing more crossed it. */
  private idleDeadline(i: number): number {
    const c = this.clients.c;
    if (this.polling !== null && c.polling[i] === 1) return this.polling.deadlineMs(i, c.lastFrameMs[i] as number);
    return Math.min((c.lastFrameMs[i] as number) + this.proxyIdleMs, (c.lastDataMs[i] as number) + this.serverIdleMs);
  }

  /** One lazy timer per connection: activity only writes a column, the timer re-arms when it fires early. */
  private armIdle(i: number): void {
    const deadline = this.idleDeadline(i);
    if (deadline === Infinity) return;
    const c = this.clients.c;
    if (c.idleTimer[i] === -1) c.idleTimer[i] = this.sim.createTimer(this.onIdleTimer, i);
    this.sim.setTimer(c.idleTimer[i] as number, deadline);
  }

  private readonly onIdleTimer = (i: number): void => {
    const c = this.clients.c;
    if (c.established[i] !== 1) return;
    const deadline = this.idleDeadline(i);
    if (this.sim.nowMs < deadline) {
      this.sim.setTimer(c.idleTimer[i] as number, deadline);
      return;
    }
    // The proxy's timeout is on any frame; the server's on data only; a long-poll session's on polls.
    if (c.polling[i] === 1 && this.polling !== null) this.polling.counters.sessionTimeouts++;
    else if ((c.lastFrameMs[i] as number) + this.proxyIdleMs <= this.sim.nowMs) this.counters.idleClosedProxy++;
    else this.counters.idleClosedServer++;
    this.serverCloses(i);
  };

  /** A poll reached the session's server at `atMs`. */
  notePoll(i: number, atMs: number): void {
    this.noteFrame(i, atMs);
  }

  /** A poll failed (no server, or "Session ID unknown"): the client gives up the session; its server keeps it for `lingerMs`. */
  pollFailed(i: number, lingerMs: number): void {
    if (this.clients.c.state[i] !== ClientState.connected) return;
    this.counters.drops++;
    this.abandonConnection(i, this.sim.nowMs + lingerMs);
  }

  /** Whether client i long-polls. */
  isPolling(i: number): boolean {
    return this.clients.c.polling[i] === 1;
  }

  /** The backpressure policy closes a slow consumer (WebSocket close 3008). */
  closeSlowConsumer(i: number): void {
    this.counters.slowConsumersClosed++;
    this.serverCloses(i);
  }

  /** After writes to a server's send queues: memory over the limit kills it, as for connections. */
  afterWrites(server: SimServer): void {
    if (!server.up || server.memoryBytes() <= server.spec.memory.limitBytes) return;
    // The running total still holds consumed messages until their connection settles; count exactly first.
    this.pubsub?.settleServer(server);
    if (server.memoryBytes() > server.spec.memory.limitBytes) this.oom(server);
  }

  /** Client i sends a message on `channel`; it reaches its server one path latency later. */
  clientSends(i: number, channel: number, bytes: number): void {
    const c = this.clients.c;
    this.noteData(i, this.sim.nowMs);
    // A partitioned client's frames go nowhere.
    if ((c.partitionedUntilMs[i] as number) > this.sim.nowMs) return;
    const id = this.nextClientMessage++;
    this.clientMessages.set(id, [packConn(i, c.epoch[i] as number), channel, bytes]);
    this.sim.after(c.pathLatencyMs[i] as number, this.onClientMessage, id);
  }

  /** Messages on their way from a client to its server: connection (packed), channel, bytes. */
  private readonly clientMessages = new Map<number, [number, number, number]>();
  private nextClientMessage = 0;

  private readonly onClientMessage = (id: number): void => {
    const message = this.clientMessages.get(id);
    this.clientMessages.delete(id);
    if (message === undefined) return;
    const i = this.current(message[0]);
    if (i < 0 || this.clients.c.established[i] !== 1) return;
    const c = this.clients.c;
    this.pubsub?.fromClient(this.servers[c.server[i] as number] as SimServer, c.process[i] as number, message[1], message[2], c.polling[i] === 1);
  };

  private readonly onHeartbeatTimer = (i: number): void => {
    this.applyHeartbeat(i, this.heartbeat.onTimer(this.clients.c.hbPhase[i] as never, this.sim.nowMs));
  };

  private applyHeartbeat(i: number, step: HeartbeatStep): void {
    const c = this.clients.c;
    c.hbPhase[i] = step.phase;
    if (step.action === 'terminate') {
      this.counters.heartbeatTimeouts++;
      this.toClient(i, this.onClosedReply);
      this.closeAtServer(i);
      return;
    }
    if (step.timerAtMs === Infinity) this.sim.clearTimer(c.hbTimer[i] as number);
    else if (!Number.isNaN(step.timerAtMs)) this.sim.setTimer(c.hbTimer[i] as number, step.timerAtMs);
    if (step.action === 'ping') {
      // The ping leaves when a core has sent it; the pong is back one round trip later.
      this.counters.pings++;
      const server = this.servers[c.server[i] as number] as SimServer;
      const cost = server.costs.ping.sample(server.rng);
      server.heartbeatCpuMs += cost;
      const sentMs = (server.processes[c.process[i] as number] as CpuQueue).submit(this.sim.nowMs, cost);
      this.noteFrame(i, sentMs);
      this.sim.at(sentMs + 2 * (c.pathLatencyMs[i] as number), this.onPongAtServer, packConn(i, c.epoch[i] as number));
    }
  }

  /**
   * A pong reached the server. It counts when a core reads it, which is known now (FIFO):
   * if that is before the heartbeat timer fires, the connection lives on.
   */
  private readonly onPongAtServer = (arg: number): void => {
    const i = this.current(arg);
    const c = this.clients.c;
    if (i < 0 || c.established[i] !== 1 || (c.partitionedUntilMs[i] as number) > this.sim.nowMs) return;
    const server = this.servers[c.server[i] as number] as SimServer;
    const cost = server.costs.pong.sample(server.rng);
    server.heartbeatCpuMs += cost;
    this.counters.pongs++;
    this.noteFrame(i, this.sim.nowMs);
    const readMs = (server.processes[c.process[i] as number] as CpuQueue).submit(this.sim.nowMs, cost);
    const timerMs = this.sim.timerAtMs(c.hbTimer[i] as number);
    if (Number.isNaN(timerMs) || readMs < timerMs) this.applyHeartbeat(i, this.heartbeat.onPong(c.hbPhase[i] as never, readMs));
  };

  /** Removes the connection from its server, stopping its heartbeat; a dead peer's socket keeps its descriptor. */
  private closeAtServer(i: number, keepDescriptor = false): void {
    const c = this.clients.c;
    const server = this.servers[c.server[i] as number] as SimServer;
    if (c.established[i] === 1) {
      this.pubsub?.close(i);
      if (c.polling[i] === 1) {
        this.polling?.close(i);
        if (server.up) server.pollSessions--;
      }
    }
    server.remove(this.clients, i, keepDescriptor);
    if (c.hbTimer[i] !== -1) this.sim.clearTimer(c.hbTimer[i] as number);
    if (c.idleTimer[i] !== -1) this.sim.clearTimer(c.idleTimer[i] as number);
    this.unroute(i);
  }

  /** The process dies: queued work is lost and every connection is reset. */
  crash(server: SimServer, kind = 'crash', hostUp = false): void {
    if (!server.up) return;
    server.kill(this.sim.nowMs);
    server.refusesWhileDown = hostUp;
    if (kind === 'crash') this.log('server:crash', `server ${String(server.id)}`);
    for (const i of server.heldClients(this.clients)) this.serverCloses(i);
  }

  /**
   * Graceful drain: the balancers stop sending new connections (weight 0) and the server closes
   * its connections spread evenly at random over `windowMs`; clients reconnect elsewhere by their backoff.
   */
  drain(server: SimServer, windowMs: number, kind = 'server:drain'): void {
    if (!server.up) return;
    this.log(kind, `server ${String(server.id)}`);
    for (const b of this.balancers) b.setWeight(server.id, 0);
    this.closeSpread(server.heldClients(this.clients), windowMs);
  }

  /** The operator puts a drained server back into rotation. */
  undrain(server: SimServer): void {
    for (const b of this.balancers) b.setWeight(server.id, server.spec.weight);
  }

  /** Closes `count` connections of a server (newest first), spread over `windowMs`, so they reconnect elsewhere. */
  shed(server: SimServer, count: number, windowMs: number): void {
    this.log('server:shed', `server ${String(server.id)}: ${String(count)}`);
    const held = server.heldClients(this.clients).filter((i) => this.clients.c.established[i] === 1);
    this.closeSpread(held.slice(0, count), windowMs);
  }

  /** The server closes each of these connections at a uniformly random moment within `windowMs`. */
  private closeSpread(clients: readonly number[], windowMs: number): void {
    for (const i of clients) {
      this.sim.after(this.rng.drain.next() * windowMs, this.onDrainClose, packConn(i, this.clients.c.epoch[i] as number));
    }
  }

  private readonly onDrainClose = (arg: number): void => {
    const i = this.current(arg);
    if (i < 0 || (this.clients.c.server[i] as number) < 0) return;
    this.counters.drained++;
    this.serverCloses(i);
  };

  /** The server ends a connection: an open one is closed, a handshake in progress fails. */
  serverCloses(i: number): void {
    this.toClient(i, this.clients.c.established[i] === 1 ? this.onClosedReply : this.onFailedReply);
    this.closeAtServer(i);
  }

  /**
   * Cuts a random `share` of the clients off the network for `durationMs`. Their pongs are lost, so
   * server heartbeats close their connections; they notice at the same time (their own heartbeat)
   * and their reconnect attempts time out until the partition heals.
   */
  partition(share: number, durationMs: number, rng: Rng): void {
    const c = this.clients.c;
    const untilMs = this.sim.nowMs + durationMs;
    let cut = 0;
    for (let i = 0; i < this.clients.count; i++) {
      if (c.state[i] === ClientState.gone || rng.next() >= share) continue;
      c.partitionedUntilMs[i] = untilMs;
      cut++;
    }
    this.log('fleet:partition', `${String(cut)} clients for ${String(durationMs)} ms`);
  }

  /** The process stops answering (SIGSTOP, a blocked event loop) for `durationMs`. */
  hang(server: SimServer, durationMs: number): void {
    if (!server.up) return;
    this.log('server:hang', `server ${String(server.id)}`);
    for (const q of server.processes) q.freeze(this.sim.nowMs, this.sim.nowMs + durationMs);
    this.sim.after(durationMs, () => {
      this.log('server:resume', `server ${String(server.id)}`);
    });
  }

  /** Memory over the limit: the kernel kills the process; its supervisor restarts it. */
  private oom(server: SimServer): void {
    this.counters.oomKills++;
    this.log('server:oom', `server ${String(server.id)}`);
    this.crash(server, 'oom');
    this.sim.after(server.spec.restartAfterOomMs, () => {
      this.restart(server);
    });
  }

  restart(server: SimServer, kind = 'server:restart'): void {
    // A spare the autoscaler has not provisioned stays off whatever a fault schedule says.
    if (server.up || !server.provisioned) return;
    server.start(this.sim.nowMs);
    this.log(kind, `server ${String(server.id)}`);
  }
}
