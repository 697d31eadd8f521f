import { LaneRing } from './lane-ring.js';
import { ShotHeap } from './shot-heap.js';

/** A callback that receives the numeric argument given when its event was scheduled. */
export type Handler = (arg: number) => void;

const INITIAL_CAPACITY = 1024;
/** Heap entries are [timeMs, seq, slot] triples in one array, so a comparison touches one cache line. */
const H = 3;
/**
 * Slot records (timers) are [arg, seq, timeMs, flags] quadruples (`RECORD` fields): seq is the
 * sequence number of the slot's live entry, -1 when it is not pending; timeMs is when that entry
 * fires; flags is 2 × (lane + 1) while it waits on a lane, plus `HANDLER_UNIT` × the id of its
 * handler in the handler table. The handler's id sits in the record that a pop reads anyway, so a
 * pop touches one slot cache line, not a second array of handlers.
 */
const RECORD = 4;
const ARG = 0;
const SEQ = 1;
const TIME = 2;
const FLAGS = 3;
/** Flags below this unit hold 2 × (lane + 1), so there are at most HANDLER_UNIT / 2 - 1 lanes. */
const HANDLER_UNIT = 2 ** 21;
const LANE_BITS = HANDLER_UNIT - 1;
/** Handler ids no slot uses any more tolerated before the table forgets them (and they can be collected). */
const IDLE_HANDLERS_MAX = 64;

/** Stale heap entries tolerated before a purge; past this, the heap is rebuilt once they outnumber the live ones. */
const PURGE_MIN = 1024;

/** Slot flags with the lane set to `lane`, or to none when -1. */
function onLane(flags: number, lane: number): number {
  return flags - (flags & LANE_BITS) + 2 * (lane + 1);
}

/**
 * A 4-ary min-heap of timer entries ordered by (time, sequence), with lazy deletion: half the
 * depth of a binary heap, and a node's four children share two or three cache lines.
 *
 * The heap keeps no positions, so a sift moves entries and touches nothing else. Moving a pending
 * timer pushes a fresh entry and cancelling one only marks it: the old entry goes stale (its
 * sequence number is no longer its slot's) and is dropped when it reaches the top, which always
 * holds a live entry. When stale entries outnumber live ones (and more than `PURGE_MIN`), the heap
 * is rebuilt from its live entries in O(n), so memory stays bounded when a fleet reschedules its
 * heartbeat and timeout timers constantly. Slot records keep each pending timer's time, so `size`,
 * `timeOf` and `isPending` are exact.
 *
 * Beside the heap, lanes hold timers that fire a fixed interval after they are set: each lane is
 * a FIFO already in (time, sequence) order (`LaneRing`), so setting one is O(1); and one-shot events,
 * which need no slot, wait in a heap of their own that carries their handler and argument
 * (`ShotHeap`). The next event is the least of the heaps' tops and the lanes' heads. Sequence
 * numbers are shared, so the order of events is exactly the order one heap would give.
 */
export class EventQueue {
  private heap = new Float64Array(INITIAL_CAPACITY * H);
  private heapCapacity = INITIAL_CAPACITY;
  /** Heap entries, stale ones included. */
  private heapSize = 0;
  /** Heap entries that are their slot's live one. */
  private heapLive = 0;
  private slots = new Float64Array(INITIAL_CAPACITY * RECORD);
  private readonly lanes: LaneRing[] = [];
  private readonly shots = new ShotHeap();
  /** Pending one-shot events (the shot heap's size, kept here for the hot paths). */
  private shotLive = 0;
  private laneLive = 0;
  /** The source of the next event as `peekTimeMs` found it (a lane, or null for the heap), until the queue changes. */
  private next: LaneRing | null = null;
  private nextKnown = false;
  /** Distinct handlers of allocated slots by id, with how many slots use each. */
  private readonly handlers: (Handler | undefined)[] = [];
  private readonly handlerRefs: number[] = [];
  private readonly handlerIds = new Map<Handler, number>();
  private readonly freeHandlerIds: number[] = [];
  private idleHandlers = 0;
  private lastHandler: Handler | undefined = undefined;
  private lastHandlerId = -1;
  private freeSlots = new Int32Array(INITIAL_CAPACITY);
  private freeCount = 0;
  private slotCount = 0;
  capacity = INITIAL_CAPACITY;
  private nextSeq = 0;
  /** Time, handler and argument of the event most recently removed by `popSlot`. */
  poppedTimeMs = 0;
  poppedHandler: Handler | undefined = undefined;
  poppedArg = 0;

  /** Number of scheduled (pending) events. */
  get size(): number {
    return this.heapLive + this.laneLive + this.shotLive;
  }

  /** Number of allocated slots, pending or not. */
  get allocated(): number {
    return this.slotCount - this.freeCount;
  }

  /** Entries the heap holds, live and stale (for tests and benchmarks). */
  get heapEntries(): number {
    return this.heapSize;
  }

  /** Handlers the handler table holds, used by slots or not yet forgotten (for tests). */
  get handlersKnown(): number {
    return this.handlerIds.size;
  }

  /** Time of the earliest pending event, or Infinity when empty. */
  peekTimeMs(): number {
    if (this.laneLive > 0) {
      const lane = this.earliestLane();
      this.next = lane;
      this.nextKnown = true;
      if (lane !== null) return lane.times[lane.head] as number;
    }
    const heapMs = this.heapSize > 0 ? (this.heap[0] as number) : Infinity;
    if (this.shotLive === 0) return heapMs;
    const shotMs = this.shots.topTimeMs;
    return shotMs < heapMs ? shotMs : heapMs;
  }

  /** Adds a lane for timers that fire `intervalMs` after they are set; returns its index. */
  addLane(intervalMs: number): number {
    if (this.lanes.length === LANE_BITS >> 1) throw new RangeError(`Expected at most ${String(LANE_BITS >> 1)} lanes`);
    this.lanes.push(new LaneRing(intervalMs));
    return this.lanes.length - 1;
  }

  /** Entries, live and stale, held by each lane (for tests and benchmarks). */
  laneEntries(): number[] {
    return this.lanes.map((lane) => lane.count);
  }

  /** Allocates a reusable slot (a timer) bound to `handler(arg)`; it is not scheduled yet. */
  allocate(handler: Handler, arg: number): number {
    let slot: number;
    if (this.freeCount > 0) {
      slot = this.freeSlots[--this.freeCount] as number;
    } else {
      if (this.slotCount === this.capacity) this.grow();
      slot = this.slotCount++;
    }
    const id = this.useHandler(handler);
    const r = slot * RECORD;
    const slots = this.slots;
    slots[r + ARG] = arg;
    slots[r + SEQ] = -1;
    slots[r + FLAGS] = HANDLER_UNIT * id;
    return slot;
  }

  /** Schedules a one-shot `handler(arg)` at `timeMs`, after events already set for that time; it cannot be cancelled. */
  push(handler: Handler, arg: number, timeMs: number): void {
    this.nextKnown = false;
    this.shotLive++;
    this.shots.push(timeMs, this.nextSeq++, this.useHandler(handler), arg);
  }

  /** Returns a slot to the free list, cancelling it first if pending. */
  release(slot: number): void {
    this.cancel(slot);
    const id = this.handlerIdOf(slot);
    this.slots[slot * RECORD + FLAGS] = 0;
    this.freeSlots[this.freeCount++] = slot;
    this.dropHandler(id);
  }

  /** The id of `handler`, counted as used once more (by a slot or a pending one-shot event). */
  private useHandler(handler: Handler): number {
    const id = this.handlerId(handler);
    const refs = this.handlerRefs[id] as number;
    this.handlerRefs[id] = refs + 1;
    if (refs === 0) this.idleHandlers--;
    return id;
  }

  private dropHandler(id: number): void {
    const refs = (this.handlerRefs[id] as number) - 1;
    this.handlerRefs[id] = refs;
    if (refs === 0) this.handlerIdle();
  }

  /** The id of `handler` in the handler table, added when new. */
  private handlerId(handler: Handler): number {
    if (handler === this.lastHandler) return this.lastHandlerId;
    let id = this.handlerIds.get(handler);
    if (id === undefined) {
      id = this.freeHandlerIds.pop() ?? this.handlers.length;
      this.handlers[id] = handler;
      this.handlerRefs[id] = 0;
      this.handlerIds.set(handler, id);
      this.idleHandlers++;
    }
    this.lastHandler = handler;
    this.lastHandlerId = id;
    return id;
  }

  /** A handler lost its last slot; forgets the unused ones when they outnumber the used ones. */
  private handlerIdle(): void {
    const inUse = this.handlers.length - this.freeHandlerIds.length - ++this.idleHandlers;
    if (this.idleHandlers <= IDLE_HANDLERS_MAX || this.idleHandlers <= inUse) return;
    for (let id = 0; id < this.handlers.length; id++) {
      const handler = this.handlers[id];
      if (handler === undefined || this.handlerRefs[id] !== 0) continue;
      this.handlerIds.delete(handler);
      this.handlers[id] = undefined;
      this.freeHandlerIds.push(id);
    }
    this.idleHandlers = 0;
    this.lastHandler = undefined;
  }

  private handlerIdOf(slot: number): number {
    return Math.floor((this.slots[slot * RECORD + FLAGS] as number) / HANDLER_UNIT);
  }

  /** When a pending slot fires; NaN when it is not pending. */
  timeOf(slot: number): number {
    const r = slot * RECORD;
    return (this.slots[r + SEQ] as number) < 0 ? Number.NaN : (this.slots[r + TIME] as number);
  }

  isPending(slot: number): boolean {
    return (this.slots[slot * RECORD + SEQ] as number) >= 0;
  }

  setArg(slot: number, arg: number): void {
    this.slots[slot * RECORD + ARG] = arg;
  }

  /** Schedules or moves a slot to `timeMs`; it queues after events already set for that time. */
  set(slot: number, timeMs: number): void {
    const seq = this.nextSeq++;
    this.nextKnown = false;
    const r = slot * RECORD;
    const slots = this.slots;
    if ((slots[r + SEQ] as number) >= 0) this.unschedule(r);
    slots[r + SEQ] = seq;
    slots[r + TIME] = timeMs;
    this.heapLive++;
    if (this.heapSize === this.heapCapacity) this.growHeap();
    this.siftUp(this.heapSize++, timeMs, seq, slot);
  }

  /**
   * Schedules or moves a slot to fire on lane `lane` at `timeMs`, which must be the time now plus
   * the lane's interval: lanes rely on the clock never going back to stay in order.
   */
  setOnLane(slot: number, lane: number, timeMs: number): void {
    const seq = this.nextSeq++;
    this.nextKnown = false;
    const r = slot * RECORD;
    const slots = this.slots;
    if ((slots[r + SEQ] as number) >= 0) this.unschedule(r);
    (this.lanes[lane] as LaneRing).push(timeMs, seq, slot);
    slots[r + SEQ] = seq;
    slots[r + TIME] = timeMs;
    slots[r + FLAGS] = onLane(slots[r + FLAGS] as number, lane);
    this.laneLive++;
  }

  /** Cancels a pending slot; a no-op when it is not pending. */
  cancel(slot: number): void {
    this.nextKnown = false;
    const r = slot * RECORD;
    if ((this.slots[r + SEQ] as number) >= 0) this.unschedule(r);
  }

  /**
   * Removes the earliest event, leaving its time, handler and argument in `poppedTimeMs`,
   * `poppedHandler` and `poppedArg`; returns its slot, or -1 for a one-shot event.
   */
  popSlot(): number {
    if (this.laneLive > 0) {
      const lane = this.nextKnown ? this.next : this.earliestLane();
      this.nextKnown = false;
      if (lane !== null) return this.popLane(lane);
    }
    if (this.shotLive === 0 || (this.heapSize > 0 && !this.shotFirst())) return this.popHeap();
    return this.popShot();
  }

  /** Whether the one-shot heap's top comes before the timer heap's (both non-empty). */
  private shotFirst(): boolean {
    const t = this.shots.topTimeMs;
    const ht = this.heap[0] as number;
    return t < ht || (t === ht && this.shots.topSeq < (this.heap[1] as number));
  }

  private popShot(): number {
    const shots = this.shots;
    const heap = shots.heap;
    this.poppedTimeMs = heap[0] as number;
    const id = heap[2] as number;
    this.poppedHandler = this.handlers[id];
    this.poppedArg = heap[3] as number;
    shots.removeTop();
    this.shotLive--;
    this.dropHandler(id);
    return -1;
  }

  handlerOf(slot: number): Handler | undefined {
    return this.handlers[this.handlerIdOf(slot)];
  }

  argOf(slot: number): number {
    return this.slots[slot * RECORD + ARG] as number;
  }

  /** Whether the entry (slot, seq) is its slot's live one. */
  private readonly isLive = (slot: number, seq: number): boolean => this.slots[slot * RECORD + SEQ] === seq;

  /** Takes the pending slot whose record starts at `r` out of the queue: its entry goes stale. */
  private unschedule(r: number): void {
    const slots = this.slots;
    slots[r + SEQ] = -1;
    const flags = slots[r + FLAGS] as number;
    const lane = (flags & LANE_BITS) >> 1;
    if (lane > 0) {
      slots[r + FLAGS] = onLane(flags, -1);
      this.laneLive--;
      (this.lanes[lane - 1] as LaneRing).forget(this.isLive);
      return;
    }
    this.heapLive--;
    this.dropStaleTop();
    const stale = this.heapSize - this.heapLive;
    if (stale > PURGE_MIN && stale > this.heapLive) this.purge();
  }

  /** The lane whose head comes before both heaps' tops and every other lane's head, or null. */
  private earliestLane(): LaneRing | null {
    let best: LaneRing | null = null;
    let bt = this.heapSize > 0 ? (this.heap[0] as number) : Infinity;
    let bs = this.heapSize > 0 ? (this.heap[1] as number) : Infinity;
    if (this.shotLive > 0 && (this.shots.topTimeMs < bt || (this.shots.topTimeMs === bt && this.shots.topSeq < bs))) {
      bt = this.shots.topTimeMs;
      bs = this.shots.topSeq;
    }
    for (const lane of this.lanes) {
      if (lane.live === 0) continue;
      this.skipStale(lane);
      const h = lane.head;
      const t = lane.times[h] as number;
      if (t > bt) continue;
      const s = lane.seqs[h] as number;
      if (t < bt || s < bs) {
        best = lane;
        bt = t;
        bs = s;
      }
    }
    return best;
  }

  private popLane(lane: LaneRing): number {
    const h = lane.head;
    const slot = lane.slots[h] as number;
    this.poppedTimeMs = lane.times[h] as number;
    lane.shift();
    lane.live--;
    this.laneLive--;
    const r = slot * RECORD;
    const slots = this.slots;
    slots[r + SEQ] = -1;
    const flags = onLane(slots[r + FLAGS] as number, -1);
    slots[r + FLAGS] = flags;
    this.poppedHandler = this.handlers[Math.floor(flags / HANDLER_UNIT)];
    this.poppedArg = slots[r + ARG] as number;
    return slot;
  }

  /** Drops stale entries from a lane's head; the lane must hold a live entry. */
  private skipStale(lane: LaneRing): void {
    const slots = this.slots;
    while (slots[(lane.slots[lane.head] as number) * RECORD + SEQ] !== lane.seqs[lane.head]) lane.shift();
  }

  /** Removes the heap's top, which is live; the next live entry becomes the top. */
  private popHeap(): number {
    const heap = this.heap;
    const slot = heap[2] as number;
    this.poppedTimeMs = heap[0] as number;
    const r = slot * RECORD;
    const slots = this.slots;
    slots[r + SEQ] = -1;
    this.heapLive--;
    this.removeTop();
    // Without stale entries the new top is live: skip reading its slot record.
    if (this.heapSize !== this.heapLive) this.dropStaleTop();
    // Read last, so that fetching the record overlaps the sift.
    this.poppedHandler = this.handlers[Math.floor((slots[r + FLAGS] as number) / HANDLER_UNIT)];
    this.poppedArg = slots[r + ARG] as number;
    return slot;
  }

  /**
   * Removes the top entry: its hole moves down to a leaf along the least children, and the last
   * entry, which mostly belongs near the bottom, sifts up from there (fewer comparisons than
   * sifting it down from the top).
   */
  private removeTop(): void {
    const size = --this.heapSize;
    if (size === 0) return;
    const heap = this.heap;
    let pos = 0;
    for (;;) {
      const first = 4 * pos + 1;
      if (first >= size) break;
      const child = this.leastChild(first, Math.min(first + 4, size));
      const at = pos * H;
      const c = child * H;
      heap[at] = heap[c] as number;
      heap[at + 1] = heap[c + 1] as number;
      heap[at + 2] = heap[c + 2] as number;
      pos = child;
    }
    const l = size * H;
    this.siftUp(pos, heap[l] as number, heap[l + 1] as number, heap[l + 2] as number);
  }

  /** The least of the entries at positions [first, end). */
  private leastChild(first: number, end: number): number {
    const heap = this.heap;
    let child = first;
    let ct = heap[first * H] as number;
    let cs = heap[first * H + 1] as number;
    for (let k = first + 1; k < end; k++) {
      const r = k * H;
      const rt = heap[r] as number;
      if (rt > ct) continue;
      const rs = heap[r + 1] as number;
      if (rt < ct || rs < cs) {
        child = k;
        ct = rt;
        cs = rs;
      }
    }
    return child;
  }

  /** Removes stale entries from the top, so that the top is live or the heap empty. */
  private dropStaleTop(): void {
    const heap = this.heap;
    const slots = this.slots;
    while (this.heapSize > 0 && slots[(heap[2] as number) * RECORD + SEQ] !== heap[1]) this.removeTop();
  }

  /** Keeps only the live entries and rebuilds the heap from them (Floyd's heapify, O(n)). */
  private purge(): void {
    const heap = this.heap;
    const slots = this.slots;
    let kept = 0;
    for (let at = 0, end = this.heapSize * H; at < end; at += H) {
      const seq = heap[at + 1] as number;
      const slot = heap[at + 2] as number;
      if (slots[slot * RECORD + SEQ] !== seq) continue;
      const to = kept++ * H;
      heap[to] = heap[at] as number;
      heap[to + 1] = seq;
      heap[to + 2] = slot;
    }
    this.heapSize = kept;
    for (let pos = (kept - 2) >> 2; pos >= 0; pos--) {
      const at = pos * H;
      this.siftDown(pos, heap[at] as number, heap[at + 1] as number, heap[at + 2] as number);
    }
  }

  /** Places (timeMs, seq, slot) at `start` or above it. */
  private siftUp(start: number, timeMs: number, seq: number, slot: number): void {
    const heap = this.heap;
    let pos = start;
    while (pos > 0) {
      const parent = (pos - 1) >> 2;
      const p = parent * H;
      const pt = heap[p] as number;
      if (pt < timeMs || (pt === timeMs && (heap[p + 1] as number) < seq)) break;
      const at = pos * H;
      heap[at] = pt;
      heap[at + 1] = heap[p + 1] as number;
      heap[at + 2] = heap[p + 2] as number;
      pos = parent;
    }
    const at = pos * H;
    heap[at] = timeMs;
    heap[at + 1] = seq;
    heap[at + 2] = slot;
  }

  /** Places (timeMs, seq, slot) at `start` or below it. */
  private siftDown(start: number, timeMs: number, seq: number, slot: number): void {
    const heap = this.heap;
    const size = this.heapSize;
    let pos = start;
    for (;;) {
      const first = 4 * pos + 1;
      if (first >= size) break;
      const child = this.leastChild(first, Math.min(first + 4, size));
      const c = child * H;
      const ct = heap[c] as number;
      const cs = heap[c + 1] as number;
      if (timeMs < ct || (timeMs === ct && seq < cs)) break;
      const at = pos * H;
      heap[at] = ct;
      heap[at + 1] = cs;
      heap[at + 2] = heap[c + 2] as number;
      pos = child;
    }
    const at = pos * H;
    heap[at] = timeMs;
    heap[at + 1] = seq;
    heap[at + 2] = slot;
  }

  private growHeap(): void {
    this.heapCapacity *= 2;
    const heap = new Float64Array(this.heapCapacity * H);
    heap.set(this.heap);
    this.heap = heap;
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    const slots = new Float64Array(capacity * RECORD);
    slots.set(this.slots);
    this.slots = slots;
    const free = new Int32Array(capacity);
    free.set(this.freeSlots);
    this.freeSlots = free;
    this.capacity = capacity;
  }
}
