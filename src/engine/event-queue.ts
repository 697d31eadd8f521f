/** A callback that receives the numeric argument given when its event was scheduled. */
export type Handler = (arg: number) => void;

const INITIAL_CAPACITY = 1024;

/**
 * An indexed binary min-heap of timer slots, ordered by (time, sequence).
 *
 * Every slot knows its heap position, so cancelling or moving a pending timer
 * is one sift in place: no tombstones pile up when a fleet reschedules its
 * heartbeat and timeout timers constantly. Columns are typed arrays, about 45
 * bytes per slot.
 */
export class EventQueue {
  private heapTimeMs = new Float64Array(INITIAL_CAPACITY);
  private heapSeq = new Float64Array(INITIAL_CAPACITY);
  private heapSlot = new Int32Array(INITIAL_CAPACITY);
  private slotPos = new Int32Array(INITIAL_CAPACITY).fill(-1);
  private slotArg = new Float64Array(INITIAL_CAPACITY);
  private slotOneShot = new Uint8Array(INITIAL_CAPACITY);
  private slotHandler: (Handler | undefined)[] = new Array<Handler | undefined>(INITIAL_CAPACITY);
  private freeSlots = new Int32Array(INITIAL_CAPACITY);
  private freeCount = 0;
  private slotCount = 0;
  private nextSeq = 0;
  private heapSize = 0;
  /** Time of the event most recently removed by `popSlot`. */
  poppedTimeMs = 0;

  /** Number of scheduled (pending) events. */
  get size(): number {
    return this.heapSize;
  }

  /** Number of allocated slots, pending or not. */
  get allocated(): number {
    return this.slotCount - this.freeCount;
  }

  /** Time of the earliest pending event, or Infinity when empty. */
  peekTimeMs(): number {
    return this.heapSize > 0 ? (this.heapTimeMs[0] as number) : Infinity;
  }

  /** Allocates a reusable slot bound to `handler(arg)`; it is not scheduled yet. */
  allocate(handler: Handler, arg: number, oneShot: boolean): number {
    let slot: number;
    if (this.freeCount > 0) {
      slot = this.freeSlots[--this.freeCount] as number;
    } else {
      if (this.slotCount === this.slotPos.length) this.grow();
      slot = this.slotCount++;
    }
    this.slotHandler[slot] = handler;
    this.slotArg[slot] = arg;
    this.slotOneShot[slot] = oneShot ? 1 : 0;
    this.slotPos[slot] = -1;
    return slot;
  }

  /** Returns a slot to the free list, cancelling it first if pending. */
  release(slot: number): void {
    if (this.slotPos[slot] !== -1) this.remove(slot);
    this.slotHandler[slot] = undefined;
    this.freeSlots[this.freeCount++] = slot;
  }

  /** When a pending slot fires; NaN when it is not pending. */
  timeOf(slot: number): number {
    const pos = this.slotPos[slot] as number;
    return pos === -1 ? Number.NaN : (this.heapTimeMs[pos] as number);
  }

  isPending(slot: number): boolean {
    return this.slotPos[slot] !== -1;
  }

  setArg(slot: number, arg: number): void {
    this.slotArg[slot] = arg;
  }

  /** Schedules or moves a slot to `timeMs`; it queues after events already set for that time. */
  set(slot: number, timeMs: number): void {
    const seq = this.nextSeq++;
    const pos = this.slotPos[slot] as number;
    if (pos === -1) {
      const at = this.heapSize++;
      this.heapTimeMs[at] = timeMs;
      this.heapSeq[at] = seq;
      this.heapSlot[at] = slot;
      this.slotPos[slot] = at;
      this.siftUp(at);
      return;
    }
    const wasTimeMs = this.heapTimeMs[pos] as number;
    this.heapTimeMs[pos] = timeMs;
    this.heapSeq[pos] = seq;
    // A new sequence number always orders later, so an equal time also sifts down.
    if (timeMs < wasTimeMs) this.siftUp(pos);
    else this.siftDown(pos);
  }

  /** Cancels a pending slot; a no-op when it is not pending. */
  cancel(slot: number): void {
    if (this.slotPos[slot] !== -1) this.remove(slot);
  }

  /**
   * Removes the earliest event and returns its slot, leaving its time in `poppedTimeMs`.
   */
  popSlot(): number {
    const slot = this.heapSlot[0] as number;
    this.poppedTimeMs = this.heapTimeMs[0] as number;
    this.slotPos[slot] = -1;
    const last = --this.heapSize;
    if (last > 0) {
      this.moveEntry(last, 0);
      this.siftDown(0);
    }
    return slot;
  }

  handlerOf(slot: number): Handler | undefined {
    return this.slotHandler[slot];
  }

  argOf(slot: number): number {
    return this.slotArg[slot] as number;
  }

  isOneShot(slot: number): boolean {
    return this.slotOneShot[slot] === 1;
  }

  private remove(slot: number): void {
    const pos = this.slotPos[slot] as number;
    this.slotPos[slot] = -1;
    const last = --this.heapSize;
    if (pos === last) return;
    this.moveEntry(last, pos);
    if (pos > 0 && this.less(pos, (pos - 1) >> 1)) this.siftUp(pos);
    else this.siftDown(pos);
  }

  private moveEntry(from: number, to: number): void {
    const slot = this.heapSlot[from] as number;
    this.heapTimeMs[to] = this.heapTimeMs[from] as number;
    this.heapSeq[to] = this.heapSeq[from] as number;
    this.heapSlot[to] = slot;
    this.slotPos[slot] = to;
  }

  private less(a: number, b: number): boolean {
    const ta = this.heapTimeMs[a] as number;
    const tb = this.heapTimeMs[b] as number;
    return ta < tb || (ta === tb && (this.heapSeq[a] as number) < (this.heapSeq[b] as number));
  }

  private siftUp(start: number): void {
    const times = this.heapTimeMs;
    const seqs = this.heapSeq;
    const slots = this.heapSlot;
    const positions = this.slotPos;
    const timeMs = times[start] as number;
    const seq = seqs[start] as number;
    const slot = slots[start] as number;
    let pos = start;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      const pt = times[parent] as number;
      if (pt < timeMs || (pt === timeMs && (seqs[parent] as number) < seq)) break;
      times[pos] = pt;
      seqs[pos] = seqs[parent] as number;
      const ps = slots[parent] as number;
      slots[pos] = ps;
      positions[ps] = pos;
      pos = parent;
    }
    times[pos] = timeMs;
    seqs[pos] = seq;
    slots[pos] = slot;
    positions[slot] = pos;
  }

  private siftDown(start: number): void {
    const times = this.heapTimeMs;
    const seqs = this.heapSeq;
    const slots = this.heapSlot;
    const positions = this.slotPos;
    const size = this.heapSize;
    const timeMs = times[start] as number;
    const seq = seqs[start] as number;
    const slot = slots[start] as number;
    let pos = start;
    for (;;) {
      let child = 2 * pos + 1;
      if (child >= size) break;
      let ct = times[child] as number;
      let cs = seqs[child] as number;
      const right = child + 1;
      if (right < size) {
        const rt = times[right] as number;
        const rs = seqs[right] as number;
        if (rt < ct || (rt === ct && rs < cs)) {
          child = right;
          ct = rt;
          cs = rs;
        }
      }
      if (timeMs < ct || (timeMs === ct && seq < cs)) break;
      times[pos] = ct;
      seqs[pos] = cs;
      const s = slots[child] as number;
      slots[pos] = s;
      positions[s] = pos;
      pos = child;
    }
    times[pos] = timeMs;
    seqs[pos] = seq;
    slots[pos] = slot;
    positions[slot] = pos;
  }

  private grow(): void {
    const capacity = this.slotPos.length * 2;
    this.heapTimeMs = growFloat(this.heapTimeMs, capacity);
    this.heapSeq = growFloat(this.heapSeq, capacity);
    this.heapSlot = growInt(this.heapSlot, capacity);
    const positions = new Int32Array(capacity).fill(-1);
    positions.set(this.slotPos);
    this.slotPos = positions;
    this.slotArg = growFloat(this.slotArg, capacity);
    const oneShot = new Uint8Array(capacity);
    oneShot.set(this.slotOneShot);
    this.slotOneShot = oneShot;
    this.freeSlots = growInt(this.freeSlots, capacity);
    this.slotHandler.length = capacity;
  }
}

function growFloat(a: Float64Array, capacity: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(capacity);
  b.set(a);
  return b;
}

function growInt(a: Int32Array, capacity: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(capacity);
  b.set(a);
  return b;
}
