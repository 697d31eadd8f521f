import { compileDistribution, createArrivals, type ArrivalProcess, type Distribution, type RngStreams } from '../engine/index.js';
import { backoffs, CONNECTED, initialDelayMs, instantiate, nextFlapAtMs, nextReconnect, type Backoff } from '../strategies/index.js';
import type { ArrivalSpec } from './config.js';
import { ClientState, packConn } from './clients.js';
import { BrowserTabs } from './browser-tabs.js';
import { ClientMachines } from './client-cpu.js';
import type { SimBalancer } from './balancer.js';
import type { SimServer } from './server.js';
import type { ClientSidePort, Rooms } from './ports.js';
import type { World } from './world.js';

/**
 * The client side, as real mode's swarm: clients arrive, connect through a balancer picked by
 * DNS, wait out their backoff after a refusal, a failure or a drop, flap on bad networks, send
 * their messages, and leave when their session ends.
 */
export class ClientSide implements ClientSidePort {
  private readonly backoff: Backoff;
  private readonly arrivals: ArrivalProcess[] = [];
  private readonly arrivalStreams: RngStreams;
  private readonly clientLatency: Distribution;
  private readonly session: Distribution | null;
  /** Messages on their way from a client to its server: connection (packed), channel, bytes. */
  private readonly clientMessages = new Map<number, [number, number, number]>();
  private nextClientMessage = 0;
  /** The client machines and their run queues (`clients.cpu`); null: clients cost nothing. */
  readonly machines: ClientMachines | null;
  /** Users' browsers and their per-host connection pools (`clients.browser`); null: each arrival is one client. */
  readonly browser: BrowserTabs | null;

  constructor(
    private readonly world: World,
    private readonly rooms: Rooms,
    private readonly balancers: readonly SimBalancer[],
  ) {
    const { config, streams } = world;
    this.backoff = instantiate(backoffs, config.reconnect, 'reconnect');
    this.arrivalStreams = streams.fork('arrivals');
    this.arrivals.push(createArrivals(config.clients.arrivals, streams.stream('arrivals')));
    this.clientLatency = compileDistribution(config.network.clientLatencyMs);
    this.session = config.clients.sessionMs === null ? null : compileDistribution(config.clients.sessionMs);
    const cpu = config.clients.cpu ?? null;
    this.machines = cpu === null ? null : new ClientMachines(cpu, streams);
    const browser = config.clients.browser ?? null;
    this.browser = browser === null ? null : new BrowserTabs(world, browser);
    this.readsCost = this.machines?.receiveCosts ?? false;
  }

  readonly readsCost: boolean;

  readFrame(i: number, arrivalMs: number): number {
    return this.machines === null ? arrivalMs : this.machines.receive(i, arrivalMs, this.world.sim.nowMs);
  }

  start(): void {
    this.warmStart(this.world.config.clients.initial ?? 0);
    this.scheduleNextArrival(0);
  }

  /**
   * Clients already connected when the run starts: each is placed by a balancer picked as DNS
   * picks, with no handshake, and its heartbeat at a uniformly random phase (the 'warm-start'
   * stream), so a steady fleet's pings are spread as they are in a fleet that has been up for a
   * while. Sessions run from t = 0. One the balancer or its server would not have taken connects
   * as an arrival does.
   */
  private warmStart(count: number): void {
    const phases = this.world.streams.stream('warm-start');
    for (let k = 0; k < count; k++) for (const i of this.arrive()) this.warmOne(i, phases.next());
  }

  /** Client i connected at t = 0 with its heartbeat at `phase`, or connecting now if it would not have been taken. */
  private warmOne(i: number, phase: number): void {
    const c = this.world.clients.c;
    c.epoch[i] = (c.epoch[i] as number) + 1;
    c.attemptStartMs[i] = 0;
    this.setState(i, ClientState.connecting);
    const balancer = this.balancers[Math.floor(this.world.rng.dns.next() * this.balancers.length)] as SimBalancer;
    if (balancer.placeOpen(i) >= 0 && this.rooms.serverSide.establishOpen(i, phase)) this.connected(i);
    else {
      this.rooms.tier.unroute(i);
      this.startAttempt(i);
    }
  }

  /** At the end of the run: every client still here settles what it consumed (finish does); the rest is in flight. */
  finishMessages(): void {
    const pubsub = this.rooms.pubsub;
    if (pubsub === null) return;
    const c = this.world.clients.c;
    for (let i = 0; i < this.world.clients.count; i++) {
      const state = c.state[i];
      if (state === ClientState.gone) continue;
      pubsub.finish(i, state === ClientState.connected ? 'connected' : state === ClientState.gaveUp ? 'gave-up' : 'disconnected');
    }
  }

  private setState(i: number, state: number): void {
    const { clients, inState } = this.world;
    const was = clients.c.state[i] as number;
    inState[was] = (inState[was] as number) - 1;
    inState[state] = (inState[state] as number) + 1;
    clients.c.state[i] = state;
  }

  // ---- arrivals ----

  addArrivals(spec: ArrivalSpec): void {
    const k = this.arrivals.length;
    this.arrivals.push(createArrivals(spec, this.arrivalStreams.stream(String(k))));
    this.scheduleNextArrival(k);
  }

  private scheduleNextArrival(k: number): void {
    const { sim, config } = this.world;
    const atMs = (this.arrivals[k] as ArrivalProcess).next(sim.nowMs);
    if (atMs < config.durationMs) sim.at(atMs, this.onArrival, k);
  }

  /**
   * The clients of one arrival: one, or a user's tabs (`clients.browser`; one client for all of them
   * when they share a connection). Tabs share their user's network and transport.
   */
  private arrive(): number[] {
    const browser = this.browser;
    if (browser === null) return [this.newClient()];
    const user = browser.newUser();
    const tabs: number[] = [];
    for (let k = 0; k < browser.clientsPerUser; k++) {
      const i = this.newClient(tabs[0] ?? -1);
      browser.addTab(i, user);
      tabs.push(i);
    }
    return tabs;
  }

  /** A new client: its session, latency, timer, subscriptions and transport (drawn, or those of client `like`); present from now. */
  private newClient(like = -1): number {
    const { clients, sim, rng } = this.world;
    const rooms = this.rooms;
    const i = clients.add();
    const c = clients.c;
    c.sessionMs[i] = this.session === null ? Infinity : this.session.sample(rng.sessions);
    c.deadlineMs[i] = Infinity;
    c.clientLatencyMs[i] = like >= 0 ? (c.clientLatencyMs[like] as number) : this.clientLatency.sample(rng.network);
    c.timer[i] = sim.createTimer(this.onClientTimer, i);
    rooms.pubsub?.addClient(i);
    c.polling[i] = rooms.polling?.assign(i, like) === true ? 1 : 0;
    this.world.present.add(sim.nowMs, 1);
    this.world.counters.arrivals++;
    return i;
  }

  private readonly onArrival = (k: number): void => {
    const { sim, rng } = this.world;
    for (const i of this.arrive()) {
      // A first connect spread by a random initial delay (0: at once).
      const spreadMs = initialDelayMs(this.world.config.clients.initialSpreadMs, rng.backoff);
      if (spreadMs > 0) {
        this.setState(i, ClientState.waiting);
        this.armClientTimer(i, sim.nowMs + spreadMs);
      } else {
        this.startAttempt(i);
      }
    }
    this.scheduleNextArrival(k);
  };

  // ---- attempts ----

  private startAttempt(i: number): void {
    const { clients, sim, counters, config, rng } = this.world;
    const c = clients.c;
    const epoch = (c.epoch[i] as number) + 1;
    c.epoch[i] = epoch;
    this.setState(i, ClientState.connecting);
    c.attemptStartMs[i] = sim.nowMs;
    c.attemptsTotal[i] = (c.attemptsTotal[i] as number) + 1;
    counters.attempts++;
    c.queued[i] = 0;
    this.armClientTimer(i, sim.nowMs + config.clients.connectTimeoutMs);
    const balancer = this.balancers[Math.floor(rng.dns.next() * this.balancers.length)] as SimBalancer;
    // A partitioned client's SYN goes nowhere; its connect timeout will fire.
    if ((c.partitionedUntilMs[i] as number) > sim.nowMs) return;
    // A long-polling tab's session opens with an HTTP request, which needs one of its user's per-host connections.
    if (this.browser !== null && c.polling[i] === 1) this.browser.request(i, packConn(i, epoch), () => { this.sendAttempt(i, balancer, epoch); });
    else this.sendAttempt(i, balancer, epoch);
  }

  /** The connect request leaves; with client CPU, when the client machine has done the attempt's work. */
  private sendAttempt(i: number, balancer: SimBalancer, epoch: number): void {
    const { clients, sim } = this.world;
    const latencyMs = clients.c.clientLatencyMs[i] as number;
    if (this.machines === null) sim.after(latencyMs, balancer.receive, packConn(i, epoch));
    else sim.at(this.machines.connect(i, sim.nowMs) + latencyMs, balancer.receive, packConn(i, epoch));
  }

  /** Arms the client's one timer, never past its departure. */
  private armClientTimer(i: number, atMs: number): void {
    const c = this.world.clients.c;
    this.world.sim.setTimer(c.timer[i] as number, Math.min(atMs, c.deadlineMs[i] as number));
  }

  private readonly onClientTimer = (i: number): void => {
    const c = this.world.clients.c;
    if (this.world.sim.nowMs >= (c.deadlineMs[i] as number)) this.depart(i);
    else if (c.state[i] === ClientState.connecting) this.abandonAttempt(i);
    else if (c.state[i] === ClientState.waiting) this.startAttempt(i);
    else if (c.state[i] === ClientState.connected) this.flap(i);
  };

  /**
   * The server stops until `untilMs` and sends no pings: each of its clients gives its connection up
   * when its watchdog sees no ping for the heartbeat's detection span (as an Engine.IO client does,
   * and real mode's swarm), if that comes before the server resumes. The clients' watchdogs are
   * armed only here, the one case where pings stop while both ends stay up.
   */
  watchStoppedServer(server: SimServer, untilMs: number): void {
    const { clients, sim } = this.world;
    const limitMs = this.rooms.timers.silenceLimitMs;
    if (!Number.isFinite(limitMs)) return;
    const c = clients.c;
    for (const i of server.heldClients(clients)) {
      if (c.established[i] !== 1 || c.polling[i] === 1 || c.state[i] !== ClientState.connected) continue;
      const atMs = Math.max(sim.nowMs, (c.lastPingMs[i] as number) + limitMs);
      if (atMs < untilMs) sim.at(atMs, this.onWatchdog, packConn(i, c.epoch[i] as number));
    }
  }

  private readonly onWatchdog = (arg: number): void => {
    const i = this.world.current(arg);
    if (i < 0) return;
    const c = this.world.clients.c;
    const now = this.world.sim.nowMs;
    if (c.state[i] !== ClientState.connected || (c.lastPingMs[i] as number) + this.rooms.timers.silenceLimitMs > now) return;
    const server = this.world.serverOf(i);
    this.world.counters.clientTimeouts++;
    this.world.counters.drops++;
    // The client closes its socket; the stopped server reads the FIN when it resumes.
    this.abandonConnection(i, Math.max(now, server.frozenUntilMs));
  };

  /** The client's network drops (a mobile handover, a tunnel): its connection is gone and it reconnects. */
  private flap(i: number): void {
    this.world.counters.flaps++;
    this.abandonConnection(i, this.rooms.timers.deadPeerDetectedAt(i));
  }

  /**
   * The client loses its connection without the server knowing (a network drop, or a long-poll session it
   * gave up on): the server holds it until `deadAtMs`, and the client reconnects by its backoff.
   */
  private abandonConnection(i: number, deadAtMs: number): void {
    const c = this.world.clients.c;
    this.world.connected.add(this.world.sim.nowMs, -1);
    if ((c.server[i] as number) >= 0) {
      if (c.polling[i] === 0) this.world.decisions?.record({ kind: 'heartbeat-close', atMs: deadAtMs, server: c.server[i] as number, client: i, attempt: c.attemptsTotal[i] as number });
      this.rooms.serverSide.holdDeadPeer(i, deadAtMs);
    }
    c.epoch[i] = (c.epoch[i] as number) + 1;
    this.retryLater(i);
  }

  /** Connect timeout: the client closes its socket and backs off. */
  private abandonAttempt(i: number): void {
    const { clients, counters } = this.world;
    const c = clients.c;
    c.epoch[i] = (c.epoch[i] as number) + 1;
    if ((c.server[i] as number) >= 0) this.rooms.serverSide.closeAtServer(i);
    counters.timeouts++;
    counters.failed++;
    this.retryLater(i);
  }

  private depart(i: number): void {
    const { clients, sim, counters } = this.world;
    const c = clients.c;
    const now = sim.nowMs;
    if (c.state[i] === ClientState.connected) this.world.connected.add(now, -1);
    if ((c.server[i] as number) >= 0) this.rooms.serverSide.closeAtServer(i);
    this.rooms.tier.unroute(i);
    c.epoch[i] = (c.epoch[i] as number) + 1;
    this.setState(i, ClientState.gone);
    this.browser?.abort(i);
    sim.releaseTimer(c.timer[i] as number);
    c.timer[i] = -1;
    this.rooms.timers.release(i);
    this.rooms.pubsub?.finish(i, 'connected');
    this.world.present.add(now, -1);
    counters.departures++;
  }

  /** After a drop, refusal or failure: wait by the backoff strategy, or give up. */
  private retryLater(i: number): void {
    const { clients, sim, counters, rng } = this.world;
    const c = clients.c;
    this.rooms.tier.unroute(i);
    // The tab's requests end with its session (or its attempt): the connections they held are free.
    this.browser?.abort(i);
    const hintMs = c.retryAfterMs[i] as number;
    c.retryAfterMs[i] = 0;
    const step = nextReconnect(this.backoff, { retry: c.retry[i] as number, prevDelayMs: c.prevDelayMs[i] as number }, hintMs, rng.backoff);
    c.retry[i] = step.state.retry;
    const delayMs = step.kind === 'wait' ? step.delayMs : null;
    this.world.decisions?.record({ kind: 'backoff', atMs: sim.nowMs, client: i, retry: step.state.retry, delayMs });
    if (delayMs === null) {
      this.setState(i, ClientState.gaveUp);
      // A client that had a session still leaves when it ends; one that never connected stays, unserved.
      if (c.deadlineMs[i] === Infinity) sim.clearTimer(c.timer[i] as number);
      else this.armClientTimer(i, Infinity);
      counters.gaveUp++;
      return;
    }
    c.prevDelayMs[i] = delayMs;
    this.setState(i, ClientState.waiting);
    this.armClientTimer(i, sim.nowMs + delayMs);
  }

  // ---- answers that reach the client ----

  readonly onConnectedReply = (arg: number): void => {
    const { clients, sim, counters } = this.world;
    const i = this.world.current(arg);
    if (i < 0 || clients.c.state[i] !== ClientState.connecting) return;
    const c = clients.c;
    counters.succeeded++;
    // A long-polling tab's open request has its answer: its connection is free for the first poll.
    if (c.polling[i] === 1) this.browser?.done(i);
    if ((c.lastServer[i] as number) >= 0 && c.lastServer[i] !== c.server[i]) counters.moved++;
    this.world.connectLatency.record(sim.nowMs - (c.attemptStartMs[i] as number));
    this.connected(i);
  };

  /** Client i is connected from now: its retry state resets, its session and flaps are timed. */
  private connected(i: number): void {
    const { clients, sim } = this.world;
    const c = clients.c;
    const now = sim.nowMs;
    this.setState(i, ClientState.connected);
    c.retry[i] = CONNECTED.retry;
    c.prevDelayMs[i] = CONNECTED.prevDelayMs;
    c.lastServer[i] = c.server[i] as number;
    this.world.connected.add(now, 1);
    if (c.deadlineMs[i] === Infinity) c.deadlineMs[i] = now + (c.sessionMs[i] as number);
    const flapMs = nextFlapAtMs(now, this.world.config.clients.flapsPerHour, this.world.rng.flaps);
    if (Math.min(flapMs, c.deadlineMs[i] as number) === Infinity) sim.clearTimer(c.timer[i] as number);
    else this.armClientTimer(i, flapMs);
    if (c.polling[i] === 1) this.rooms.polling?.start(i);
  }

  readonly onRefusedReply = (arg: number): void => {
    const i = this.world.current(arg);
    if (i < 0 || this.world.clients.c.state[i] !== ClientState.connecting) return;
    this.world.counters.refused++;
    this.retryLater(i);
  };

  readonly onFailedReply = (arg: number): void => {
    const i = this.world.current(arg);
    if (i < 0 || this.world.clients.c.state[i] !== ClientState.connecting) return;
    this.world.counters.failed++;
    this.retryLater(i);
  };

  /** The server closed the connection (crash, heartbeat timeout); the client finds out now. */
  readonly onClosedReply = (arg: number): void => {
    const i = this.world.current(arg);
    if (i < 0) return;
    const c = this.world.clients.c;
    if (c.state[i] === ClientState.connected) {
      this.world.connected.add(this.world.sim.nowMs, -1);
      this.world.counters.drops++;
    } else if (c.state[i] !== ClientState.connecting) return;
    c.epoch[i] = (c.epoch[i] as number) + 1;
    this.retryLater(i);
  };

  /** The client's connect is reset by the balancer (its process is down); the client learns one client latency later. */
  replyFailed(i: number): void {
    const c = this.world.clients.c;
    this.world.sim.after(c.clientLatencyMs[i] as number, this.onFailedReply, packConn(i, c.epoch[i] as number));
  }

  replyRefused(i: number, arg: number): void {
    this.world.sim.after(this.world.clients.c.clientLatencyMs[i] as number, this.onRefusedReply, arg);
  }

  pollFailed(i: number, lingerMs: number): void {
    if (this.world.clients.c.state[i] !== ClientState.connected) return;
    this.world.counters.drops++;
    this.abandonConnection(i, this.world.sim.nowMs + lingerMs);
  }

  // ---- messages the client sends ----

  clientSends(i: number, channel: number, bytes: number): void {
    const { clients, sim } = this.world;
    const c = clients.c;
    this.rooms.timers.noteData(i, sim.nowMs);
    // A partitioned client's frames go nowhere, nor do those on a dead connection.
    if ((c.partitionedUntilMs[i] as number) > sim.nowMs || c.severed[i] === 1) return;
    const id = this.nextClientMessage++;
    const conn = packConn(i, c.epoch[i] as number);
    if (this.browser === null || c.polling[i] !== 1) {
      this.clientMessages.set(id, [conn, channel, bytes]);
      sim.after(c.pathLatencyMs[i] as number, this.onClientMessage, id);
      return;
    }
    // A long-polling tab sends with an HTTP POST, which needs one of its user's per-host connections until its answer is back.
    this.browser.request(i, conn, () => {
      const pathMs = this.world.clients.c.pathLatencyMs[i] as number;
      this.clientMessages.set(id, [conn, channel, bytes]);
      sim.after(pathMs, this.onClientMessage, id);
      sim.after(2 * pathMs, this.onPostAnswered, conn);
    });
  }

  private readonly onPostAnswered = (conn: number): void => {
    const i = this.world.current(conn);
    if (i >= 0) this.browser?.done(i);
  };

  private readonly onClientMessage = (id: number): void => {
    const message = this.clientMessages.get(id);
    this.clientMessages.delete(id);
    if (message === undefined) return;
    const i = this.world.current(message[0]);
    const c = this.world.clients.c;
    if (i < 0 || c.established[i] !== 1) return;
    this.rooms.broker?.fromClient(this.world.serverOf(i), c.process[i] as number, message[1], message[2], c.polling[i] === 1);
  };
}
