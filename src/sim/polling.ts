import type { Rng } from '../engine/index.js';
import type { PollingSpec } from './config.js';
import type { CpuQueue } from './cpu.js';
import { packConn } from './clients.js';
import type { Rooms } from './ports.js';
import type { World } from './world.js';
import type { SimBalancer } from './balancer.js';
import type { SimServer } from './server.js';

/** What happened to long-poll requests, over the run. */
export class PollingCounters {
  requests = 0;
  /** Polls routed to a server that does not hold the session: HTTP 400 "Session ID unknown". */
  sessionUnknown = 0;
  /** Polls served by another server through the shared session store. */
  sharedLookups = 0;
  /** Polls answered with data, and empty polls answered at the hold timeout. */
  answeredWithData = 0;
  answeredEmpty = 0;
  /** Sessions the server closed because no poll came in time. */
  sessionTimeouts = 0;
  /** CPU on poll requests. */
  cpuMs = 0;
}

/**
 * The long-polling transport (Engine.IO polling). A session is opened by a handshake like a WebSocket;
 * then the client keeps one poll outstanding: each poll is a new HTTP request, balanced anew, which
 * the session's server holds until it has data or `holdMs` passes. A poll balanced to another server
 * fails with 400 "Session ID unknown" unless sessions are shared; the client then opens a new
 * session by its reconnect backoff, and the orphaned one lingers until its timeout.
 */
export class LongPolling {
  readonly counters = new PollingCounters();
  /** Per client: 1 while a poll is held at the server, and since when. */
  private held = new Uint8Array(1024);
  private heldSinceMs = new Float64Array(1024);

  constructor(
    private readonly world: World,
    private readonly rooms: Rooms,
    private readonly balancers: readonly SimBalancer[],
    readonly spec: PollingSpec,
    private readonly rng: Rng,
    /** Which clients long-poll, one draw per new client: a stream of its own, so real mode draws the same clients. */
    private readonly clientRng: Rng,
  ) {}

  /** Whether a new client long-polls: drawn, or as client `like` does (another tab of its user's browser). */
  assign(i: number, like = -1): boolean {
    if (i >= this.held.length) {
      const held = new Uint8Array(this.held.length * 2);
      held.set(this.held);
      this.held = held;
      const since = new Float64Array(this.heldSinceMs.length * 2);
      since.set(this.heldSinceMs);
      this.heldSinceMs = since;
    }
    return like >= 0 ? this.world.clients.c.polling[like] === 1 : this.clientRng.next() < this.spec.share;
  }

  /** When the session's server gives up on it if nothing more comes: a held poll keeps it alive until answered. */
  deadlineMs(i: number, lastPollMs: number): number {
    return (this.held[i] === 1 ? (this.heldSinceMs[i] as number) + this.spec.holdMs : lastPollMs) + this.spec.sessionTimeoutMs;
  }

  /** The session is open (the client has its handshake answer): poll. */
  readonly start = (i: number): void => {
    this.held[i] = 0;
    this.sendPoll(i);
  };

  /**
   * The client sends its next poll through a balancer, which balances it like any request. In a browser
   * (`clients.browser`) the poll first needs one of its user's per-host connections, and holds it until
   * the response is back.
   */
  private sendPoll(i: number): void {
    const world = this.world;
    const c = world.clients.c;
    if ((c.partitionedUntilMs[i] as number) > world.sim.nowMs) return;
    const conn = packConn(i, c.epoch[i] as number);
    const browser = this.rooms.clientSide.browser;
    if (browser === null) world.sim.after(c.clientLatencyMs[i] as number, this.onPollAtBalancer, conn);
    else browser.request(i, conn, () => { world.sim.after(world.clients.c.clientLatencyMs[i] as number, this.onPollAtBalancer, conn); });
  }

  private readonly onPollAtBalancer = (arg: number): void => {
    const world = this.world;
    const i = world.current(arg);
    if (i < 0) return;
    const balancer = this.balancers[Math.floor(this.rng.next() * this.balancers.length)] as SimBalancer;
    const { backend, atMs } = balancer.routeRequest(i);
    this.counters.requests++;
    if (backend < 0) {
      world.sim.at(atMs + (world.clients.c.clientLatencyMs[i] as number), this.onPollFailed, arg);
      return;
    }
    this.target.set(arg, backend);
    world.sim.at(atMs + world.backendLatency.sample(this.rng), this.onPollAtServer, arg);
  };

  /** The backend each poll in flight was balanced to, by packed connection. */
  private readonly target = new Map<number, number>();

  private readonly onPollAtServer = (arg: number): void => {
    const world = this.world;
    const backend = this.target.get(arg) ?? -1;
    this.target.delete(arg);
    const i = world.current(arg);
    if (i < 0) return;
    const c = world.clients.c;
    const server = world.servers[backend] as SimServer;
    const home = c.server[i] as number;
    if (!server.up || home < 0) {
      world.sim.after(c.pathLatencyMs[i] as number, this.onPollFailed, arg);
      return;
    }
    const shared = backend !== home && this.spec.sessions === 'shared';
    const process = (backend === home ? server.processes[c.process[i] as number] : server.processes[Math.floor(this.rng.next() * server.processes.length)]) as CpuQueue;
    const cost = server.costs.pollRequest.sample(server.rng);
    this.counters.cpuMs += cost;
    const servedMs = process.submit(world.sim.nowMs, cost) + (shared ? this.spec.sharedLookupMs : 0);
    if (backend !== home && !shared) {
      this.counters.sessionUnknown++;
      world.sim.at(servedMs + (c.pathLatencyMs[i] as number), this.onPollFailed, arg);
      return;
    }
    if (shared) this.counters.sharedLookups++;
    this.rooms.timers.notePoll(i, world.sim.nowMs);
    world.sim.at(servedMs, this.onPollServed, arg);
  };

  /** The session's server has the poll: answer with what is queued, or hold it. */
  private readonly onPollServed = (arg: number): void => {
    const world = this.world;
    const i = world.current(arg);
    if (i < 0 || world.clients.c.established[i] !== 1) return;
    const now = world.sim.nowMs;
    if (this.rooms.pubsub !== null && this.rooms.pubsub.release(i, now) > 0) {
      this.answered(i, true);
      return;
    }
    this.held[i] = 1;
    this.heldSinceMs[i] = now;
    world.sim.after(this.spec.holdMs, this.onHoldTimeout, arg);
  };

  /** Data for a client whose poll is held: the server answers it now. */
  onData(i: number): void {
    if (this.held[i] !== 1) return;
    const now = this.world.sim.nowMs;
    this.rooms.pubsub?.release(i, now);
    this.held[i] = 0;
    this.answered(i, true);
  }

  private readonly onHoldTimeout = (arg: number): void => {
    const i = this.world.current(arg);
    if (i < 0 || this.held[i] !== 1 || (this.heldSinceMs[i] as number) + this.spec.holdMs > this.world.sim.nowMs) return;
    this.held[i] = 0;
    this.answered(i, false);
  };

  /** The response reaches the client one path latency later, and it polls again at once. */
  private answered(i: number, withData: boolean): void {
    const world = this.world;
    const c = world.clients.c;
    if (withData) this.counters.answeredWithData++;
    else this.counters.answeredEmpty++;
    this.rooms.timers.notePoll(i, world.sim.nowMs);
    world.sim.after(c.pathLatencyMs[i] as number, this.onResponse, packConn(i, c.epoch[i] as number));
  }

  private readonly onResponse = (arg: number): void => {
    const i = this.world.current(arg);
    if (i < 0) return;
    this.rooms.clientSide.browser?.done(i);
    if (this.world.clients.c.established[i] === 1) this.sendPoll(i);
  };

  /**
   * 400 "Session ID unknown" (the session lives on another server), or no server answered the poll (down,
   * or no backend): the client drops its session and opens a new one by its backoff.
   */
  private readonly onPollFailed = (arg: number): void => {
    const i = this.world.current(arg);
    if (i < 0) return;
    this.rooms.clientSide.browser?.done(i);
    this.rooms.clientSide.pollFailed(i, this.spec.sessionTimeoutMs);
  };

  /** The session ended. */
  close(i: number): void {
    this.held[i] = 0;
  }
}
