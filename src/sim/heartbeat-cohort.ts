import { HeartbeatPhase, type Heartbeat } from '../strategies/index.js';
import { growColumns } from './columns.js';
import { copyInto, type CpuQueue, type LazyWork } from './cpu.js';
import { DUE, INITIAL, LaneCore, R, SENT, type LaneCycle, type LaneHelper } from './heartbeat-lane.js';
import type { SimServer } from './server.js';
import type { World } from './world.js';

/**
 * Share of the heartbeat's pong deadline (the time from a ping to its timeout) a process's run queue
 * may hold before its members are handed back to the per-connection path. A ping then waits at most
 * that long, and so does its pong, so with a round trip under half the deadline no pong of a member
 * can miss it while the process keeps its members.
 */
export const COHORT_BACKLOG_SHARE = 0.25;

/** Where a member's cycle stands. */
export const MemberState = {
  /** Its next ping is due at `dueMs`. */
  waiting: 1,
  /** Its ping went out at `sentMs` and its pong reaches the server at `arrivalMs`. */
  pongOut: 2,
  /** Its pong was read after the ping's deadline: the per-connection path must close the connection then. */
  late: 3,
} as const;
export type MemberState = (typeof MemberState)[keyof typeof MemberState];

/** A member's cycle at the moment it leaves its lane. */
export interface MemberCycle {
  state: MemberState;
  /** The ping due next (waiting) or the last one's due time (pongOut, late). */
  dueMs: number;
  /** When its last ping in the lane was sent (a core finished it); NaN before the first. */
  sentMs: number;
  arrivalMs: number;
  /** Its last heartbeat frame in the lane (ping sent or pong arrived); -Infinity before any. */
  frameMs: number;
  /** Its round trip (twice the path latency). */
  roundTripMs: number;
}

/**
 * One server process's members: each one's own cycle, kept in a record per member local to the
 * process, its pings due in time order and its pongs in flight in a small heap (LaneCore). Nothing is
 * on the event queue: the run queue asks the lane to catch up (`LazyWork`) before anything else uses
 * it, and the lane then submits every ping and pong due by then, in time order, as the per-connection
 * path's events would have. A member's state follows from its record: its pong is out when its last
 * ping was sent at or after its due time, else it waits for its next ping (or its pong was read late).
 * With a helper thread (`LaneHelper`) the helper may already have advanced the lane part of the way.
 */
class HeartbeatLane extends LaneCore implements LazyWork {
  /** Per slot: the member's round trip, and the client (-1: free). */
  private roundTrips = new Float64Array(INITIAL);
  private client = new Int32Array(INITIAL).fill(-1);
  private free: number[] = [];
  private used = 0;
  members = 0;
  private catchingUp = false;
  /** Pings and pongs already counted into the fleet's counters. */
  private countedPings = 0;
  private countedPongs = 0;
  private slotsGrew = false;
  /** The lane's next job as this thread last left it (the fast path's test). */
  private ownNextAtMs = Infinity;

  constructor(
    readonly server: SimServer,
    readonly process: number,
    cpu: CpuQueue,
    private readonly owner: HeartbeatCohorts,
    cycle: LaneCycle,
    private readonly helper: LaneHelper | null,
    private readonly id: number,
  ) {
    super(cpu, cycle, helper?.alloc, null, helper !== null);
    if (helper !== null) {
      cpu.onRegrow = () => {
        this.bumpVersion();
        this.publish();
      };
      this.publish();
    }
  }

  private publish(): void {
    this.helper?.attach(this.id, this.buffers(), this.cycle, this.version);
  }

  /** Adds client i with its next ping at `dueMs`. */
  add(i: number, dueMs: number, roundTripMs: number): number {
    this.enter();
    const slot = this.free.length > 0 ? (this.free.pop() as number) : this.used++;
    if (slot >= this.client.length) this.grow();
    this.client[slot] = i;
    this.late[slot] = 0;
    const r = slot * R;
    this.rec[r + DUE] = dueMs;
    this.rec[r + SENT] = NaN;
    this.roundTrips[slot] = roundTripMs;
    this.members++;
    this.queue(slot, this.gens[slot] as number, dueMs, roundTripMs);
    this.exit();
    return slot;
  }

  private stateOf(slot: number): MemberState {
    if (this.late[slot] === 1) return MemberState.late;
    const r = slot * R;
    return (this.rec[r + SENT] as number) >= (this.rec[r + DUE] as number) ? MemberState.pongOut : MemberState.waiting;
  }

  /** Removes the member in `slot`, which must be caught up to now, and returns where its cycle stood. */
  remove(slot: number): MemberCycle {
    this.enter();
    const rec = this.rec;
    const r = slot * R;
    const state = this.stateOf(slot);
    const sentMs = rec[r + SENT] as number;
    const roundTripMs = this.roundTrips[slot] as number;
    const cycle: MemberCycle = { state, dueMs: rec[r + DUE] as number, sentMs, arrivalMs: sentMs + roundTripMs, frameMs: this.frameAt(slot), roundTripMs };
    // Its queued entry turns stale: a later generation no longer matches it.
    if (state !== MemberState.late) this.stale++;
    this.gens[slot] = ((this.gens[slot] as number) + 1) | 0;
    this.client[slot] = -1;
    this.late[slot] = 0;
    this.free.push(slot);
    this.members--;
    this.exit();
    return cycle;
  }

  /** The last heartbeat frame of the member in `slot` (caught up to now): its ping sent while its pong is out, else that pong's arrival; -Infinity before any. */
  frameOf(slot: number): number {
    this.enter();
    const frameMs = this.frameAt(slot);
    this.exit();
    return frameMs;
  }

  private frameAt(slot: number): number {
    const r = slot * R;
    const sentMs = this.rec[r + SENT] as number;
    if (Number.isNaN(sentMs)) return -Infinity;
    return this.stateOf(slot) === MemberState.pongOut ? sentMs : sentMs + (this.roundTrips[slot] as number);
  }

  /** Clients held, for handing them back. */
  clients(): number[] {
    const out: number[] = [];
    const client = this.client;
    for (let s = 0; s < this.used; s++) if ((client[s] as number) >= 0) out.push(client[s] as number);
    return out;
  }

  /**
   * Submits every ping and pong due by `nowMs` to the run queue in time order (LaneCore.advance), counts
   * them, and once the lane is up to date hands back the members whose pong was read after its deadline,
   * or all of them after a wait past the backlog limit.
   */
  catchUp(nowMs: number): void {
    // Nothing is due before `ownNextAtMs`, as this thread left the lane, unless the helper has since
    // advanced it, which it does only once its clock reaches the lane's next job: decided from this
    // thread's own data, with no read of what the helper writes.
    const own = this.ownNextAtMs;
    if ((nowMs < own && own > (this.helper?.clockMs ?? -Infinity)) || this.catchingUp) return;
    this.catchingUp = true;
    this.enter();
    this.advance(nowMs, Infinity);
    const sent = this.sentTotal - this.countedPings;
    const read = this.readTotal - this.countedPongs;
    this.countedPings = this.sentTotal;
    this.countedPongs = this.readTotal;
    const counters = this.owner.world.counters;
    counters.pings += sent;
    counters.pongs += read;
    this.server.lanePings += sent;
    this.server.lanePongs += read;
    const late = this.lateCount > 0 ? Array.from(this.lateSlots.subarray(0, this.lateCount)) : NONE;
    this.lateCount = 0;
    const overloaded = this.overloaded;
    this.overloaded = false;
    this.exit();
    this.catchingUp = false;
    for (const slot of late) if (this.late[slot] === 1) this.owner.handBack(this.client[slot] as number);
    if (overloaded) this.owner.handBackAll(this);
  }

  /**
   * Stores the scalars, releases the lock, and tells the helper about buffers that grew. With a helper,
   * first grows every queue that has less than HELPER_HEADROOM free, since the helper cannot grow them
   * and stops when one is full.
   */
  private exit(): void {
    if (this.helper !== null) {
      this.pings.reserve(HELPER_HEADROOM);
      this.early.reserve(HELPER_HEADROOM);
      this.pongs.reserve(HELPER_HEADROOM);
      this.cpu.reserveStarts(HELPER_HEADROOM);
    }
    const grown = this.takeGrown(this.slotsGrew);
    this.slotsGrew = false;
    this.ownNextAtMs = this.nextAtMs;
    this.leave();
    if (grown) this.publish();
  }

  private grow(): void {
    const n = this.client.length * 2;
    const alloc = this.alloc;
    this.rec = copyInto(alloc, this.rec, n * R);
    this.gens = copyInto(alloc, this.gens, n);
    this.late = copyInto(alloc, this.late, n);
    this.lateSlots = copyInto(alloc, this.lateSlots, n);
    ({ roundTrips: this.roundTrips, client: this.client } = growColumns({ roundTrips: this.roundTrips, client: this.client }, n, { client: -1 }));
    this.slotsGrew = true;
  }
}

const NONE: number[] = [];
/** Entries each queue keeps free for the helper thread (it advances a lane by a few jobs at a time). */
const HELPER_HEADROOM = 1024;

/**
 * The cohort heartbeat (`heartbeatModel: cohort`). A connection whose pings leave unhindered by data,
 * whose pongs come back and are read before their deadline, and whose strategy runs the same cycle
 * over and over (ping at T; pong read at R; next ping at R + a fixed delay, or at the ping's timer)
 * is kept in its process's lane without timers or events. Each member keeps its own cycle: its ping
 * is submitted to the run queue at its due time, so a ping due while a fan-out batch holds the core
 * waits for it, its pong is submitted when it arrives, and its next ping is scheduled from when the
 * pong was read, as the per-connection path does (test/sim/heartbeat-cohort.test.ts compares the two
 * on the same runs). The lane does this lazily: the run queue asks it to catch up before anything
 * else uses it, the sampler and the summary before they read the counters (`settle`).
 *
 * A member leaves, and the per-connection path takes it over exactly where its cycle stands, when
 * anything could change the cycle: its connection closes, data is queued ahead of its pings, it is
 * partitioned or severed, its server stops, its pong is read after its deadline, or its process's run
 * queue holds more than COHORT_BACKLOG_SHARE of the deadline. It comes back at a later pong read.
 */
export class HeartbeatCohorts {
  private readonly lanes = new Map<CpuQueue, HeartbeatLane>();
  /** Time from a ping to its timeout (the pong's deadline), and from a pong's read to the next ping (NaN: the ping's timer fires next). */
  readonly deadlineMs: number;
  readonly afterPongMs: number;
  /** Run queue a process may hold, ms: COHORT_BACKLOG_SHARE of the deadline. */
  readonly backlogLimitMs: number;

  constructor(
    readonly world: World,
    private readonly heartbeat: Heartbeat,
    private readonly onHandBack: (i: number) => void,
  ) {
    const sent = heartbeat.onTimer(HeartbeatPhase.idle, 0);
    const back = heartbeat.onPong(sent.phase, 0);
    this.deadlineMs = sent.action === 'ping' ? sent.timerAtMs : NaN;
    this.afterPongMs = back.timerAtMs;
    this.backlogLimitMs = COHORT_BACKLOG_SHARE * this.deadlineMs;
  }

  /** Whether client i's heartbeat is kept in a cohort. */
  has(i: number): boolean {
    return (this.world.clients.c.hbSlot[i] as number) >= 0;
  }

  /**
   * Whether a process may keep members now: a cycle the lane can run, constant ping and pong costs,
   * not stopped, and a run queue holding at most half the backlog limit.
   */
  open(server: SimServer, process: number, nowMs: number): boolean {
    if (!(this.deadlineMs > 0) || server.costs.ping.spec.kind !== 'constant' || server.costs.pong.spec.kind !== 'constant' || server.frozenAt(nowMs)) return false;
    return (server.processes[process] as CpuQueue).nextStartMs(nowMs) - nowMs <= this.backlogLimitMs / 2;
  }

  /**
   * Adds client i with its next ping at `firstPingMs` and the phase it is in until then, if the strategy's
   * cycle from that phase is the lane's and its round trip leaves room before the deadline; returns whether it joined.
   */
  join(i: number, phase: HeartbeatPhase, firstPingMs: number): boolean {
    const c = this.world.clients.c;
    const lane = this.laneOf(this.world.serverOf(i), c.process[i] as number);
    const roundTripMs = 2 * (c.pathLatencyMs[i] as number);
    if (!(lane.cycle.pingCostMs + roundTripMs + lane.cycle.pongCostMs < this.deadlineMs / 2) || !this.cycles(phase, firstPingMs, roundTripMs)) return false;
    lane.catchUp(this.world.sim.nowMs);
    c.hbSlot[i] = lane.add(i, firstPingMs, roundTripMs);
    return true;
  }

  /** Removes member i at the current time and returns where its cycle stands. */
  leave(i: number): MemberCycle {
    const c = this.world.clients.c;
    const lane = this.laneOf(this.world.serverOf(i), c.process[i] as number);
    lane.catchUp(this.world.sim.nowMs);
    const cycle = lane.remove(c.hbSlot[i] as number);
    c.hbSlot[i] = -1;
    return cycle;
  }

  /** Member i's last heartbeat frame (ping sent or pong arrived) up to now; -Infinity before any. */
  lastFrameMs(i: number): number {
    const c = this.world.clients.c;
    const lane = this.laneOf(this.world.serverOf(i), c.process[i] as number);
    lane.catchUp(this.world.sim.nowMs);
    return lane.frameOf(c.hbSlot[i] as number);
  }

  /** Members held by a server (or one of its processes), for handing them back. */
  membersOf(server: SimServer, process = -1): number[] {
    const out: number[] = [];
    for (let p = 0; p < server.processes.length; p++) {
      if (process >= 0 && p !== process) continue;
      const lane = this.lanes.get(server.processes[p] as CpuQueue);
      if (lane !== undefined && lane.members > 0) out.push(...lane.clients());
    }
    return out;
  }

  /** Brings the ping and pong counters and the servers' heartbeat CPU up to `nowMs`: every lane catches up. */
  settle(nowMs: number): void {
    for (const lane of this.lanes.values()) lane.catchUp(nowMs);
  }

  /** @internal A lane found member i's pong read after its deadline. */
  handBack(i: number): void {
    this.onHandBack(i);
  }

  /** @internal A lane's ping or pong waited past the backlog limit: all its members go back. */
  handBackAll(lane: HeartbeatLane): void {
    for (const i of lane.clients()) this.onHandBack(i);
  }

  /**
   * Whether the strategy, stepped from `phase` with a ping at `pingMs` and its pong read a round trip
   * later, runs the lane's cycle: a ping with the usual deadline, then the phase it started from and
   * the next ping a fixed delay after the read (or at the ping's timer).
   */
  private cycles(phase: HeartbeatPhase, pingMs: number, roundTripMs: number): boolean {
    const sent = this.heartbeat.onTimer(phase, pingMs);
    if (sent.action !== 'ping' || sent.timerAtMs !== pingMs + this.deadlineMs) return false;
    const readMs = pingMs + roundTripMs;
    const back = this.heartbeat.onPong(sent.phase, readMs);
    if (back.action !== 'none' || back.phase !== phase) return false;
    return Number.isNaN(this.afterPongMs) ? Number.isNaN(back.timerAtMs) : back.timerAtMs === readMs + this.afterPongMs;
  }

  private laneOf(server: SimServer, process: number): HeartbeatLane {
    const cpu = server.processes[process] as CpuQueue;
    let lane = this.lanes.get(cpu);
    if (lane === undefined) {
      const ping = server.costs.ping.spec;
      const pong = server.costs.pong.spec;
      const cycle: LaneCycle = {
        pingCostMs: ping.kind === 'constant' ? ping.value : NaN,
        pongCostMs: pong.kind === 'constant' ? pong.value : NaN,
        deadlineMs: this.deadlineMs,
        afterPongMs: this.afterPongMs,
        backlogLimitMs: this.backlogLimitMs,
      };
      const helper = this.world.laneHelper;
      if (helper !== null) {
        cpu.share(helper.alloc);
        // The helper may advance lanes up to each event's time (not a queue's `nowMs`, which may be a later job's finish).
        this.world.sim.onClock ??= (nextMs) => {
          helper.clockAt(nextMs);
        };
      }
      lane = new HeartbeatLane(server, process, cpu, this, cycle, helper, this.lanes.size);
      const self = lane;
      cpu.lazy = lane;
      cpu.backlogLimitMs = this.backlogLimitMs;
      cpu.onBacklog = () => {
        if (self.members > 0) this.handBackAll(self);
      };
      this.lanes.set(cpu, lane);
    }
    return lane;
  }
}
