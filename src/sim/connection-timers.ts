import type { TimerLane } from '../engine/index.js';
import { deadPeerDetectedAtMs, heartbeats, instantiate, silenceLimitMs, warmHeartbeatAgoMs, type Heartbeat, type HeartbeatPhase, type HeartbeatStep } from '../strategies/index.js';
import { packConn } from './clients.js';
import type { CpuQueue } from './cpu.js';
import { HeartbeatCohorts, MemberState } from './heartbeat-cohort.js';
import type { ConnectionTimersPort, Rooms } from './ports.js';
import type { SimServer } from './server.js';
import type { World } from './world.js';

/**
 * Per-connection timers on the server, as real mode's server runs them: the heartbeat strategy's
 * ping, pong and timeout, and the idle timeouts of the proxy (any frame) and the server (data).
 */
export class ConnectionTimers implements ConnectionTimersPort {
  private readonly heartbeat: Heartbeat;
  /** Idle timeouts: the proxy's (any frame) and the server's (data frames); Infinity when off. */
  private readonly proxyIdleMs: number;
  private readonly serverIdleMs: number;
  private silenceMs = NaN;
  /** Lanes for the delays the heartbeat sets its timer to (see heartbeatDelaysMs). */
  private readonly lanes: TimerLane[];
  /** Whether a ping costs its client machine CPU before the pong leaves (`clients.cpu.messageCostMs`). */
  private readonly readsCost: boolean;
  /** Connections whose heartbeat runs as a cohort, without events (`heartbeatModel: cohort`); null: every one per connection. */
  private readonly cohorts: HeartbeatCohorts | null;

  constructor(
    private readonly world: World,
    private readonly rooms: Rooms,
  ) {
    const config = world.config;
    this.heartbeat = instantiate(heartbeats, config.heartbeat, 'heartbeat');
    this.proxyIdleMs = config.balancer.idleTimeoutMs;
    this.serverIdleMs = config.messages?.idleTimeoutMs ?? Infinity;
    const pongCostsMs = new Set(world.servers.flatMap((s) => (s.costs.pong.spec.kind === 'constant' ? [s.costs.pong.spec.value] : [])));
    this.lanes = heartbeatDelaysMs(this.heartbeat, [...pongCostsMs]).map((d) => world.sim.lane(d));
    this.readsCost = (config.clients.cpu?.messageCostMs ?? null) !== null;
    // The cohort's lanes send a pong as soon as its ping reaches the client; a client machine that must read it first is not modelled there.
    this.cohorts =
      config.heartbeatModel === 'cohort' && this.heartbeat.intervalMs > 0 && !this.readsCost
        ? new HeartbeatCohorts(world, this.heartbeat, (i) => {
            this.unbatch(i);
          })
        : null;
  }

  /**
   * How long a client waits for a ping before it gives the connection up (Infinity: no heartbeat);
   * stepped from the strategy only when first asked (a stopped server), so a run without one never
   * steps it.
   */
  get silenceLimitMs(): number {
    if (Number.isNaN(this.silenceMs)) this.silenceMs = silenceLimitMs(this.heartbeat);
    return this.silenceMs;
  }

  startHeartbeat(i: number, phase = NaN): void {
    const c = this.world.clients.c;
    const nowMs = this.world.sim.nowMs;
    if (c.hbTimer[i] === -1) c.hbTimer[i] = this.world.sim.createTimer(this.onHeartbeatTimer, i);
    c.lastPingMs[i] = nowMs;
    // A connection opened before the run is `phase` of the way to its first heartbeat step.
    const step = this.heartbeat.open(nowMs - warmHeartbeatAgoMs(this.heartbeat, phase));
    if (step.action === 'none' && this.joinCohort(i, step)) return;
    this.applyHeartbeat(i, step);
  }

  /**
   * Hands connection i's heartbeat from its cohort to the per-connection path, as that path would
   * have left it now: its phase, its timer, a pong in flight, the last ping the client got and the
   * last frame. A no-op for a connection not in a cohort.
   */
  unbatch(i: number): void {
    const cohorts = this.cohorts;
    if (cohorts === null || !cohorts.has(i)) return;
    const { clients, sim } = this.world;
    const c = clients.c;
    const at = cohorts.leave(i);
    const timer = c.hbTimer[i] as number;
    // The client got the last ping half a round trip after a core sent it.
    if (!Number.isNaN(at.sentMs)) c.lastPingMs[i] = at.sentMs + at.roundTripMs / 2;
    this.noteFrame(i, at.frameMs);
    if (at.state === MemberState.waiting) {
      sim.setTimer(timer, at.dueMs);
      return;
    }
    // A ping is out: its timer runs to the pong's deadline, and its pong is on the way (or was read too late).
    const sent = this.heartbeat.onTimer(c.hbPhase[i] as HeartbeatPhase, at.dueMs);
    c.hbPhase[i] = sent.phase;
    sim.setTimer(timer, Math.max(sent.timerAtMs, sim.nowMs));
    if (at.state === MemberState.pongOut) sim.at(at.arrivalMs, this.onPongAtServer, packConn(i, c.epoch[i] as number));
  }

  /** The same when a ping sent now would wait behind data written to connection i for longer than the cohort allows. */
  unbatchIfBehind(i: number): void {
    const cohorts = this.cohorts;
    if (cohorts === null || !cohorts.has(i)) return;
    if (this.behindMs(i) > 0) this.unbatch(i);
  }

  /** Takes connection i out of its cohort, if it is in one, with nothing handed to the per-connection path (the connection is closing). */
  private leaveCohort(i: number): void {
    if (this.cohorts?.has(i) === true) this.cohorts.leave(i);
  }

  /** Hands every connection of `server` kept in a cohort to the per-connection path (its process stops). */
  unbatchServer(server: SimServer): void {
    for (const i of this.cohorts?.membersOf(server) ?? []) this.unbatch(i);
  }

  /** Brings the ping and pong counters and the servers' heartbeat CPU up to now (before a sample or the summary reads them). */
  settle(): void {
    this.cohorts?.settle(this.world.sim.nowMs);
  }

  /** How long a ping sent now would wait behind the data written before it (0: none, or one message in transit). */
  private behindMs(i: number): number {
    const nowMs = this.world.sim.nowMs;
    const backlogMs = this.rooms.pubsub?.behindBacklogMs(i, nowMs) ?? -Infinity;
    return backlogMs > nowMs ? backlogMs - nowMs : 0;
  }

  /**
   * Puts connection i's heartbeat in its process's cohort from a step that waits for the next ping
   * (`step.timerAtMs`, or the timer as it is when the step keeps it), if the connection and its process
   * can keep the cycle: open, not partitioned, not behind on data.
   */
  private joinCohort(i: number, step: HeartbeatStep): boolean {
    const cohorts = this.cohorts;
    if (cohorts === null) return false;
    const { clients, sim } = this.world;
    const c = clients.c;
    const nowMs = sim.nowMs;
    const firstPingMs = Number.isNaN(step.timerAtMs) ? sim.timerAtMs(c.hbTimer[i] as number) : step.timerAtMs;
    if (!(firstPingMs > nowMs) || !Number.isFinite(firstPingMs) || c.established[i] !== 1 || c.severed[i] === 1 || (c.partitionedUntilMs[i] as number) > nowMs) return false;
    if (!cohorts.open(this.world.serverOf(i), c.process[i] as number, nowMs)) return false;
    if (this.behindMs(i) > 0) return false;
    if (!cohorts.join(i, step.phase, firstPingMs)) return false;
    c.hbPhase[i] = step.phase;
    if (c.hbTimer[i] === -1) c.hbTimer[i] = sim.createTimer(this.onHeartbeatTimer, i);
    sim.clearTimer(c.hbTimer[i] as number);
    return true;
  }

  stop(i: number): void {
    const { clients, sim } = this.world;
    const c = clients.c;
    this.leaveCohort(i);
    if (c.hbTimer[i] !== -1) sim.clearTimer(c.hbTimer[i] as number);
    if (c.idleTimer[i] !== -1) sim.clearTimer(c.idleTimer[i] as number);
  }

  release(i: number): void {
    const { clients, sim } = this.world;
    const c = clients.c;
    this.leaveCohort(i);
    if (c.hbTimer[i] !== -1) sim.releaseTimer(c.hbTimer[i] as number);
    c.hbTimer[i] = -1;
    if (c.idleTimer[i] !== -1) sim.releaseTimer(c.idleTimer[i] as number);
    c.idleTimer[i] = -1;
  }

  /**
   * When the server's heartbeat would give up on connection i if no pong ever came again: the
   * strategy is a pure state machine, so it can be stepped forward without pongs. Without a
   * heartbeat, TCP keepalive finds the dead peer (Linux defaults: 7200 s + 9 × 75 s).
   */
  deadPeerDetectedAt(i: number): number {
    const { clients, sim } = this.world;
    const c = clients.c;
    const polling = this.rooms.polling;
    if (polling !== null && c.polling[i] === 1) return sim.nowMs + polling.spec.sessionTimeoutMs;
    this.unbatch(i);
    return deadPeerDetectedAtMs(this.heartbeat, c.hbPhase[i] as HeartbeatPhase, sim.timerAtMs(c.hbTimer[i] as number), sim.nowMs);
  }

  /**
   * Connection i is dead in the network from now: its heartbeat leaves any cohort and runs per
   * connection, its pings get no pong, so it gives up on its own schedule. Without a heartbeat, TCP
   * keepalive finds the dead connection (deadPeerDetectedAt) and the server closes it then.
   */
  sever(i: number): void {
    const { clients, sim } = this.world;
    const c = clients.c;
    c.severed[i] = 1;
    this.unbatch(i);
    if (Number.isFinite(this.silenceLimitMs)) return;
    sim.at(this.deadPeerDetectedAt(i), this.onKeepaliveGiveUp, packConn(i, c.epoch[i] as number));
  }

  private readonly onKeepaliveGiveUp = (arg: number): void => {
    const i = this.world.current(arg);
    const c = this.world.clients.c;
    if (i < 0 || c.established[i] !== 1 || c.severed[i] !== 1) return;
    const server = this.world.serverOf(i);
    if (server.frozenAt(this.world.sim.nowMs)) {
      this.world.sim.at(server.frozenUntilMs, this.onKeepaliveGiveUp, arg);
      return;
    }
    this.rooms.serverSide.serverCloses(i);
  };

  // ---- heartbeat ----

  private readonly onHeartbeatTimer = (i: number): void => {
    const { clients, sim } = this.world;
    const server = this.world.serverOf(i);
    // A stopped process runs its overdue timer when it resumes.
    if (server.frozenAt(sim.nowMs)) {
      sim.setTimer(clients.c.hbTimer[i] as number, server.frozenUntilMs);
      return;
    }
    this.applyHeartbeat(i, this.heartbeat.onTimer(clients.c.hbPhase[i] as HeartbeatPhase, sim.nowMs), server);
  };

  /** `server`: connection i's server when the caller already has it (the timer's frozen check does). */
  private applyHeartbeat(i: number, step: HeartbeatStep, server?: SimServer): void {
    const { clients, sim, counters } = this.world;
    const c = clients.c;
    c.hbPhase[i] = step.phase;
    if (step.action === 'terminate') {
      counters.heartbeatTimeouts++;
      this.world.decisions?.record({ kind: 'heartbeat-close', atMs: sim.nowMs, server: c.server[i] as number, client: i, attempt: c.attemptsTotal[i] as number });
      this.rooms.serverSide.toClient(i, this.rooms.clientSide.onClosedReply);
      this.rooms.serverSide.closeAtServer(i);
      return;
    }
    if (step.timerAtMs === Infinity) sim.clearTimer(c.hbTimer[i] as number);
    else if (!Number.isNaN(step.timerAtMs)) this.setHeartbeatTimer(c.hbTimer[i] as number, step.timerAtMs);
    if (step.action === 'ping') {
      // The ping leaves when a core has sent it; the pong is back one round trip later.
      counters.pings++;
      const host = server ?? this.world.serverOf(i);
      const cost = host.costs.ping.sample(host.rng);
      host.connectionHeartbeatCpuMs += cost;
      const sentMs = (host.processes[c.process[i] as number] as CpuQueue).submit(sim.nowMs, cost);
      this.noteFrame(i, sentMs);
      // On a dead connection the ping reaches nobody and no pong comes back.
      if (c.severed[i] === 1) return;
      // The ping reaches the client behind the data the server still holds for it (TCP delivers in
      // order; Engine.IO's ping is a packet like any other), after the heal if the client is cut off
      // (TCP retransmits it), and the pong comes straight back.
      const latencyMs = c.pathLatencyMs[i] as number;
      const leavesMs = Math.max(sentMs, c.partitionedUntilMs[i] as number);
      const backlogMs = this.rooms.pubsub?.behindBacklogMs(i, leavesMs + latencyMs) ?? -Infinity;
      const behind = backlogMs > leavesMs + latencyMs;
      const atClientMs = behind ? backlogMs : leavesMs + latencyMs;
      c.lastPingMs[i] = atClientMs;
      // A client machine that pays for each frame (clients.cpu.messageCostMs) writes the pong once it has read the
      // ping; otherwise the pong leaves at once (the sums kept as they were, so event times match to the last bit).
      const pongAtServerMs = this.readsCost ? this.rooms.clientSide.readFrame(i, atClientMs) + latencyMs : behind ? backlogMs + latencyMs : leavesMs + 2 * latencyMs;
      sim.at(pongAtServerMs, this.onPongAtServer, packConn(i, c.epoch[i] as number));
    }
  }

  /** A time exactly now + a lane's delay goes on that lane (O(1)); any other (after a pong: read time + interval) in the heap. */
  private setHeartbeatTimer(timer: number, atMs: number): void {
    const nowMs = this.world.sim.nowMs;
    for (const lane of this.lanes) {
      if (nowMs + lane.intervalMs === atMs) {
        lane.set(timer);
        return;
      }
    }
    this.world.sim.setTimer(timer, atMs);
  }

  /**
   * A pong reached the server. It counts when a core reads it, which is known now (FIFO):
   * if that is before the heartbeat timer fires, the connection lives on.
   */
  private readonly onPongAtServer = (arg: number): void => {
    const { clients, sim, counters } = this.world;
    const i = this.world.current(arg);
    const c = clients.c;
    // A pong caught on a connection that died on the way is lost with it.
    if (i < 0 || c.established[i] !== 1 || c.severed[i] === 1) return;
    // A pong on the wire when the client was cut off arrives after the heal (TCP retransmits it).
    const cutUntilMs = c.partitionedUntilMs[i] as number;
    if (cutUntilMs > sim.nowMs) {
      sim.at(cutUntilMs + (c.pathLatencyMs[i] as number), this.onPongAtServer, arg);
      return;
    }
    const server = this.world.serverOf(i);
    const cost = server.costs.pong.sample(server.rng);
    server.connectionHeartbeatCpuMs += cost;
    counters.pongs++;
    this.noteFrame(i, sim.nowMs);
    const readMs = (server.processes[c.process[i] as number] as CpuQueue).submit(sim.nowMs, cost);
    const timerMs = sim.timerAtMs(c.hbTimer[i] as number);
    if (!Number.isNaN(timerMs) && readMs >= timerMs) return;
    const step = this.heartbeat.onPong(c.hbPhase[i] as HeartbeatPhase, readMs);
    // A pong read while the run queue is short brings the connection back to its cohort.
    if (this.cohorts !== null && step.action === 'none' && this.joinCohort(i, step)) return;
    this.applyHeartbeat(i, step);
  };

  // ---- frames and idle timeouts ----

  noteData(i: number, atMs: number): void {
    const c = this.world.clients.c;
    if (atMs > (c.lastDataMs[i] as number)) c.lastDataMs[i] = atMs;
    if (atMs > (c.lastFrameMs[i] as number)) c.lastFrameMs[i] = atMs;
  }

  private noteFrame(i: number, atMs: number): void {
    const c = this.world.clients.c;
    if (atMs > (c.lastFrameMs[i] as number)) c.lastFrameMs[i] = atMs;
  }

  /** Writes the last heartbeat frame of a cohort member (its last ping sent, or its pong arrived). */
  private syncFrames(i: number): void {
    this.noteFrame(i, (this.cohorts as HeartbeatCohorts).lastFrameMs(i));
  }

  notePoll(i: number, atMs: number): void {
    this.noteFrame(i, atMs);
  }

  /** When the connection would be closed for idleness if nothing more crossed it. */
  private idleDeadline(i: number): number {
    const c = this.world.clients.c;
    this.rooms.pubsub?.syncActivity(i);
    if (this.cohorts?.has(i) === true) this.syncFrames(i);
    const polling = this.rooms.polling;
    if (polling !== null && c.polling[i] === 1) return polling.deadlineMs(i, c.lastFrameMs[i] as number);
    return Math.min((c.lastFrameMs[i] as number) + this.proxyIdleMs, (c.lastDataMs[i] as number) + this.serverIdleMs);
  }

  /** One lazy timer per connection: activity only writes a column, the timer re-arms when it fires early. */
  armIdle(i: number): void {
    const deadline = this.idleDeadline(i);
    if (deadline === Infinity) return;
    const c = this.world.clients.c;
    if (c.idleTimer[i] === -1) c.idleTimer[i] = this.world.sim.createTimer(this.onIdleTimer, i);
    this.world.sim.setTimer(c.idleTimer[i] as number, deadline);
  }

  private readonly onIdleTimer = (i: number): void => {
    const { clients, sim, counters } = this.world;
    const c = clients.c;
    if (c.established[i] !== 1) return;
    const deadline = this.idleDeadline(i);
    if (sim.nowMs < deadline) {
      sim.setTimer(c.idleTimer[i] as number, deadline);
      return;
    }
    // The proxy's timeout is on any frame; the server's on data only; a long-poll session's on polls.
    const polling = this.rooms.polling;
    const server = this.world.serverOf(i);
    const byProxy = c.polling[i] !== 1 && (c.lastFrameMs[i] as number) + this.proxyIdleMs <= sim.nowMs;
    if (!byProxy && server.frozenAt(sim.nowMs)) {
      sim.setTimer(c.idleTimer[i] as number, server.frozenUntilMs);
      return;
    }
    if (c.polling[i] === 1 && polling !== null) polling.counters.sessionTimeouts++;
    else if (byProxy) counters.idleClosedProxy++;
    else counters.idleClosedServer++;
    this.rooms.serverSide.serverCloses(i);
  };
}

/**
 * The delays worth a lane: every delay the heartbeat sets its timer to from the moment it decides
 * (ws-interval's interval; ping-pong's interval on open and its pong timeout), and the delay after
 * a pong read on an idle core (a constant pong cost plus the interval a pong sets, ping-pong's), so
 * that in a steady fleet no heartbeat timer touches the heap: the timeout's lane entry is left stale
 * when the pong moves the timer to the next lane (O(1) both). The strategy is a pure state machine,
 * so stepping it from time 0 finds them. A lane is used only when a step's time is exactly now + the
 * delay; any other time goes to the heap, so the order of events is the same either way.
 */
function heartbeatDelaysMs(heartbeat: Heartbeat, pongCostsMs: readonly number[]): number[] {
  const delays = new Set<number>();
  let step = heartbeat.open(0);
  for (let k = 0; k < 4 && step.action !== 'terminate'; k++) {
    if (Number.isFinite(step.timerAtMs) && step.timerAtMs >= 0) delays.add(step.timerAtMs);
    const afterPong = heartbeat.onPong(step.phase, 0).timerAtMs;
    if (Number.isFinite(afterPong) && afterPong >= 0) for (const cost of pongCostsMs) delays.add(cost + afterPong);
    step = heartbeat.onTimer(step.phase, 0);
  }
  return [...delays];
}
