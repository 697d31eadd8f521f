import type { ServerLoadView } from '../strategies/index.js';
import { ClientState, packConn } from './clients.js';
import type { CpuQueue } from './cpu.js';
import type { Handler, Rooms, ServerSidePort } from './ports.js';
import type { SimServer } from './server.js';
import type { UpgradeBacklog } from './upgrade-backlog.js';
import type { World } from './world.js';

/** Event arguments of a dead-peer detection: server id in the low bits, incarnation and process above. */
const DEAD_PEER_SERVER_SPACE = 2 ** 20;
const MAX_PROCESSES = 256;

/** CPU to notice that a queued request's socket is already closed, and drop it. */
const ABANDONED_CHECK_MS = 0.01;

/**
 * The server side, as real mode's server process: accept, the connection cap and admission,
 * the handshake on a core, closes, dead peers that hold descriptors until detected, shedding
 * above a limit, and the load reports balancers read.
 */
export class ServerSide implements ServerSidePort {
  private readonly lastReportBusyMs: number[];
  /** The report tick at which each server last reported (a stopped process skips its reports). */
  private readonly lastReportTick: number[];
  private reportTick = 0;

  constructor(
    private readonly world: World,
    private readonly rooms: Rooms,
  ) {
    this.lastReportBusyMs = world.servers.map(() => 0);
    this.lastReportTick = world.servers.map(() => 0);
  }

  /** Starts the shedding checks. */
  start(): void {
    const sim = this.world.sim;
    for (const server of this.world.servers) {
      if (server.spec.shedding.limit !== null) sim.after(server.spec.shedding.intervalMs, this.onShedCheck, server.id);
    }
  }

  /** Starts the load reports. */
  startReports(): void {
    this.world.sim.after(this.world.config.balancer.reportIntervalMs, this.onReportTick);
  }

  toClient(i: number, handler: Handler): void {
    const c = this.world.clients.c;
    this.world.sim.after(c.pathLatencyMs[i] as number, handler, packConn(i, c.epoch[i] as number));
  }

  forward(i: number, arg: number): void {
    const { clients, rng, sim } = this.world;
    const c = clients.c;
    const backendMs = this.world.backendLatency.sample(rng.network);
    c.pathLatencyMs[i] = (c.clientLatencyMs[i] as number) + backendMs;
    sim.after(backendMs, this.onReachServer, arg);
  }

  /**
   * Servers report CPU and memory to every balancer every reportIntervalMs; in between the views go
   * stale. A stopped process sends nothing, and its next report covers the time since its last.
   */
  private readonly onReportTick = (): void => {
    const now = this.world.sim.nowMs;
    const intervalMs = this.world.config.balancer.reportIntervalMs;
    const tick = ++this.reportTick;
    for (const server of this.world.servers) {
      if (server.frozenAt(now)) continue;
      const busy = server.busyMs(now);
      const windowMs = intervalMs * (tick - (this.lastReportTick[server.id] as number));
      const load = (busy - (this.lastReportBusyMs[server.id] as number)) / (windowMs * server.cores);
      this.lastReportBusyMs[server.id] = busy;
      this.lastReportTick[server.id] = tick;
      const memoryLoad = server.memoryBytes() / server.spec.memory.limitBytes;
      server.recentLoad = load;
      this.rooms.tier.report(server.id, load, memoryLoad, now);
    }
    this.world.sim.after(intervalMs, this.onReportTick);
  };

  // ---- accept, admission and handshake ----

  private readonly onReachServer = (arg: number): void => {
    const { clients, sim, config, counters } = this.world;
    const i = this.world.current(arg);
    if (i < 0) return;
    const c = clients.c;
    const server = this.world.servers[c.routed[i] as number] as SimServer;
    const onFailed = this.rooms.clientSide.onFailedReply;
    if (!server.up) {
      // A dead process on a live host: RST at once, and the balancer answers 503. A silent host: it waits out its connect timeout.
      const waitMs = server.refusesWhileDown ? (c.pathLatencyMs[i] as number) - (c.clientLatencyMs[i] as number) : config.balancer.connectTimeoutMs;
      sim.after(waitMs + (c.clientLatencyMs[i] as number), onFailed, arg);
      return;
    }
    // A policy that reads the backlog decides when the process's event loop reaches the request.
    if (server.admission.readsBacklog === true) {
      this.enqueueUpgrade(server, arg);
      return;
    }
    const decision = this.decide(server, i, server.queued(sim.nowMs));
    if (decision !== null) {
      this.refuse(server, i, arg, decision, server.processes[(server.refusals + 1) % server.processes.length] as CpuQueue);
      return;
    }
    const p = server.pickProcess();
    if (p < 0) {
      // EMFILE: accept() fails, the connection waits in the backlog and the client times out.
      counters.descriptorsExhausted++;
      return;
    }
    this.handshake(server, p, i, arg, sim.nowMs);
  };

  /**
   * The connection cap, then the admission policy, seeing `queuedWork` jobs waiting: null to admit,
   * else the refusal's retry hint (null for none, as for the cap) in a box.
   */
  private decide(server: SimServer, i: number, queuedWork: number): { retryAfterMs: number | null } | null {
    const { sim, rng } = this.world;
    const limit = server.connections + server.handshaking + server.ghosts >= server.spec.maxConnections;
    const decision = limit ? null : server.admission.admit(this.loadView(server, queuedWork), sim.nowMs, rng.admission);
    const retryAfterMs = decision?.kind === 'refuse' ? decision.retryAfterMs : null;
    const admit = decision?.kind === 'admit';
    if (i >= 0) this.world.decisions?.record({ kind: 'admission', atMs: sim.nowMs, server: server.id, client: i, admit, limit, retryAfterMs });
    return admit ? null : { retryAfterMs };
  }

  /** Accepts client i's handshake on process `p` and queues its CPU; `arrivedMs`: when the request reached the server. */
  private handshake(server: SimServer, p: number, i: number, arg: number, arrivedMs: number): void {
    const { clients, sim, config } = this.world;
    const c = clients.c;
    server.accept(clients, i, p);
    const cpu = server.processes[p] as CpuQueue;
    const costMs = this.handshakeCost(server, cpu, i);
    const doneMs = cpu.submit(sim.nowMs, costMs);
    server.handshakeCpuMs += costMs;
    // FIFO fixes the finish now: work whose answer reaches the client after it gave up is wasted.
    if (doneMs + (c.pathLatencyMs[i] as number) >= (c.attemptStartMs[i] as number) + config.clients.connectTimeoutMs) server.wastedCpuMs += costMs;
    const waitMs = sim.nowMs - arrivedMs + cpu.lastWaitMs;
    this.world.handshakeWait.record(waitMs);
    if (waitMs > 0) this.world.counters.handshakesWaited++;
    sim.at(doneMs, this.onHandshakeDone, arg);
  }

  /** What the server knows about itself, for its admission policy. */
  private loadView(server: SimServer, queuedWork: number): ServerLoadView {
    return {
      connections: server.connections,
      handshaking: server.handshaking + server.ghosts,
      maxConnections: server.spec.maxConnections,
      cpuLoad: server.recentLoad,
      queuedWork,
      memoryBytes: server.memoryBytes(),
      memoryLimitBytes: server.spec.memory.limitBytes,
    };
  }

  /**
   * A refusal is work too: the process reads the upgrade and answers 503 with a retry hint, on
   * `process`'s run queue in FIFO order. `i` < 0: the client gave up while its request waited, and
   * the answer goes nowhere.
   */
  private refuse(server: SimServer, i: number, arg: number, refusal: { retryAfterMs: number | null }, process: CpuQueue): void {
    server.refusals++;
    const cost = server.costs.refusal.sample(server.rng);
    server.refusalCpuMs += cost;
    const doneMs = process.submit(this.world.sim.nowMs, cost);
    if (i < 0) return;
    const c = this.world.clients.c;
    this.world.counters.serverRefused++;
    c.retryAfterMs[i] = refusal.retryAfterMs ?? 0;
    this.world.sim.at(doneMs + (c.pathLatencyMs[i] as number), this.rooms.clientSide.onRefusedReply, arg);
  }

  // ---- the upgrade backlog: decisions when the event loop reaches the request ----

  /**
   * The request joins its process's backlog (Node's cluster hands accepted sockets round robin): the
   * process reads it when its run queue has done the work ahead, and decides then. The socket takes a
   * descriptor at accept(): without one the client times out, as on the direct path.
   */
  private enqueueUpgrade(server: SimServer, arg: number): void {
    const p = server.pickProcess();
    if (p < 0) {
      this.world.counters.descriptorsExhausted++;
      return;
    }
    const backlog = server.backlogs[p] as UpgradeBacklog;
    backlog.push(arg, this.world.sim.nowMs);
    if (backlog.length === 1) this.reachLater(server, p);
  }

  private reachLater(server: SimServer, p: number): void {
    const atMs = (server.processes[p] as CpuQueue).nextStartMs(this.world.sim.nowMs);
    this.world.sim.at(atMs, this.onReachRequest, (server.incarnation * MAX_PROCESSES + p) * DEAD_PEER_SERVER_SPACE + server.id);
  }

  /**
   * The event loop reaches the oldest waiting request: the cap and the policy decide, with the work
   * waiting behind it as the backlog, and the answer's CPU (a handshake or a refusal) runs now, so the
   * run queue stays FIFO. Work queued since (a ping's timer, a message) went first: then it waits for that.
   */
  private readonly onReachRequest = (key: number): void => {
    const server = this.world.servers[key % DEAD_PEER_SERVER_SPACE] as SimServer;
    const high = Math.floor(key / DEAD_PEER_SERVER_SPACE);
    if (server.incarnation !== Math.floor(high / MAX_PROCESSES)) return;
    const p = high % MAX_PROCESSES;
    const now = this.world.sim.nowMs;
    const cpu = server.processes[p] as CpuQueue;
    const startMs = cpu.nextStartMs(now);
    if (startMs > now) {
      this.world.sim.at(startMs, this.onReachRequest, key);
      return;
    }
    const backlog = server.backlogs[p] as UpgradeBacklog;
    const arrivedMs = backlog.oldestArrivedMs();
    const arg = backlog.shift();
    const i = this.world.current(arg);
    const decision = this.decide(server, i, backlog.length + cpu.queued(now));
    if (decision !== null) this.refuse(server, i, arg, decision, cpu);
    else if (i >= 0) this.handshake(server, p, i, arg, arrivedMs);
    else this.abandonedHandshake(server, cpu);
    if (backlog.length > 0) this.reachLater(server, p);
  };

  /** The process admits a request whose client has already closed its socket: the handshake is wasted (or skipped, with `dropAbandonedHandshakes`). */
  private abandonedHandshake(server: SimServer, cpu: CpuQueue): void {
    const costMs = server.spec.dropAbandonedHandshakes ? ABANDONED_CHECK_MS : server.costs.handshake.sample(server.rng) * server.handshakeSlowdown;
    cpu.submit(this.world.sim.nowMs, costMs);
    server.handshakeCpuMs += costMs;
    server.wastedCpuMs += costMs;
    this.world.counters.handshakesWasted++;
  }

  resetBacklog(server: SimServer): void {
    const c = this.world.clients.c;
    for (const backlog of server.backlogs) {
      for (const arg of backlog.drain()) {
        const i = this.world.current(arg);
        // The dead process's sockets are reset by the kernel: the client hears at once.
        if (i >= 0) this.world.sim.after(c.pathLatencyMs[i] as number, this.rooms.clientSide.onFailedReply, arg);
      }
    }
  }

  /**
   * CPU for a handshake. With `dropAbandonedHandshakes`, a server that reaches a request whose
   * client already closed the socket (it timed out while queued) skips the work; FIFO fixes the
   * start time now, so whether the client will have left by then is known now too.
   */
  private handshakeCost(server: SimServer, cpu: CpuQueue, i: number): number {
    const full = server.costs.handshake.sample(server.rng) * server.handshakeSlowdown;
    if (!server.spec.dropAbandonedHandshakes) return full;
    const c = this.world.clients.c;
    const goneMs = (c.attemptStartMs[i] as number) + this.world.config.clients.connectTimeoutMs + (c.pathLatencyMs[i] as number);
    return cpu.nextStartMs(this.world.sim.nowMs) >= goneMs ? ABANDONED_CHECK_MS : full;
  }

  /** The server finished a handshake; a client that already gave up made it wasted work. */
  private readonly onHandshakeDone = (arg: number): void => {
    const { clients } = this.world;
    const i = this.world.current(arg);
    const c = clients.c;
    const s = i < 0 ? -1 : (c.server[i] as number);
    if (s < 0 || c.established[i] === 1 || c.state[i] !== ClientState.connecting) {
      this.world.counters.handshakesWasted++;
      return;
    }
    if (this.opened(i, this.world.servers[s] as SimServer, NaN)) this.toClient(i, this.rooms.clientSide.onConnectedReply);
  };

  /**
   * A connection that was open before the run (warm start) on the backend its balancer picked: it
   * takes a descriptor and memory but no handshake, and its heartbeat is at a random phase
   * (`phase`, in [0, 1), of the first heartbeat delay). False when the server would not hold it
   * (down, at its cap, out of descriptors, out of memory); the caller then connects it normally.
   */
  establishOpen(i: number, phase: number): boolean {
    const { clients, rng } = this.world;
    const c = clients.c;
    const server = this.world.servers[c.routed[i] as number] as SimServer;
    if (!server.up || server.connections + server.handshaking + server.ghosts >= server.spec.maxConnections) return false;
    const bytes = server.spec.memory.perConnectionBytes + (c.polling[i] === 1 ? server.spec.pollSessionBytes : 0);
    if (server.memoryBytes() + bytes > server.spec.memory.limitBytes) return false;
    const p = server.pickProcess();
    if (p < 0) return false;
    c.pathLatencyMs[i] = (c.clientLatencyMs[i] as number) + this.world.backendLatency.sample(rng.network);
    server.accept(clients, i, p);
    return this.opened(i, server, phase);
  }

  /**
   * The connection is open at the server: memory (an OOM kill past the limit), the heartbeat (at
   * `phase` of its first delay, or from now when NaN), idle timers, subscriptions and the maximum age.
   */
  private opened(i: number, server: SimServer, phase: number): boolean {
    const { clients, sim } = this.world;
    const c = clients.c;
    server.establish(clients, i);
    c.severed[i] = 0;
    c.openedAtMs[i] = sim.nowMs;
    if (server.memoryBytes() > server.spec.memory.limitBytes) {
      this.rooms.operations.oom(server);
      return false;
    }
    // A long-polling session has no WebSocket heartbeat: the poll cycle and its timeout serve.
    if (c.polling[i] === 1) server.pollSessions++;
    else this.rooms.timers.startHeartbeat(i, phase);
    c.lastFrameMs[i] = sim.nowMs;
    c.lastDataMs[i] = sim.nowMs;
    this.rooms.timers.armIdle(i);
    this.rooms.pubsub?.open(i, server, c.process[i] as number, c.pathLatencyMs[i] as number, c.polling[i] === 1);
    if (server.connectionAge !== null) sim.after(server.connectionAge.sample(this.world.rng.connectionAge), this.onMaxAge, packConn(i, c.epoch[i] as number));
    return true;
  }

  /**
   * The connection reached its maximum age: the server closes it with a close frame (1001, going
   * away) and the client reconnects by its backoff, through the balancer, to whichever server it
   * picks now. A new attempt bumps the epoch, so a connection closed otherwise meanwhile is skipped.
   */
  private readonly onMaxAge = (arg: number): void => {
    const i = this.world.current(arg);
    if (i < 0 || this.world.clients.c.established[i] !== 1) return;
    const server = this.world.serverOf(i);
    if (server.frozenAt(this.world.sim.nowMs)) {
      this.world.sim.at(server.frozenUntilMs, this.onMaxAge, arg);
      return;
    }
    this.world.counters.recycled++;
    this.serverCloses(i);
  };

  // ---- closes ----

  closeAtServer(i: number, keepDescriptor = false): void {
    const c = this.world.clients.c;
    const server = this.world.serverOf(i);
    if (c.established[i] === 1) {
      this.rooms.pubsub?.close(i);
      if (c.polling[i] === 1) {
        this.rooms.polling?.close(i);
        if (server.up) server.pollSessions--;
      }
    }
    // The timers stop first: a heartbeat kept in its process's cohort leaves it while the connection is still the server's.
    this.rooms.timers.stop(i);
    c.severed[i] = 0;
    server.remove(this.world.clients, i, keepDescriptor);
    this.rooms.tier.unroute(i);
  }

  serverCloses(i: number): void {
    const clientSide = this.rooms.clientSide;
    this.toClient(i, this.world.clients.c.established[i] === 1 ? clientSide.onClosedReply : clientSide.onFailedReply);
    this.closeAtServer(i);
  }

  holdDeadPeer(i: number, deadAtMs: number): void {
    const { clients, sim, counters } = this.world;
    const c = clients.c;
    const s = c.server[i] as number;
    const process = c.process[i] as number;
    const server = this.world.servers[s] as SimServer;
    this.closeAtServer(i, true);
    server.ghosts++;
    const arg = (server.incarnation * MAX_PROCESSES + process) * DEAD_PEER_SERVER_SPACE + s;
    // A long-polling session its client gave up on is no dead peer for a heartbeat to find: the server closes it
    // at its session timeout, as a real Engine.IO server does.
    if (c.polling[i] === 1) {
      sim.at(deadAtMs, this.onOrphanedSession, arg);
      return;
    }
    sim.at(deadAtMs, this.onDeadPeerDetected, arg);
    counters.ghosts++;
    counters.deadPeerDetectionMs += deadAtMs - sim.nowMs;
  }

  private readonly onDeadPeerDetected = (arg: number): void => {
    if (this.releaseGhost(arg, this.onDeadPeerDetected)) this.world.counters.deadPeersDetected++;
  };

  private readonly onOrphanedSession = (arg: number): void => {
    if (this.releaseGhost(arg, this.onOrphanedSession) && this.rooms.polling !== null) this.rooms.polling.counters.sessionTimeouts++;
  };

  /**
   * The server lets go of a connection its client has left (`arg`: server, process, incarnation), unless the
   * server has restarted since; not while it is stopped (its own timers find it): then `again` runs at the resume.
   */
  private releaseGhost(arg: number, again: (arg: number) => void): boolean {
    const server = this.world.servers[arg % DEAD_PEER_SERVER_SPACE] as SimServer;
    const high = Math.floor(arg / DEAD_PEER_SERVER_SPACE);
    if (server.incarnation !== Math.floor(high / MAX_PROCESSES)) return false;
    if (server.frozenAt(this.world.sim.nowMs)) {
      this.world.sim.at(server.frozenUntilMs, again, arg);
      return false;
    }
    server.ghosts--;
    server.releaseDescriptor(high % MAX_PROCESSES);
    return true;
  }

  /** The backpressure policy closes a slow consumer (WebSocket close 3008). */
  closeSlowConsumer(i: number): void {
    this.world.counters.slowConsumersClosed++;
    this.serverCloses(i);
  }

  closeSpread(clients: readonly number[], windowMs: number): void {
    const { sim, rng } = this.world;
    const c = this.world.clients.c;
    for (const i of clients) sim.after(rng.drain.next() * windowMs, this.onSpreadClose, packConn(i, c.epoch[i] as number));
  }

  private readonly onSpreadClose = (arg: number): void => {
    const i = this.world.current(arg);
    if (i < 0 || (this.world.clients.c.server[i] as number) < 0) return;
    this.world.counters.drained++;
    this.serverCloses(i);
  };

  /** Closes established connections above the shedding limit, in the shedder's order, over one interval. */
  private readonly onShedCheck = (s: number): void => {
    const { sim, clients, rng, counters } = this.world;
    const server = this.world.servers[s] as SimServer;
    const { limit, intervalMs } = server.spec.shedding;
    sim.after(intervalMs, this.onShedCheck, s);
    if (!server.up || limit === null || server.connections <= limit || server.frozenAt(sim.nowMs)) return;
    const c = clients.c;
    const views = server
      .heldClients(clients)
      .filter((i) => c.established[i] === 1)
      .map((i) => {
        this.rooms.pubsub?.syncActivity(i);
        return { id: i, openedAtMs: c.openedAtMs[i] as number, lastActivityMs: c.lastDataMs[i] as number };
      });
    const chosen = server.shedder.select(views, server.connections - limit, sim.nowMs, rng.admission);
    counters.shed += chosen.length;
    this.closeSpread(chosen, intervalMs);
  };
}
