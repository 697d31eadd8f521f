import { HeartbeatPhase, type Heartbeat } from '../strategies/index.js';
import { growColumns } from './columns.js';
import type { CpuQueue, LazyWork } from './cpu.js';
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

const INITIAL = 256;
/**
 * A queued entry carries what stepping its member needs, so the hot loop reads no member record:
 * (time, the ping's due time, the member's round trip, slot, generation), five consecutive doubles.
 */
const E = 5;

function copyEntry(heap: Float64Array, to: number, from: number): void {
  heap[to] = heap[from] as number;
  heap[to + 1] = heap[from + 1] as number;
  heap[to + 2] = heap[from + 2] as number;
  heap[to + 3] = heap[from + 3] as number;
  heap[to + 4] = heap[from + 4] as number;
}

/** A 4-ary min-heap of entries by time, interleaved in one array so a node's children share cache lines. */
class EntryHeap {
  heap = new Float64Array(INITIAL * E);
  size = 0;

  /** The earliest entry's fields; the heap must not be empty. */
  get topMs(): number {
    return this.heap[0] as number;
  }

  get topDueMs(): number {
    return this.heap[1] as number;
  }

  get topRoundTripMs(): number {
    return this.heap[2] as number;
  }

  get topSlot(): number {
    return this.heap[3] as number;
  }

  get topGen(): number {
    return this.heap[4] as number;
  }

  push(timeMs: number, dueMs: number, roundTripMs: number, slot: number, gen: number): void {
    if ((this.size + 1) * E > this.heap.length) {
      const grown = new Float64Array(this.heap.length * 2);
      grown.set(this.heap);
      this.heap = grown;
    }
    const heap = this.heap;
    let pos = this.size++;
    while (pos > 0) {
      const parent = (pos - 1) >> 2;
      const p = parent * E;
      if ((heap[p] as number) <= timeMs) break;
      copyEntry(heap, pos * E, p);
      pos = parent;
    }
    const at = pos * E;
    heap[at] = timeMs;
    heap[at + 1] = dueMs;
    heap[at + 2] = roundTripMs;
    heap[at + 3] = slot;
    heap[at + 4] = gen;
  }

  /** Removes the earliest entry (the heap must not be empty): the hole sinks to a leaf along the least children, and the last entry rises from there. */
  pop(): void {
    const size = --this.size;
    if (size === 0) return;
    const heap = this.heap;
    let pos = 0;
    for (;;) {
      const first = 4 * pos + 1;
      if (first >= size) break;
      const end = first + 4 < size ? first + 4 : size;
      let child = first;
      let ct = heap[first * E] as number;
      for (let k = first + 1; k < end; k++) {
        const t = heap[k * E] as number;
        if (t < ct) {
          child = k;
          ct = t;
        }
      }
      copyEntry(heap, pos * E, child * E);
      pos = child;
    }
    const l = size * E;
    const t = heap[l] as number;
    while (pos > 0) {
      const parent = (pos - 1) >> 2;
      const p = parent * E;
      if ((heap[p] as number) <= t) break;
      copyEntry(heap, pos * E, p);
      pos = parent;
    }
    copyEntry(heap, pos * E, l);
  }
}

/** A FIFO of entries whose times never decrease, in a growable ring (the entry's time is its ping's due time). */
class EntryRing {
  times = new Float64Array(INITIAL);
  roundTrips = new Float64Array(INITIAL);
  slots = new Int32Array(INITIAL);
  gens = new Int32Array(INITIAL);
  mask = INITIAL - 1;
  head = 0;
  count = 0;

  /** Time of the newest entry; the ring must not be empty. */
  get tailMs(): number {
    return this.times[(this.head + this.count - 1) & this.mask] as number;
  }

  push(timeMs: number, roundTripMs: number, slot: number, gen: number): void {
    if (this.count > this.mask) this.grow();
    const at = (this.head + this.count) & this.mask;
    this.times[at] = timeMs;
    this.roundTrips[at] = roundTripMs;
    this.slots[at] = slot;
    this.gens[at] = gen;
    this.count++;
  }

  shift(): void {
    this.head = (this.head + 1) & this.mask;
    this.count--;
  }

  private grow(): void {
    const n = (this.mask + 1) * 2;
    const times = new Float64Array(n);
    const roundTrips = new Float64Array(n);
    const slots = new Int32Array(n);
    const gens = new Int32Array(n);
    for (let k = 0; k < this.count; k++) {
      const r = (this.head + k) & this.mask;
      times[k] = this.times[r] as number;
      roundTrips[k] = this.roundTrips[r] as number;
      slots[k] = this.slots[r] as number;
      gens[k] = this.gens[r] as number;
    }
    this.times = times;
    this.roundTrips = roundTrips;
    this.slots = slots;
    this.gens = gens;
    this.mask = n - 1;
    this.head = 0;
  }
}

/**
 * A member's record in its lane: the two doubles a cycle writes (its next or last ping's due time, and when a
 * core sent its last ping, NaN before the first), 16 bytes, so four members share a cache line and a lane's
 * records take half the memory they would with the round trip and generation beside them. Those two, read
 * only when a member leaves or a stale entry is checked, live in their own arrays.
 */
const R = 2;
const DUE = 0;
const SENT = 1;

/**
 * One server process's members: each one's own cycle, kept in a record per member local to the
 * process, its pings due in time order and its pongs in flight in a small heap. Nothing is on the
 * event queue: the run queue asks the lane to catch up (`LazyWork`) before anything else uses it, and
 * the lane then submits every ping and pong due by then, in time order, as the per-connection path's
 * events would have. A member's state follows from its record: its pong is out when its last ping
 * was sent at or after its due time, else it waits for its next ping (or its pong was read late).
 */
class HeartbeatLane implements LazyWork {
  private rec = new Float64Array(INITIAL * R);
  /** Per slot: the member's round trip, and its generation (a member that leaves bumps it, so its queued entries turn stale). */
  private roundTrips = new Float64Array(INITIAL);
  private gens = new Int32Array(INITIAL);
  /** Per slot: the client (-1: free), and 1 while its pong was read after its deadline. */
  private client = new Int32Array(INITIAL).fill(-1);
  private late = new Uint8Array(INITIAL);
  private free: number[] = [];
  private used = 0;
  members = 0;
  /** Pings due, in time order; those due before the newest queued wait in `early` instead. */
  private readonly pings = new EntryRing();
  private readonly early = new EntryHeap();
  private readonly pongs = new EntryHeap();
  /** No ping or pong is due before this (it may be earlier than the true next after members leave). */
  private nextAtMs = Infinity;
  private catchingUp = false;
  /** Queued entries of members that left. */
  private stale = 0;
  /** Members whose pong was read after its deadline, to hand back. */
  private readonly lateSlots: number[] = [];

  constructor(
    readonly server: SimServer,
    readonly process: number,
    readonly cpu: CpuQueue,
    private readonly owner: HeartbeatCohorts,
    readonly pingCostMs: number,
    readonly pongCostMs: number,
  ) {}

  /** Adds client i with its next ping at `dueMs`. */
  add(i: number, dueMs: number, roundTripMs: number): number {
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
    return slot;
  }

  private stateOf(slot: number): MemberState {
    if (this.late[slot] === 1) return MemberState.late;
    const r = slot * R;
    return (this.rec[r + SENT] as number) >= (this.rec[r + DUE] as number) ? MemberState.pongOut : MemberState.waiting;
  }

  /** Removes the member in `slot`, which must be caught up to now, and returns where its cycle stood. */
  remove(slot: number): MemberCycle {
    const rec = this.rec;
    const r = slot * R;
    const state = this.stateOf(slot);
    const sentMs = rec[r + SENT] as number;
    const roundTripMs = this.roundTrips[slot] as number;
    const cycle: MemberCycle = { state, dueMs: rec[r + DUE] as number, sentMs, arrivalMs: sentMs + roundTripMs, frameMs: this.frameOf(slot), roundTripMs };
    // Its queued entry turns stale: a later generation no longer matches it.
    if (state !== MemberState.late) this.stale++;
    this.gens[slot] = ((this.gens[slot] as number) + 1) | 0;
    this.client[slot] = -1;
    this.late[slot] = 0;
    this.free.push(slot);
    this.members--;
    return cycle;
  }

  /** The last heartbeat frame of the member in `slot` (caught up to now): its ping sent while its pong is out, else that pong's arrival; -Infinity before any. */
  frameOf(slot: number): number {
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
   * Submits every ping and pong due by `nowMs` to the run queue in time order, as the per-connection
   * path does: a ping at its due time, its pong one round trip after a core sent it, the next ping
   * from the pong's read (or the ping's timer, as the strategy says); a ping goes first at a tie. A pong
   * read after its deadline, or a wait past the backlog limit, hands members back once the lane is up
   * to date. Runs of pings (and of pongs) due before anything else go through tight loops.
   */
  catchUp(nowMs: number): void {
    if (nowMs < this.nextAtMs || this.catchingUp) return;
    this.catchingUp = true;
    const { cpu, pings: ring, early, pongs, pingCostMs, pongCostMs, rec, gens } = this;
    const { deadlineMs, afterPongMs, backlogLimitMs } = this.owner;
    const fromRead = !Number.isNaN(afterPongMs);
    let sent = 0;
    let read = 0;
    let overloaded = false;
    let ringAt: number;
    let earlyAt: number;
    let pongAt: number;
    for (;;) {
      if (this.stale > 0) this.dropStaleHeads();
      const checkGen = this.stale > 0;
      ringAt = ring.count > 0 ? (ring.times[ring.head] as number) : Infinity;
      earlyAt = early.size > 0 ? early.topMs : Infinity;
      pongAt = pongs.size > 0 ? pongs.topMs : Infinity;
      const pingAt = ringAt <= earlyAt ? ringAt : earlyAt;
      if (pingAt <= pongAt) {
        if (pingAt > nowMs) break;
        // Pings in due order until a pong (or an early ping) comes first.
        let until = Math.min(pongAt, nowMs, ringAt <= earlyAt ? earlyAt : -Infinity);
        let at = pingAt;
        do {
          let slot: number;
          let g: number;
          let roundTripMs: number;
          if (ringAt <= earlyAt) {
            const h = ring.head;
            slot = ring.slots[h] as number;
            g = ring.gens[h] as number;
            roundTripMs = ring.roundTrips[h] as number;
            ring.shift();
          } else {
            slot = early.topSlot;
            g = early.topGen;
            roundTripMs = early.topRoundTripMs;
            early.pop();
          }
          const r = slot * R;
          if (checkGen && g !== gens[slot]) {
            this.stale--;
          } else {
            sent++;
            const sentAt = cpu.enqueue(at, pingCostMs);
            if (sentAt - at > backlogLimitMs) overloaded = true;
            rec[r + SENT] = sentAt;
            const arrival = sentAt + roundTripMs;
            pongs.push(arrival, at, roundTripMs, slot, g);
            if (arrival < until) until = arrival;
          }
          ringAt = ring.count > 0 ? (ring.times[ring.head] as number) : Infinity;
          at = ringAt;
        } while (at <= until);
        continue;
      }
      if (pongAt > nowMs) break;
      // Pongs in arrival order until a ping is due.
      let until = pingAt;
      let at = pongAt;
      do {
        const slot = pongs.topSlot;
        const g = pongs.topGen;
        const dueMs = pongs.topDueMs;
        const roundTripMs = pongs.topRoundTripMs;
        pongs.pop();
        const r = slot * R;
        if (checkGen && g !== gens[slot]) {
          this.stale--;
        } else {
          read++;
          const readAt = cpu.enqueue(at, pongCostMs);
          if (readAt - at > backlogLimitMs) overloaded = true;
          const deadline = dueMs + deadlineMs;
          if (readAt >= deadline) {
            this.late[slot] = 1;
            this.lateSlots.push(slot);
          } else {
            const next = fromRead ? readAt + afterPongMs : deadline;
            rec[r + DUE] = next;
            this.queue(slot, g, next, roundTripMs);
            if (next < until) until = next;
          }
        }
        at = pongs.size > 0 ? pongs.topMs : Infinity;
      } while (at < until && at <= nowMs);
    }
    this.nextAtMs = Math.min(ringAt, earlyAt, pongAt);
    const counters = this.owner.world.counters;
    counters.pings += sent;
    counters.pongs += read;
    this.server.heartbeatCpuMs += sent * pingCostMs + read * pongCostMs;
    this.catchingUp = false;
    if (this.lateSlots.length > 0) {
      const late = this.lateSlots.splice(0);
      for (const slot of late) if (this.late[slot] === 1) this.owner.handBack(this.client[slot] as number);
    }
    if (overloaded) this.owner.handBackAll(this);
  }

  /** Drops the entries of members that left from the heads of the queues. */
  private dropStaleHeads(): void {
    const { pings: ring, early, pongs, gens } = this;
    while (ring.count > 0 && ring.gens[ring.head] !== gens[ring.slots[ring.head] as number]) {
      ring.shift();
      this.stale--;
    }
    while (early.size > 0 && early.topGen !== gens[early.topSlot]) {
      early.pop();
      this.stale--;
    }
    while (pongs.size > 0 && pongs.topGen !== gens[pongs.topSlot]) {
      pongs.pop();
      this.stale--;
    }
  }

  /** Queues the ping of the member in `slot` (generation `gen`) due at `atMs`. */
  private queue(slot: number, gen: number, atMs: number, roundTripMs: number): void {
    if (this.pings.count === 0 || atMs >= this.pings.tailMs) this.pings.push(atMs, roundTripMs, slot, gen);
    else this.early.push(atMs, atMs, roundTripMs, slot, gen);
    if (atMs < this.nextAtMs) this.nextAtMs = atMs;
  }

  private grow(): void {
    const n = this.client.length * 2;
    this.rec = growColumns({ rec: this.rec }, n * R).rec;
    const slots = growColumns({ roundTrips: this.roundTrips, gens: this.gens, client: this.client, late: this.late }, n, { client: -1 });
    ({ roundTrips: this.roundTrips, gens: this.gens, client: this.client, late: this.late } = slots);
  }
}

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
    if (!(lane.pingCostMs + roundTripMs + lane.pongCostMs < this.deadlineMs / 2) || !this.cycles(phase, firstPingMs, roundTripMs)) return false;
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
      lane = new HeartbeatLane(server, process, cpu, this, ping.kind === 'constant' ? ping.value : NaN, pong.kind === 'constant' ? pong.value : NaN);
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
