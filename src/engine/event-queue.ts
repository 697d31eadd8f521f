import { LaneRing } from './lane-ring.js';

/** A callback that receives the numeric argument given when its event was scheduled. */
export type Handler = (arg: number) => void;

const INITIAL_CAPACITY = 1024;
/** Heap entries are [timeMs, seq, slot] triples in one array, so a comparison touches one cache line. */
const H = 3;
/** Slot records are [arg, one-shot flag] pairs; heap positions live apart in a compact Int32Array, since sifts write them. */
const S = 2;

/**
 * An indexed 4-ary min-heap of timer slots, ordered by (time, sequence): half the depth of a
 * binary heap, and a node's four children share one or two cache lines.
 *
 * Every slot knows its heap position, so cancelling or moving a pending timer is one sift in
 * place: no tombstones pile up when a fleet reschedules its heartbeat and timeout timers
 * constantly. Entries and slot records are interleaved typed arrays, about 64 bytes per slot.
 *
 * Beside the heap, lanes hold timers that fire a fixed interval after they are set: each lane is
 * a FIFO already in (time, sequence) order (`LaneRing`), so setting one is O(1) and the next event
 * is the least of the heap's top and the lanes' heads. Sequence numbers are shared, so the order
 * of events is exactly the order one heap would give.
 */
export class EventQueue {
  private heap = new Float64Array(INITIAL_CAPACITY * H);
  private slots = new Float64Array(INITIAL_CAPACITY * S);
  /** A slot's heap position; -1 when it is not pending; -2 - lane when it waits on a lane. */
  private slotPos = new Int32Array(INITIAL_CAPACITY).fill(-1);
  /** A lane slot's time there, and its generation, bumped whenever it leaves a lane unfired. */
  private slotLaneTime = new Float64Array(INITIAL_CAPACITY);
  private slotGen = new Int32Array(INITIAL_CAPACITY);
  private readonly lanes: LaneRing[] = [];
  private laneLive = 0;
  /** The source of the next event as `peekTimeMs` found it (a lane, or null for the heap), until the queue changes. */
  private next: LaneRing | null = null;
  private nextKnown = false;
  private slotHandler: (Handler | undefined)[] = new Array<Handler | undefined>(INITIAL_CAPACITY);
  private freeSlots = new Int32Array(INITIAL_CAPACITY);
  private freeCount = 0;
  private slotCount = 0;
  capacity = INITIAL_CAPACITY;
  private nextSeq = 0;
  private heapSize = 0;
  /** Time of the event most recently removed by `popSlot`. */
  poppedTimeMs = 0;

  /** Number of scheduled (pending) events. */
  get size(): number {
    return this.heapSize + this.laneLive;
  }

  /** Number of allocated slots, pending or not. */
  get allocated(): number {
    return this.slotCount - this.freeCount;
  }

  /** Time of the earliest pending event, or Infinity when empty. */
  peekTimeMs(): number {
    if (this.laneLive === 0) return this.heapSize > 0 ? (this.heap[0] as number) : Infinity;
    const lane = this.earliestLane();
    this.next = lane;
    this.nextKnown = true;
    if (lane !== null) return lane.times[lane.head] as number;
    return this.heapSize > 0 ? (this.heap[0] as number) : Infinity;
  }

  /** Adds a lane for timers that fire `intervalMs` after they are set; returns its index. */
  addLane(intervalMs: number): number {
    this.lanes.push(new LaneRing(intervalMs));
    return this.lanes.length - 1;
  }

  /** Entries, live and stale, held by each lane (for tests and benchmarks). */
  laneEntries(): number[] {
    return this.lanes.map((lane) => lane.count);
  }

  /** Allocates a reusable slot bound to `handler(arg)`; it is not scheduled yet. */
  allocate(handler: Handler, arg: number, oneShot: boolean): number {
    let slot: number;
    if (this.freeCount > 0) {
      slot = this.freeSlots[--this.freeCount] as number;
    } else {
      if (this.slotCount === this.capacity) this.grow();
      slot = this.slotCount++;
    }
    this.slotHandler[slot] = handler;
    const r = slot * S;
    this.slotPos[slot] = -1;
    this.slots[r] = arg;
    this.slots[r + 1] = oneShot ? 1 : 0;
    return slot;
  }

  /** Returns a slot to the free list, cancelling it first if pending. */
  release(slot: number): void {
    this.nextKnown = false;
    const pos = this.slotPos[slot] as number;
    if (pos >= 0) this.remove(slot);
    else if (pos < -1) this.leaveLane(slot);
    this.slotHandler[slot] = undefined;
    this.freeSlots[this.freeCount++] = slot;
  }

  /** When a pending slot fires; NaN when it is not pending. */
  timeOf(slot: number): number {
    const pos = this.slotPos[slot] as number;
    if (pos >= 0) return this.heap[pos * H] as number;
    return pos === -1 ? Number.NaN : (this.slotLaneTime[slot] as number);
  }

  isPending(slot: number): boolean {
    return this.slotPos[slot] !== -1;
  }

  setArg(slot: number, arg: number): void {
    this.slots[slot * S] = arg;
  }

  /** Schedules or moves a slot to `timeMs`; it queues after events already set for that time. */
  set(slot: number, timeMs: number): void {
    const seq = this.nextSeq++;
    this.nextKnown = false;
    const pos = this.slotPos[slot] as number;
    if (pos < 0) {
      if (pos < -1) this.leaveLane(slot);
      this.siftUp(this.heapSize++, timeMs, seq, slot);
      return;
    }
    // A new sequence number always orders later, so an equal time also sifts down.
    if (timeMs < (this.heap[pos * H] as number)) this.siftUp(pos, timeMs, seq, slot);
    else this.siftDown(pos, timeMs, seq, slot);
  }

  /**
   * Schedules or moves a slot to fire on lane `lane` at `timeMs`, which must be the time now plus
   * the lane's interval: lanes rely on the clock never going back to stay in order.
   */
  setOnLane(slot: number, lane: number, timeMs: number): void {
    const seq = this.nextSeq++;
    this.nextKnown = false;
    const pos = this.slotPos[slot] as number;
    if (pos >= 0) this.remove(slot);
    else if (pos < -1) this.leaveLane(slot);
    const gen = this.slotGen[slot] as number;
    (this.lanes[lane] as LaneRing).push(timeMs, seq, slot, gen);
    this.slotPos[slot] = -2 - lane;
    this.slotLaneTime[slot] = timeMs;
    this.laneLive++;
  }

  /** Cancels a pending slot; a no-op when it is not pending. */
  cancel(slot: number): void {
    this.nextKnown = false;
    const pos = this.slotPos[slot] as number;
    if (pos >= 0) this.remove(slot);
    else if (pos < -1) this.leaveLane(slot);
  }

  /** Removes the earliest event and returns its slot, leaving its time in `poppedTimeMs`. */
  popSlot(): number {
    if (this.laneLive > 0) {
      const lane = this.nextKnown ? this.next : this.earliestLane();
      this.nextKnown = false;
      if (lane !== null) return this.popLane(lane);
    }
    return this.popHeap();
  }

  /** The lane whose head comes before the heap's top and every other lane's head, or null. */
  private earliestLane(): LaneRing | null {
    let best: LaneRing | null = null;
    let bt = this.heapSize > 0 ? (this.heap[0] as number) : Infinity;
    let bs = this.heapSize > 0 ? (this.heap[1] as number) : Infinity;
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
    this.slotPos[slot] = -1;
    return slot;
  }

  /** Drops stale entries from a lane's head; the lane must hold a live entry. */
  private skipStale(lane: LaneRing): void {
    const gens = this.slotGen;
    while (lane.gens[lane.head] !== gens[lane.slots[lane.head] as number]) lane.shift();
  }

  /** Takes a slot off its lane unfired: its entry there goes stale. */
  private leaveLane(slot: number): void {
    const lane = this.lanes[-2 - (this.slotPos[slot] as number)] as LaneRing;
    this.slotPos[slot] = -1;
    this.slotGen[slot] = ((this.slotGen[slot] as number) + 1) | 0;
    this.laneLive--;
    lane.forget(this.slotGen);
  }

  private popHeap(): number {
    const heap = this.heap;
    const slot = heap[2] as number;
    this.poppedTimeMs = heap[0] as number;
    this.slotPos[slot] = -1;
    const last = --this.heapSize;
    if (last > 0) {
      const l = last * H;
      this.siftDown(0, heap[l] as number, heap[l + 1] as number, heap[l + 2] as number);
    }
    return slot;
  }

  handlerOf(slot: number): Handler | undefined {
    return this.slotHandler[slot];
  }

  argOf(slot: number): number {
    return this.slots[slot * S] as number;
  }

  isOneShot(slot: number): boolean {
    return this.slots[slot * S + 1] === 1;
  }

  private remove(slot: number): void {
    const heap = this.heap;
    const pos = this.slotPos[slot] as number;
    this.slotPos[slot] = -1;
    const last = --this.heapSize;
    if (pos === last) return;
    const l = last * H;
    const timeMs = heap[l] as number;
    const seq = heap[l + 1] as number;
    const moved = heap[l + 2] as number;
    const parent = ((pos - 1) >> 2) * H;
    if (pos > 0 && (timeMs < (heap[parent] as number) || (timeMs === heap[parent] && seq < (heap[parent + 1] as number)))) {
      this.siftUp(pos, timeMs, seq, moved);
    } else {
      this.siftDown(pos, timeMs, seq, moved);
    }
  }

  /** Places (timeMs, seq, slot) at `start` or above it. */
  private siftUp(start: number, timeMs: number, seq: number, slot: number): void {
    const heap = this.heap;
    const positions = this.slotPos;
    let pos = start;
    while (pos > 0) {
      const parent = (pos - 1) >> 2;
      const p = parent * H;
      const pt = heap[p] as number;
      if (pt < timeMs || (pt === timeMs && (heap[p + 1] as number) < seq)) break;
      const at = pos * H;
      heap[at] = pt;
      heap[at + 1] = heap[p + 1] as number;
      const ps = heap[p + 2] as number;
      heap[at + 2] = ps;
      positions[ps] = pos;
      pos = parent;
    }
    const at = pos * H;
    heap[at] = timeMs;
    heap[at + 1] = seq;
    heap[at + 2] = slot;
    positions[slot] = pos;
  }

  /** Places (timeMs, seq, slot) at `start` or below it. */
  private siftDown(start: number, timeMs: number, seq: number, slot: number): void {
    const heap = this.heap;
    const positions = this.slotPos;
    const size = this.heapSize;
    let pos = start;
    for (;;) {
      const first = 4 * pos + 1;
      if (first >= size) break;
      let child = first;
      let c = child * H;
      let ct = heap[c] as number;
      let cs = heap[c + 1] as number;
      const end = Math.min(first + 4, size);
      for (let k = first + 1; k < end; k++) {
        const r = k * H;
        const rt = heap[r] as number;
        if (rt > ct) continue;
        const rs = heap[r + 1] as number;
        if (rt < ct || rs < cs) {
          child = k;
          c = r;
          ct = rt;
          cs = rs;
        }
      }
      if (timeMs < ct || (timeMs === ct && seq < cs)) break;
      const at = pos * H;
      heap[at] = ct;
      heap[at + 1] = cs;
      const s = heap[c + 2] as number;
      heap[at + 2] = s;
      positions[s] = pos;
      pos = child;
    }
    const at = pos * H;
    heap[at] = timeMs;
    heap[at + 1] = seq;
    heap[at + 2] = slot;
    positions[slot] = pos;
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    const heap = new Float64Array(capacity * H);
    heap.set(this.heap);
    this.heap = heap;
    const slots = new Float64Array(capacity * S);
    slots.set(this.slots);
    this.slots = slots;
    const positions = new Int32Array(capacity).fill(-1);
    positions.set(this.slotPos);
    this.slotPos = positions;
    const laneTimes = new Float64Array(capacity);
    laneTimes.set(this.slotLaneTime);
    this.slotLaneTime = laneTimes;
    const gens = new Int32Array(capacity);
    gens.set(this.slotGen);
    this.slotGen = gens;
    const free = new Int32Array(capacity);
    free.set(this.freeSlots);
    this.freeSlots = free;
    this.slotHandler.length = capacity;
    this.capacity = capacity;
  }
}
