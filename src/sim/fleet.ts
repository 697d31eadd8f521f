import { compileDistribution, RngStreams, Simulation, type Distribution, type Rng } from '../engine/index.js';
import {
  backoffs,
  balancers,
  heartbeats,
  instantiate,
  type Backoff,
  type Balancer,
  type Heartbeat,
  type HeartbeatStep,
} from '../strategies/index.js';
import { LatencyRecorder, TimeWeighted, type RunEvent } from '../metrics/index.js';
import type { SimConfig } from './config.js';
import { ClientState, ClientTable, connClient, connEpoch, packConn } from './clients.js';
import { SimServer } from './server.js';
import { createArrivals, type ArrivalProcess } from './arrivals.js';
import { HealthState } from './health.js';
import { Counters } from './counters.js';

interface MutableBackendView {
  id: number;
  weight: number;
  healthy: boolean;
  openConnections: number;
  reportedLoad: number;
  reportedMemoryLoad: number;
  reportedLatencyMs: number;
  reportedAtMs: number;
  healthySinceMs: number;
}

/**
 * The fleet model: clients → balancer → servers, in virtual time.
 *
 * Every message is an event after a network delay; every server-side action that costs CPU
 * queues on the server's cores, so a saturated server answers pongs late and its healthy
 * clients time out and reconnect, adding handshakes: the storm feeds itself.
 */
export class Fleet {
  readonly sim = new Simulation();
  readonly clients = new ClientTable();
  readonly servers: SimServer[];
  readonly counters = new Counters();
  readonly connectLatency = new LatencyRecorder();
  readonly handshakeWait = new LatencyRecorder();
  readonly connected = new TimeWeighted();
  readonly present = new TimeWeighted();
  readonly events: RunEvent[] = [];
  readonly backends: MutableBackendView[];
  readonly health: HealthState[];

  private readonly balancer: Balancer;
  private readonly heartbeat: Heartbeat;
  private readonly backoff: Backoff;
  private readonly arrivals: ArrivalProcess;
  private readonly rng: { balancer: Rng; backoff: Rng; network: Rng; sessions: Rng };
  private readonly clientLatency: Distribution;
  private readonly backendLatency: Distribution;
  private readonly session: Distribution | null;
  private readonly costs: { handshake: Distribution; ping: Distribution; pong: Distribution };
  private readonly serverRng: Rng[];

  constructor(readonly config: SimConfig) {
    const streams = new RngStreams(config.seed);
    this.rng = {
      balancer: streams.stream('balancer'),
      backoff: streams.stream('backoff'),
      network: streams.stream('network'),
      sessions: streams.stream('sessions'),
    };
    this.balancer = instantiate(balancers, config.balancer, 'balancer');
    this.heartbeat = instantiate(heartbeats, config.heartbeat, 'heartbeat');
    this.backoff = instantiate(backoffs, config.reconnect, 'reconnect');
    this.arrivals = createArrivals(config.clients.arrivals, streams.stream('arrivals'));
    this.clientLatency = compileDistribution(config.network.clientLatencyMs);
    this.backendLatency = compileDistribution(config.network.backendLatencyMs);
    this.session = config.clients.sessionMs === null ? null : compileDistribution(config.clients.sessionMs);
    const { spec } = config.servers;
    this.costs = {
      handshake: compileDistribution(spec.handshakeCostMs),
      ping: compileDistribution(spec.pingCostMs),
      pong: compileDistribution(spec.pongCostMs),
    };
    const cpuStreams = streams.fork('cpu');
    this.serverRng = Array.from({ length: config.servers.count }, (_, id) => cpuStreams.stream(`server-${String(id)}`));
    this.servers = Array.from({ length: config.servers.count }, (_, id) => new SimServer(id, spec.cores));
    this.backends = this.servers.map((s) => ({
      id: s.id,
      weight: config.servers.spec.weight,
      healthy: true,
      openConnections: 0,
      reportedLoad: 0,
      reportedMemoryLoad: 0,
      reportedLatencyMs: 0,
      reportedAtMs: 0,
      healthySinceMs: 0,
    }));
    this.health = this.servers.map(() => new HealthState(config.healthCheck));
  }

  /** Schedules arrivals, health checks and faults; the runner drives the clock. */
  start(): void {
    this.scheduleNextArrival();
    const check = this.sim.createTimer(this.onHealthCheck);
    this.sim.setTimer(check, this.config.healthCheck.intervalMs);
  }

  /** Clients in each state, kept as transitions happen. */
  readonly inState = new Int32Array(8);

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

  private scheduleNextArrival(): void {
    const atMs = this.arrivals.next(this.sim.nowMs);
    if (atMs < this.config.durationMs) this.sim.at(atMs, this.onArrival);
  }

  private readonly onArrival = (): void => {
    const i = this.clients.add();
    const c = this.clients.c;
    c.sessionMs[i] = this.session === null ? Infinity : this.session.sample(this.rng.sessions);
    c.deadlineMs[i] = Infinity;
    c.clientLatencyMs[i] = this.clientLatency.sample(this.rng.network);
    c.timer[i] = this.sim.createTimer(this.onClientTimer, i);
    this.present.add(this.sim.nowMs, 1);
    this.counters.arrivals++;
    this.startAttempt(i);
    this.scheduleNextArrival();
  };

  private startAttempt(i: number): void {
    const c = this.clients.c;
    const epoch = (c.epoch[i] as number) + 1;
    c.epoch[i] = epoch;
    this.setState(i, ClientState.connecting);
    c.attemptStartMs[i] = this.sim.nowMs;
    c.attemptsTotal[i] = (c.attemptsTotal[i] as number) + 1;
    this.counters.attempts++;
    this.armClientTimer(i, this.sim.nowMs + this.config.clients.connectTimeoutMs);
    this.sim.after(c.clientLatencyMs[i] as number, this.onReachBalancer, packConn(i, epoch));
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
  };

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
    this.present.add(now, -1);
    this.counters.departures++;
  }

  /** After a drop, refusal or failure: wait by the backoff strategy, or give up. */
  private retryLater(i: number): void {
    const c = this.clients.c;
    this.unroute(i);
    const retry = (c.retry[i] as number) + 1;
    c.retry[i] = retry;
    const delayMs = this.backoff.next(retry, c.prevDelayMs[i] as number, this.rng.backoff);
    if (delayMs === null) {
      this.setState(i, ClientState.gaveUp);
      this.sim.clearTimer(c.timer[i] as number);
      this.counters.gaveUp++;
      return;
    }
    c.prevDelayMs[i] = delayMs;
    this.setState(i, ClientState.waiting);
    this.armClientTimer(i, this.sim.nowMs + delayMs);
  }

  /** Reply to the client that its attempt is current; false for a stale event. */
  private current(arg: number): number {
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
    this.connectLatency.record(now - (c.attemptStartMs[i] as number));
    this.connected.add(now, 1);
    if (c.deadlineMs[i] === Infinity) c.deadlineMs[i] = now + (c.sessionMs[i] as number);
    if (c.deadlineMs[i] === Infinity) this.sim.clearTimer(c.timer[i] as number);
    else this.armClientTimer(i, Infinity);
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

  private readonly onPingAtClient = (arg: number): void => {
    const i = this.current(arg);
    if (i < 0) return;
    this.sim.after(this.clients.c.pathLatencyMs[i] as number, this.onPongAtServer, arg);
  };

  /** Sends `handler(arg)` to the client over its current path. */
  private toClient(i: number, handler: (arg: number) => void): void {
    const c = this.clients.c;
    this.sim.after(c.pathLatencyMs[i] as number, handler, packConn(i, c.epoch[i] as number));
  }

  // ---- balancer ----

  private readonly onReachBalancer = (arg: number): void => {
    const i = this.current(arg);
    if (i < 0) return;
    const c = this.clients.c;
    const pick = this.balancer.pick({ clientId: i, clientAddress: i }, this.backends, { nowMs: this.sim.nowMs, rng: this.rng.balancer });
    if (pick < 0) {
      this.counters.balancerRefused++;
      this.sim.after(c.clientLatencyMs[i] as number, this.onRefusedReply, arg);
      return;
    }
    c.routed[i] = pick;
    (this.backends[pick] as MutableBackendView).openConnections++;
    const backendMs = this.backendLatency.sample(this.rng.network);
    c.pathLatencyMs[i] = (c.clientLatencyMs[i] as number) + backendMs;
    this.sim.after(backendMs, this.onReachServer, arg);
  };

  private unroute(i: number): void {
    const c = this.clients.c;
    const routed = c.routed[i] as number;
    if (routed < 0) return;
    (this.backends[routed] as MutableBackendView).openConnections--;
    c.routed[i] = -1;
  }

  private readonly onHealthCheck = (): void => {
    for (const server of this.servers) {
      const state = this.health[server.id] as HealthState;
      if (!state.record(server.up)) continue;
      (this.backends[server.id] as MutableBackendView).healthy = state.healthy;
      this.log(state.healthy ? 'balancer:mark-up' : 'balancer:mark-down', `server ${String(server.id)}`);
    }
    this.sim.after(this.config.healthCheck.intervalMs, this.onHealthCheck);
  };

  // ---- servers ----

  private readonly onReachServer = (arg: number): void => {
    const i = this.current(arg);
    if (i < 0) return;
    const c = this.clients.c;
    const server = this.servers[c.routed[i] as number] as SimServer;
    if (!server.up) {
      this.sim.after(c.pathLatencyMs[i] as number, this.onFailedReply, arg);
      return;
    }
    if (server.connections + server.handshaking >= this.config.servers.spec.maxConnections) {
      this.counters.serverRefused++;
      this.sim.after(c.pathLatencyMs[i] as number, this.onRefusedReply, arg);
      return;
    }
    server.accept(this.clients, i);
    const cost = this.costs.handshake.sample(this.serverRng[server.id] as Rng);
    const doneMs = server.cpu.submit(this.sim.nowMs, cost);
    this.handshakeWait.record(server.cpu.lastWaitMs);
    this.sim.at(doneMs, this.onHandshakeDone, arg);
  };

  /** The server finished a handshake; a client that already gave up made it wasted work. */
  private readonly onHandshakeDone = (arg: number): void => {
    const i = this.current(arg);
    const c = this.clients.c;
    const s = i < 0 ? -1 : (c.server[i] as number);
    if (s < 0 || c.established[i] === 1 || c.state[i] !== ClientState.connecting) {
      this.counters.handshakesWasted++;
      return;
    }
    (this.servers[s] as SimServer).establish(this.clients, i);
    if (c.hbTimer[i] === -1) c.hbTimer[i] = this.sim.createTimer(this.onHeartbeatTimer, i);
    this.applyHeartbeat(i, this.heartbeat.open(this.sim.nowMs));
    this.toClient(i, this.onConnectedReply);
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
      const s = c.server[i] as number;
      const sentMs = (this.servers[s] as SimServer).cpu.submit(this.sim.nowMs, this.costs.ping.sample(this.serverRng[s] as Rng));
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
    if (i < 0 || c.established[i] !== 1) return;
    const s = c.server[i] as number;
    const readMs = (this.servers[s] as SimServer).cpu.submit(this.sim.nowMs, this.costs.pong.sample(this.serverRng[s] as Rng));
    const timerMs = this.sim.timerAtMs(c.hbTimer[i] as number);
    if (Number.isNaN(timerMs) || readMs < timerMs) this.applyHeartbeat(i, this.heartbeat.onPong(c.hbPhase[i] as never, readMs));
  };

  /** Removes the connection from its server, stopping its heartbeat. */
  private closeAtServer(i: number): void {
    const c = this.clients.c;
    (this.servers[c.server[i] as number] as SimServer).remove(this.clients, i);
    this.sim.clearTimer(c.hbTimer[i] as number);
    this.unroute(i);
  }

  /** The process dies: queued work is lost and every connection is reset. */
  crash(server: SimServer): void {
    if (!server.up) return;
    server.up = false;
    this.log('server:crash', `server ${String(server.id)}`);
    server.cpu.reset(this.sim.nowMs);
    for (const i of server.heldClients(this.clients)) {
      // An open connection is reset; a handshake in progress fails.
      this.toClient(i, this.clients.c.established[i] === 1 ? this.onClosedReply : this.onFailedReply);
      this.closeAtServer(i);
    }
  }

  restart(server: SimServer): void {
    if (server.up) return;
    server.up = true;
    this.log('server:restart', `server ${String(server.id)}`);
  }
}
