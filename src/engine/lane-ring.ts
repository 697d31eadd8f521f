const INITIAL_CAPACITY = 256;
/** Stale entries tolerated before a compaction; past this, a lane compacts once they outnumber the live ones. */
const COMPACT_MIN = 4096;
/** Whether the entry (slot, seq) is its slot's live one: a moved or cancelled timer's old entries are stale. */
export type Liveness = (slot: number, seq: number) => boolean;

/**
 * The FIFO of one timer lane: (time, sequence, slot) entries in a growable ring.
 *
 * Every timer on a lane fires a fixed interval after it was set, and the clock never goes back,
 * so entries arrive in (time, sequence) order and the head is always the lane's earliest. A
 * timer moved or cancelled leaves its entry behind as stale (its sequence number is no longer
 * the slot's); stale heads are skipped, and the ring compacts when stale entries outnumber live ones.
 */
export class LaneRing {
  times = new Float64Array(INITIAL_CAPACITY);
  seqs = new Float64Array(INITIAL_CAPACITY);
  slots = new Int32Array(INITIAL_CAPACITY);
  mask = INITIAL_CAPACITY - 1;
  /** Ring index of the oldest entry. */
  head = 0;
  /** Entries in the ring, stale ones included. */
  count = 0;
  /** Entries whose timer still waits on this lane. */
  live = 0;

  constructor(readonly intervalMs: number) {}

  get stale(): number {
    return this.count - this.live;
  }

  push(timeMs: number, seq: number, slot: number): void {
    if (this.count > this.mask) this.grow();
    const at = (this.head + this.count) & this.mask;
    this.times[at] = timeMs;
    this.seqs[at] = seq;
    this.slots[at] = slot;
    this.count++;
    this.live++;
  }

  /** Drops the head entry. */
  shift(): void {
    this.head = (this.head + 1) & this.mask;
    this.count--;
  }

  /** A live entry left the lane without firing; compacts when stale entries pile up. */
  forget(isLive: Liveness): void {
    this.live--;
    const stale = this.count - this.live;
    if (stale > COMPACT_MIN && stale > this.live) this.compact(isLive);
  }

  /** Keeps only the live entries, in order. */
  compact(isLive: Liveness): void {
    const { times, seqs, slots, mask, head } = this;
    let w = 0;
    for (let k = 0; k < this.count; k++) {
      const r = (head + k) & mask;
      const slot = slots[r] as number;
      const seq = seqs[r] as number;
      if (!isLive(slot, seq)) continue;
      const to = (head + w++) & mask;
      times[to] = times[r] as number;
      seqs[to] = seq;
      slots[to] = slot;
    }
    this.count = w;
  }

  private grow(): void {
    const capacity = (this.mask + 1) * 2;
    const times = new Float64Array(capacity);
    const seqs = new Float64Array(capacity);
    const slots = new Int32Array(capacity);
    for (let k = 0; k < this.count; k++) {
      const r = (this.head + k) & this.mask;
      times[k] = this.times[r] as number;
      seqs[k] = this.seqs[r] as number;
      slots[k] = this.slots[r] as number;
    }
    this.times = times;
    this.seqs = seqs;
    this.slots = slots;
    this.mask = capacity - 1;
    this.head = 0;
  }
}
