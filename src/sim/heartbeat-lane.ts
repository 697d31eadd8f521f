import { CpuQueue, type Alloc, type CpuQueueBuffers } from './cpu.js';

/**
 * The part of a cohort heartbeat lane (heartbeat-cohort.ts) that runs its members' cycles: its queues,
 * its members' records and the catch-up loop. Its state lives in typed arrays only, so a helper thread
 * (`LaneHelper`, the CLI's lane worker) can advance the same lane while the simulation's thread does
 * other work: either thread advances a lane only while it holds the lane's lock, and only up to a time
 * the simulation's clock has passed, so the jobs reach the run queue in the same order either way.
 */

export const INITIAL = 256;
/**
 * A queued entry carries what stepping its member needs, so the hot loop reads no member record:
 * (time, the ping's due time, the member's round trip, slot, generation), five consecutive doubles.
 */
const E = 5;

/**
 * A member's record: the two doubles a cycle writes (its next or last ping's due time, and when a core
 * sent its last ping, NaN before the first), 16 bytes, so four members share a cache line. The round
 * trip and the generation, read only when a member leaves or a stale entry is checked, live in their own arrays.
 */
export const R = 2;
export const DUE = 0;
export const SENT = 1;

/** Slots of a lane's scalars, shared by the threads that advance it: times and totals (`LaneBuffers.scalars`)... */
const NEXT_AT = 0;
const PINGS = 1;
const PONGS = 2;
const SCALARS = 3;
/** ...and counts (`LaneBuffers.counts`). */
const RING_HEAD = 0;
const RING_COUNT = 1;
const EARLY_SIZE = 2;
const PONGS_SIZE = 3;
const STALE = 4;
const LATE_COUNT = 5;
const OVERLOADED = 6;
const COUNTS = 7;
/** Slots of a lane's control words (`LaneBuffers.control`): its lock (0 free, 1 the simulation's thread, 2 the helper) and its layout version. */
const LOCK = 0;
const VERSION = 1;
/** Set by the simulation's thread while it waits for the lock: the helper lets go after its current few jobs. */
const WANTED = 2;
/** Set by the helper when it failed while holding the lane: the lane may be half-stepped, and the run must stop. */
const FAILED = 3;
/** Jobs the helper does between two looks at WANTED. */
const HELPER_STRIDE = 16;

/** The memory of a lane, handed to a helper thread when the lane is made and again whenever a buffer grows. */
export interface LaneBuffers {
  scalars: Float64Array;
  counts: Int32Array;
  control: Int32Array;
  rec: Float64Array;
  gens: Int32Array;
  late: Uint8Array;
  lateSlots: Int32Array;
  ringTimes: Float64Array;
  ringRoundTrips: Float64Array;
  ringSlots: Int32Array;
  ringGens: Int32Array;
  early: Float64Array;
  pongs: Float64Array;
  cpu: CpuQueueBuffers;
  cpuCores: number;
  cpuTracksQueue: boolean;
}

/** What a lane's cycle is: the costs of a ping and a pong, the deadline, the delay after a pong's read, the backlog limit. */
export interface LaneCycle {
  pingCostMs: number;
  pongCostMs: number;
  deadlineMs: number;
  /** From a pong's read to the next ping; NaN: the ping's timer fires next. */
  afterPongMs: number;
  backlogLimitMs: number;
}

/**
 * Advances lanes on another thread (the CLI's lane worker). The simulation's thread tells it each lane's
 * memory (`attach`, again after a buffer grew) and how far its clock has gone (`clockAt`); it never
 * changes a result, only which thread does a lane's work.
 */
export interface LaneHelper {
  /** Memory both threads see. */
  readonly alloc: Alloc;
  attach(id: number, buffers: LaneBuffers, cycle: LaneCycle, version: number): void;
  /** The simulation's next event is at `nextMs`: lanes may be advanced up to (not including) it. */
  clockAt(nextMs: number): void;
  /** The latest time the helper may have advanced a lane to (what `clockAt` allowed so far); -Infinity before any. */
  readonly clockMs: number;
}

const localAlloc: Alloc = (bytes) => new ArrayBuffer(bytes);

/** A 4-ary min-heap of entries by time, interleaved in one array so a node's children share cache lines. */
export class EntryHeap {
  size = 0;
  /** Set when `heap` moved to a larger buffer. */
  grew = false;

  constructor(
    public heap: Float64Array,
    private readonly alloc: Alloc,
  ) {}

  /** Entries that fit without growing. */
  get free(): number {
    return this.heap.length / E - this.size;
  }

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

  /** Grows until `n` more entries fit. */
  reserve(n: number): void {
    while (this.free < n) this.grow();
  }

  private grow(): void {
    const grown = new Float64Array(this.alloc(this.heap.byteLength * 2));
    grown.set(this.heap);
    this.heap = grown;
    this.grew = true;
  }

  push(timeMs: number, dueMs: number, roundTripMs: number, slot: number, gen: number): void {
    if ((this.size + 1) * E > this.heap.length) this.grow();
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

function copyEntry(heap: Float64Array, to: number, from: number): void {
  heap[to] = heap[from] as number;
  heap[to + 1] = heap[from + 1] as number;
  heap[to + 2] = heap[from + 2] as number;
  heap[to + 3] = heap[from + 3] as number;
  heap[to + 4] = heap[from + 4] as number;
}

/** A FIFO of entries whose times never decrease, in a growable ring (the entry's time is its ping's due time). */
export class EntryRing {
  mask: number;
  head = 0;
  count = 0;
  /** Set when the ring moved to larger buffers. */
  grew = false;

  constructor(
    public times: Float64Array,
    public roundTrips: Float64Array,
    public slots: Int32Array,
    public gens: Int32Array,
    private readonly alloc: Alloc,
  ) {
    this.mask = times.length - 1;
  }

  /** Entries that fit without growing. */
  get free(): number {
    return this.mask + 1 - this.count;
  }

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

  /** Grows until `n` more entries fit. */
  reserve(n: number): void {
    while (this.free < n) this.grow();
  }

  private grow(): void {
    const n = (this.mask + 1) * 2;
    const times = new Float64Array(this.alloc(n * 8));
    const roundTrips = new Float64Array(this.alloc(n * 8));
    const slots = new Int32Array(this.alloc(n * 4));
    const gens = new Int32Array(this.alloc(n * 4));
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
    this.grew = true;
  }
}

/**
 * A lane's queues, members' records and catch-up loop, over memory one or two threads see. The thread
 * that holds the lock loads the scalars (`enter`), works, and stores them back (`leave`).
 */
export class LaneCore {
  protected rec: Float64Array;
  /** Per slot: the member's generation (a member that leaves bumps it, so its queued entries turn stale). */
  protected gens: Int32Array;
  /** Per slot: 1 while its pong was read after its deadline. */
  protected late: Uint8Array;
  /** Members whose pong was read after its deadline, to hand back (the first `lateCount`). */
  protected lateSlots: Int32Array;
  protected lateCount = 0;
  protected readonly scalars: Float64Array;
  protected readonly counts: Int32Array;
  protected readonly control: Int32Array;
  /** Pings due, in time order; those due before the newest queued wait in `early` instead. */
  protected readonly pings: EntryRing;
  protected readonly early: EntryHeap;
  protected readonly pongs: EntryHeap;
  /** No ping or pong is due before this (it may be earlier than the true next after members leave). */
  protected nextAtMs = Infinity;
  /** Queued entries of members that left. */
  protected stale = 0;
  /** Whether a ping or pong waited past the backlog limit since the last hand-back. */
  protected overloaded = false;
  /** Pings sent and pongs read by the lane in all. */
  protected sentTotal = 0;
  protected readTotal = 0;
  /** Whether the memory is shared with a helper thread (then the lock is taken). */
  protected readonly shared: boolean;

  constructor(
    readonly cpu: CpuQueue,
    readonly cycle: LaneCycle,
    protected readonly alloc: Alloc = localAlloc,
    buffers: LaneBuffers | null = null,
    shared = false,
  ) {
    this.shared = shared || buffers !== null;
    const b = buffers ?? LaneCore.fresh(alloc, cpu);
    this.scalars = b.scalars;
    this.counts = b.counts;
    this.control = b.control;
    this.rec = b.rec;
    this.gens = b.gens;
    this.late = b.late;
    this.lateSlots = b.lateSlots;
    this.pings = new EntryRing(b.ringTimes, b.ringRoundTrips, b.ringSlots, b.ringGens, alloc);
    this.early = new EntryHeap(b.early, alloc);
    this.pongs = new EntryHeap(b.pongs, alloc);
    if (buffers === null) this.scalars[NEXT_AT] = Infinity;
  }

  private static fresh(alloc: Alloc, cpu: CpuQueue): LaneBuffers {
    const f64 = (n: number): Float64Array => new Float64Array(alloc(n * 8));
    const i32 = (n: number): Int32Array => new Int32Array(alloc(n * 4));
    return {
      scalars: f64(SCALARS),
      counts: i32(COUNTS),
      control: i32(4),
      rec: f64(INITIAL * R),
      gens: i32(INITIAL),
      late: new Uint8Array(alloc(INITIAL)),
      lateSlots: i32(INITIAL),
      ringTimes: f64(INITIAL),
      ringRoundTrips: f64(INITIAL),
      ringSlots: i32(INITIAL),
      ringGens: i32(INITIAL),
      early: f64(INITIAL * E),
      pongs: f64(INITIAL * E),
      cpu: cpu.buffers(),
      cpuCores: cpu.cores,
      cpuTracksQueue: cpu.tracksQueue,
    };
  }

  /** The lane's memory as it is now, for a helper thread. */
  buffers(): LaneBuffers {
    const { pings } = this;
    return {
      scalars: this.scalars,
      counts: this.counts,
      control: this.control,
      rec: this.rec,
      gens: this.gens,
      late: this.late,
      lateSlots: this.lateSlots,
      ringTimes: pings.times,
      ringRoundTrips: pings.roundTrips,
      ringSlots: pings.slots,
      ringGens: pings.gens,
      early: this.early.heap,
      pongs: this.pongs.heap,
      cpu: this.cpu.buffers(),
      cpuCores: this.cpu.cores,
      cpuTracksQueue: this.cpu.tracksQueue,
    };
  }

  /** The version of the lane's layout (bumped whenever a buffer grows). */
  get version(): number {
    return Atomics.load(this.control, VERSION);
  }

  /**
   * When the next ping or pong is due, read without the lock: the helper's own test of whether a lane
   * has work by its clock (it re-reads it under the lock). The simulation's thread never decides by it
   * (HeartbeatLane.catchUp keeps its own copy).
   */
  get dueAtMs(): number {
    return this.scalars[NEXT_AT] as number;
  }

  /** Takes the lock (spinning while the helper holds it) and loads the scalars. */
  protected enter(): void {
    const control = this.control;
    if (this.shared && Atomics.compareExchange(control, LOCK, 0, 1) !== 0) {
      if (Atomics.load(control, LOCK) === 1) throw new Error('heartbeat lane: entered twice by the simulation thread');
      Atomics.store(control, WANTED, 1);
      while (Atomics.compareExchange(control, LOCK, 0, 1) !== 0) if (Atomics.load(control, FAILED) === 1) break;
      Atomics.store(control, WANTED, 0);
    }
    if (this.shared && Atomics.load(control, FAILED) === 1) throw new Error('heartbeat lane: the lane worker failed while advancing this lane; the run cannot go on');
    this.load();
  }

  /** The helper failed while holding this lane (it may be half-stepped): the simulation's thread stops at its next use. */
  fail(): void {
    Atomics.store(this.control, FAILED, 1);
  }

  /** Takes the lock if it is free (the helper's side); loads the scalars when it did. */
  tryEnter(): boolean {
    if (Atomics.compareExchange(this.control, LOCK, 0, 2) !== 0) return false;
    this.load();
    return true;
  }

  /** Stores the scalars and releases the lock. */
  leave(): void {
    this.store();
    if (this.shared) Atomics.store(this.control, LOCK, 0);
  }

  private load(): void {
    const s = this.scalars;
    const n = this.counts;
    this.nextAtMs = s[NEXT_AT] as number;
    this.sentTotal = s[PINGS] as number;
    this.readTotal = s[PONGS] as number;
    this.pings.head = n[RING_HEAD] as number;
    this.pings.count = n[RING_COUNT] as number;
    this.early.size = n[EARLY_SIZE] as number;
    this.pongs.size = n[PONGS_SIZE] as number;
    this.stale = n[STALE] as number;
    this.lateCount = n[LATE_COUNT] as number;
    this.overloaded = n[OVERLOADED] === 1;
  }

  private store(): void {
    const s = this.scalars;
    const n = this.counts;
    s[NEXT_AT] = this.nextAtMs;
    s[PINGS] = this.sentTotal;
    s[PONGS] = this.readTotal;
    n[RING_HEAD] = this.pings.head;
    n[RING_COUNT] = this.pings.count;
    n[EARLY_SIZE] = this.early.size;
    n[PONGS_SIZE] = this.pongs.size;
    n[STALE] = this.stale;
    n[LATE_COUNT] = this.lateCount;
    n[OVERLOADED] = this.overloaded ? 1 : 0;
  }

  /** Whether any queue or slot array moved to a larger buffer since the last call (then the version is bumped and a helper must be told). */
  protected takeGrown(slotsGrew: boolean): boolean {
    const grew = slotsGrew || this.pings.grew || this.early.grew || this.pongs.grew;
    this.pings.grew = false;
    this.early.grew = false;
    this.pongs.grew = false;
    if (grew) this.bumpVersion();
    return grew;
  }

  /** Bumps the layout version: a buffer moved, and a helper's view of the lane is stale. */
  protected bumpVersion(): void {
    Atomics.add(this.control, VERSION, 1);
  }

  /**
   * The helper's turn (it holds the lock): advances the lane up to `untilMs` as far as its buffers allow
   * without growing, letting go after a few jobs when the simulation's thread wants the lane. Returns
   * the jobs submitted.
   */
  advanceAsHelper(untilMs: number): number {
    if (untilMs < this.nextAtMs) return 0;
    // Starts before the clock are dropped as `queued` would drop them, so they leave room.
    this.cpu.forgetStartedBy(untilMs);
    let budget = Math.min(this.pings.free, this.early.free, this.pongs.free, this.cpu.freeStarts, this.lateSlots.length - this.lateCount);
    if (budget <= 0) return 0;
    const control = this.control;
    let jobs = 0;
    do {
      const stride = budget < HELPER_STRIDE ? budget : HELPER_STRIDE;
      const done = this.advance(untilMs, stride);
      jobs += done;
      budget -= done;
      if (done < stride) break;
    } while (budget > 0 && Atomics.load(control, WANTED) === 0);
    return jobs;
  }

  /**
   * Submits every ping and pong due by `nowMs` to the run queue in time order, as the per-connection
   * path does: a ping at its due time, its pong one round trip after a core sent it, the next ping
   * from the pong's read (or the ping's timer, as the strategy says); a ping goes first at a tie. A pong
   * read after its deadline is noted in `lateSlots`, a wait past the backlog limit in `overloaded`.
   * Runs of pings (and of pongs) due before anything else go through tight loops. At most `budget`
   * jobs are submitted (each pushes at most one entry and one queued start); the lane then stops
   * between two jobs, which a later call continues from exactly as if it had not stopped. Returns the
   * jobs submitted.
   */
  protected advance(nowMs: number, budget: number): number {
    const { cpu, pings: ring, early, pongs, rec, gens } = this;
    const { pingCostMs, pongCostMs, deadlineMs, afterPongMs, backlogLimitMs } = this.cycle;
    const fromRead = !Number.isNaN(afterPongMs);
    let left = budget;
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
      if (left <= 0) break;
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
            left--;
            const sentAt = cpu.enqueue(at, pingCostMs);
            if (sentAt - at > backlogLimitMs) overloaded = true;
            rec[r + SENT] = sentAt;
            const arrival = sentAt + roundTripMs;
            pongs.push(arrival, at, roundTripMs, slot, g);
            if (arrival < until) until = arrival;
          }
          ringAt = ring.count > 0 ? (ring.times[ring.head] as number) : Infinity;
          at = ringAt;
        } while (at <= until && left > 0);
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
          left--;
          const readAt = cpu.enqueue(at, pongCostMs);
          if (readAt - at > backlogLimitMs) overloaded = true;
          const deadline = dueMs + deadlineMs;
          if (readAt >= deadline) {
            this.late[slot] = 1;
            this.lateSlots[this.lateCount++] = slot;
          } else {
            const next = fromRead ? readAt + afterPongMs : deadline;
            rec[r + DUE] = next;
            this.queue(slot, g, next, roundTripMs);
            if (next < until) until = next;
          }
        }
        at = pongs.size > 0 ? pongs.topMs : Infinity;
      } while (at < until && at <= nowMs && left > 0);
    }
    this.nextAtMs = Math.min(ringAt, earlyAt, pongAt);
    this.sentTotal += sent;
    this.readTotal += read;
    if (overloaded) this.overloaded = true;
    return sent + read;
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
  protected queue(slot: number, gen: number, atMs: number, roundTripMs: number): void {
    if (this.pings.count === 0 || atMs >= this.pings.tailMs) this.pings.push(atMs, roundTripMs, slot, gen);
    else this.early.push(atMs, atMs, roundTripMs, slot, gen);
    if (atMs < this.nextAtMs) this.nextAtMs = atMs;
  }
}
