import { compileDistribution, type Distribution, type Rng, type RngStreams } from '../engine/index.js';
import { runEvent } from '../metrics/index.js';
import {
  balancers,
  createBackendView,
  firstCheckOffsetsMs,
  HealthCounter,
  instantiate,
  noteHealth,
  noteReport,
  type Balancer,
  type MutableBackendView,
} from '../strategies/index.js';
import type { BalancerSpec } from './config.js';
import { CpuQueue } from './cpu.js';
import type { BalancerTierPort, Rooms } from './ports.js';
import type { World } from './world.js';

/**
 * One balancer of the tier: its own capacity (maxconn, queue, CPU per connection, source ports
 * per backend), its own health checks, and its own strategy instance deciding from its own view.
 */
export class SimBalancer {
  readonly views: MutableBackendView[];
  readonly cpu: CpuQueue;
  /** Attempts and connections holding a slot here. */
  open = 0;
  /** False while the balancer process is down (balancer-crash): connects to it get a reset. */
  up = true;
  private readonly health: HealthCounter[];
  private readonly strategy: Balancer;
  private readonly cpuCost: Distribution;
  private readonly rng: { pick: Rng; cpu: Rng; network: Rng };
  private readonly waiting: number[] = [];
  private waitingHead = 0;
  private readonly checkTimers: number[];
  private readonly checkSentMs: Float64Array;
  /** With a polling farm: the farm's views and the rest, each with its own strategy instance. */
  private readonly split: { farm: MutableBackendView[]; rest: MutableBackendView[]; farmStrategy: Balancer } | null;

  constructor(
    readonly id: number,
    private readonly world: World,
    private readonly rooms: Rooms,
    private readonly spec: BalancerSpec,
    streams: RngStreams,
  ) {
    this.strategy = instantiate(balancers, spec.strategy, 'balancer.strategy');
    this.cpu = new CpuQueue(spec.cores);
    this.cpuCost = compileDistribution(spec.cpuPerConnectionMs);
    this.rng = { pick: streams.stream('pick'), cpu: streams.stream('cpu'), network: streams.stream('network') };
    this.views = world.servers.map((s) => createBackendView(s.id, s.spec.weight));
    this.health = world.servers.map(() => new HealthCounter(spec.healthCheck));
    this.checkTimers = world.servers.map((s) => world.sim.createTimer(this.onCheck, s.id));
    this.checkSentMs = new Float64Array(world.servers.length);
    const farm = world.config.polling?.farm ?? null;
    this.split =
      farm === null
        ? null
        : {
            farm: this.views.filter((v) => world.servers[v.id]?.group === farm),
            rest: this.views.filter((v) => world.servers[v.id]?.group !== farm),
            farmStrategy: instantiate(balancers, spec.strategy, 'balancer.strategy'),
          };
  }

  /** The backend for client i's request by the strategy (polling clients within their farm, if any), or -1. */
  pick(i: number): number {
    const request = { clientId: i, clientAddress: i };
    const context = { nowMs: this.world.sim.nowMs, rng: this.rng.pick };
    if (this.split === null) return this.strategy.pick(request, this.views, context);
    const polling = this.world.isPolling(i);
    const views = polling ? this.split.farm : this.split.rest;
    const k = (polling ? this.split.farmStrategy : this.strategy).pick(request, views, context);
    return k < 0 ? -1 : (views[k] as MutableBackendView).id;
  }

  /** A long-poll request: balancer CPU, then a pick; returns the backend and when it is forwarded. */
  routeRequest(i: number): { backend: number; atMs: number } {
    const atMs = this.cpu.submit(this.world.sim.nowMs, this.cpuCost.sample(this.rng.cpu));
    return { backend: this.pick(i), atMs };
  }

  /** Starts health checks, spread over the first interval as HAProxy spreads them. */
  start(offsets: Rng): void {
    firstCheckOffsetsMs(offsets, this.spec.healthCheck.intervalMs, this.checkTimers.length).forEach((atMs, s) => {
      this.world.sim.setTimer(this.checkTimers[s] as number, atMs);
    });
  }

  /** An operator's weight change (0 drains: no new connections). */
  setWeight(s: number, weight: number): void {
    (this.views[s] as MutableBackendView).weight = weight;
  }

  /** A server that is not there yet: down in this balancer's view until its checks pass `rise` times. */
  markAbsent(s: number): void {
    (this.health[s] as HealthCounter).markDown();
    (this.views[s] as MutableBackendView).healthy = false;
  }

  /** A client's connection request arrived. */
  readonly receive = (arg: number): void => {
    const i = this.world.current(arg);
    if (i < 0) return;
    if (!this.up) {
      this.rooms.clientSide.replyFailed(i);
      return;
    }
    if (this.open < this.spec.maxConnections) {
      this.admit(i, arg);
    } else if (this.spec.queueTimeoutMs > 0) {
      this.world.clients.c.queued[i] = 1;
      this.waiting.push(arg);
      this.world.sim.after(this.spec.queueTimeoutMs, this.onQueueTimeout, arg);
    } else {
      this.world.counters.balancerRefused++;
      this.rooms.clientSide.replyRefused(i, arg);
    }
  };

  private admit(i: number, arg: number): void {
    this.open++;
    this.world.clients.c.balancer[i] = this.id;
    const doneMs = this.cpu.submit(this.world.sim.nowMs, this.cpuCost.sample(this.rng.cpu));
    this.world.sim.at(doneMs, this.onAccepted, arg);
  }

  /**
   * A connection that was open before the run (warm start): routed as `onAccepted` routes one, with
   * no CPU and no delay. Returns the backend, or -1 when this balancer would not have taken it.
   */
  placeOpen(i: number): number {
    if (this.open >= this.spec.maxConnections) return -1;
    const pick = this.pick(i);
    const view = pick >= 0 ? this.views[pick] : undefined;
    if (view === undefined || view.openConnections >= this.spec.portsPerBackend) return -1;
    this.open++;
    view.openConnections++;
    const c = this.world.clients.c;
    c.balancer[i] = this.id;
    c.routed[i] = pick;
    return pick;
  }

  /** Accepted and parsed: pick a backend and connect upstream. */
  private readonly onAccepted = (arg: number): void => {
    const i = this.world.current(arg);
    if (i < 0 || !this.up) return;
    const pick = this.pick(i);
    const view = pick >= 0 ? this.views[pick] : undefined;
    if (view === undefined || view.openConnections >= this.spec.portsPerBackend) {
      if (view !== undefined) this.world.counters.portsExhausted++;
      this.world.counters.balancerRefused++;
      this.rooms.tier.unroute(i);
      this.rooms.clientSide.replyRefused(i, arg);
      return;
    }
    view.openConnections++;
    this.world.clients.c.routed[i] = pick;
    this.rooms.serverSide.forward(i, arg);
  };

  /** A connection or attempt through this balancer ended; its slot may serve a queued request. */
  release(routed: number): void {
    this.open--;
    if (routed >= 0) (this.views[routed] as MutableBackendView).openConnections--;
    const c = this.world.clients.c;
    while (this.waitingHead < this.waiting.length && this.open < this.spec.maxConnections) {
      const arg = this.waiting[this.waitingHead++] as number;
      const i = this.world.current(arg);
      if (i < 0 || c.queued[i] !== 1) continue;
      c.queued[i] = 0;
      this.admit(i, arg);
    }
    if (this.waitingHead > 1024 && this.waitingHead * 2 > this.waiting.length) {
      this.waiting.splice(0, this.waitingHead);
      this.waitingHead = 0;
    }
  }

  private readonly onQueueTimeout = (arg: number): void => {
    const i = this.world.current(arg);
    if (i < 0 || this.world.clients.c.queued[i] !== 1) return;
    this.world.clients.c.queued[i] = 0;
    this.world.counters.balancerRefused++;
    this.rooms.clientSide.replyRefused(i, arg);
  };

  /** Time for the next check of server `s`: its answer queues behind the server's work like any request. */
  private readonly onCheck = (s: number): void => {
    const world = this.world;
    const sim = world.sim;
    const server = world.servers[s];
    if (server === undefined) return;
    const { timeoutMs, intervalMs } = this.spec.healthCheck;
    sim.setTimer(this.checkTimers[s] as number, sim.nowMs + intervalMs);
    if (!this.up) return;
    if (!server.up) {
      // A refused connect fails the check one round trip later; a silent host at the timeout.
      sim.after(server.refusesWhileDown ? 2 * this.world.backendLatency.sample(this.rng.network) : timeoutMs, this.onCheckResult, s * 2);
      return;
    }
    this.checkSentMs[s] = sim.nowMs;
    sim.after(world.backendLatency.sample(this.rng.network), this.onCheckArrive, s);
  };

  private readonly onCheckArrive = (s: number): void => {
    const world = this.world;
    const sim = world.sim;
    const server = world.servers[s];
    const { timeoutMs } = this.spec.healthCheck;
    const sentMs = this.checkSentMs[s] as number;
    const remainingMs = sentMs + timeoutMs - sim.nowMs;
    if (server === undefined || !server.up) {
      sim.after(Math.max(0, remainingMs), this.onCheckResult, s * 2);
      return;
    }
    // A TCP check is answered by the kernel; an HTTP check waits for the process's event loop.
    const process = server.processes[Math.floor(this.rng.network.next() * server.processes.length)] as CpuQueue;
    const servedMs = this.spec.healthCheck.mode === 'http' ? process.submit(sim.nowMs, server.costs.healthCheck.sample(server.rng)) : sim.nowMs;
    const answeredMs = servedMs + world.backendLatency.sample(this.rng.network);
    const responseMs = answeredMs - sentMs;
    const passed = responseMs <= timeoutMs;
    if (passed) (this.views[s] as MutableBackendView).reportedLatencyMs = responseMs;
    sim.at(Math.max(sim.nowMs, sentMs + Math.min(responseMs, timeoutMs)), this.onCheckResult, s * 2 + (passed ? 1 : 0));
  };

  private readonly onCheckResult = (arg: number): void => {
    const s = Math.floor(arg / 2);
    const server = this.world.servers[s];
    const state = this.health[s] as HealthCounter;
    if (server === undefined || !state.record(arg % 2 === 1 && server.up)) return;
    const view = this.views[s] as MutableBackendView;
    const now = this.world.sim.nowMs;
    noteHealth(view, state.healthy, now);
    this.world.record(runEvent.balancerMark(now, state.healthy, s, this.id));
    this.world.decisions?.record({ kind: 'health', atMs: now, balancer: this.id, server: s, healthy: state.healthy });
  };
}

/** The balancer tier: every balancer, the slots they hold, and the load reports they receive. */
export class BalancerTier implements BalancerTierPort {
  readonly list: SimBalancer[];

  constructor(
    private readonly world: World,
    rooms: Rooms,
    spec: BalancerSpec,
    streams: RngStreams,
  ) {
    this.list = Array.from({ length: spec.count }, (_, id) => new SimBalancer(id, world, rooms, spec, streams.fork(String(id))));
  }

  /** Starts every balancer's health checks, offsets drawn from one stream in balancer order. */
  start(offsets: Rng): void {
    for (const b of this.list) b.start(offsets);
  }

  unroute(i: number): void {
    const c = this.world.clients.c;
    const b = c.balancer[i] as number;
    if (b < 0) return;
    (this.list[b] as SimBalancer).release(c.routed[i] as number);
    c.balancer[i] = -1;
    c.routed[i] = -1;
  }

  report(server: number, load: number, memoryLoad: number, nowMs: number): void {
    for (const b of this.list) {
      const view = b.views[server];
      if (view === undefined) continue;
      noteReport(view, load, memoryLoad, nowMs);
    }
  }
}
