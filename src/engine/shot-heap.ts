const INITIAL_CAPACITY = 1024;
/** Entries are [timeMs, seq, handlerId, arg] quadruples in one array. */
const H = 4;

/**
 * The one-shot events of an event queue: a 4-ary min-heap ordered by (time, sequence) whose entries
 * carry their handler's id and argument, so scheduling and firing one touch this heap and nothing
 * else (no slot record, no liveness check: a one-shot event cannot be cancelled).
 */
export class ShotHeap {
  heap = new Float64Array(INITIAL_CAPACITY * H);
  private capacity = INITIAL_CAPACITY;
  size = 0;

  /** Time and sequence number of the earliest entry; the heap must not be empty. */
  get topTimeMs(): number {
    return this.heap[0] as number;
  }

  get topSeq(): number {
    return this.heap[1] as number;
  }

  push(timeMs: number, seq: number, handlerId: number, arg: number): void {
    if (this.size === this.capacity) this.grow();
    this.siftUp(this.size++, timeMs, seq, handlerId, arg);
  }

  /**
   * Removes the earliest entry: its hole moves down to a leaf along the least children, and the last
   * entry, which mostly belongs near the bottom, sifts up from there.
   */
  removeTop(): void {
    const size = --this.size;
    if (size === 0) return;
    const heap = this.heap;
    let pos = 0;
    for (;;) {
      const first = 4 * pos + 1;
      if (first >= size) break;
      const end = Math.min(first + 4, size);
      let child = first;
      let ct = heap[first * H] as number;
      let cs = heap[first * H + 1] as number;
      for (let k = first + 1; k < end; k++) {
        const rt = heap[k * H] as number;
        if (rt > ct) continue;
        const rs = heap[k * H + 1] as number;
        if (rt < ct || rs < cs) {
          child = k;
          ct = rt;
          cs = rs;
        }
      }
      const at = pos * H;
      const c = child * H;
      heap[at] = ct;
      heap[at + 1] = cs;
      heap[at + 2] = heap[c + 2] as number;
      heap[at + 3] = heap[c + 3] as number;
      pos = child;
    }
    const l = size * H;
    this.siftUp(pos, heap[l] as number, heap[l + 1] as number, heap[l + 2] as number, heap[l + 3] as number);
  }

  private siftUp(start: number, timeMs: number, seq: number, handlerId: number, arg: number): void {
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
      heap[at + 3] = heap[p + 3] as number;
      pos = parent;
    }
    const at = pos * H;
    heap[at] = timeMs;
    heap[at + 1] = seq;
    heap[at + 2] = handlerId;
    heap[at + 3] = arg;
  }

  private grow(): void {
    this.capacity *= 2;
    const heap = new Float64Array(this.capacity * H);
    heap.set(this.heap);
    this.heap = heap;
  }
}
