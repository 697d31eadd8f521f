const INITIAL_CAPACITY = 256;
/** Stale entries tolerated before a compaction; past this, a lane compacts once they outnumber the live ones. */
const COMPACT_MIN = 4096;

/**
 * The FIFO of one timer lane: (time, sequence, slot, generation) entries in a growable ring.
 *
 * Every timer on a lane fires a fixed interval after it was set, and the clock never goes back,
 * so entries arrive in (time, sequence) order and the head is always the lane's earliest. A
 * timer moved or cancelled leaves its entry behind as stale (its generation no longer matches
 * the slot's); stale heads are skipped, and the ring compacts when stale entries outnumber live ones.
 */
export class LaneRing {
  times = new Float64Array(INITIAL_CAPACITY);
  seqs = new Float64Array(INITIAL_CAPACITY);
  slots = new Int32Array(INITIAL_CAPACITY);
  gens = new Int32Array(INITIAL_CAPACITY);
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

  push(timeMs: number, seq: number, slot: number, gen: number): void {
    if (this.count > this.mask) this.grow();
    const at = (this.head + this.count) & this.mask;
    this.times[at] = timeMs;
    this.seqs[at] = seq;
    this.slots[at] = slot;
    this.gens[at] = gen;
    this.count++;
    this.live++;
  }

  /** Drops the head entry. */
  shift(): void {
    this.head = (this.head + 1) & this.mask;
    this.count--;
  }

  /** A live entry left the lane without firing; compacts when stale entries pile up. */
  forget(current: Int32Array): void {
    this.live--;
    const stale = this.count - this.live;
    if (stale > COMPACT_MIN && stale > this.live) this.compact(current);
  }

  /** Keeps only the entries whose generation is the slot's current one, in order. */
  compact(current: Int32Array): void {
    const { times, seqs, slots, gens, mask, head } = this;
    let w = 0;
    for (let k = 0; k < this.count; k++) {
      const r = (head + k) & mask;
      const slot = slots[r] as number;
      if (gens[r] !== current[slot]) continue;
      const to = (head + w++) & mask;
      times[to] = times[r] as number;
      seqs[to] = seqs[r] as number;
      slots[to] = slot;
      gens[to] = gens[r] as number;
    }
    this.count = w;
  }

  private grow(): void {
    const capacity = (this.mask + 1) * 2;
    const times = new Float64Array(capacity);
    const seqs = new Float64Array(capacity);
    const slots = new Int32Array(capacity);
    const gens = new Int32Array(capacity);
    for (let k = 0; k < this.count; k++) {
      const r = (this.head + k) & this.mask;
      times[k] = this.times[r] as number;
      seqs[k] = this.seqs[r] as number;
      slots[k] = this.slots[r] as number;
      gens[k] = this.gens[r] as number;
    }
    this.times = times;
    this.seqs = seqs;
    this.slots = slots;
    this.gens = gens;
    this.mask = capacity - 1;
    this.head = 0;
  }
}
