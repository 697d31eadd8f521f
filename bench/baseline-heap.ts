/**
 * The baseline: a plain, non-indexed binary min-heap on typed-array columns.
 *
 * Entries are (time, seq, payload) ordered by time then seq, so equal times pop
 * in push order. It cannot cancel or move an entry; callers that need that use
 * lazy deletion (push a fresh entry, skip the stale one when it pops).
 */
export class BaselineHeap {
  private time: Float64Array;
  private seq: Float64Array;
  private payload: Int32Array;
  private nextSeq = 0;
  /** Number of entries in the heap. */
  size = 0;
  /** Time of the entry most recently popped. */
  poppedTime = 0;
  /** Sequence number of the entry most recently popped. */
  poppedSeq = 0;

  constructor(capacity = 1024) {
    this.time = new Float64Array(capacity);
    this.seq = new Float64Array(capacity);
    this.payload = new Int32Array(capacity);
  }

  /** Pushes an entry and returns its sequence number. */
  push(time: number, payload: number): number {
    if (this.size === this.time.length) this.grow();
    const s = this.nextSeq++;
    this.siftUp(this.size++, time, s, payload);
    return s;
  }

  /** Removes the earliest entry and returns its payload; the heap must not be empty. */
  pop(): number {
    const out = this.payload[0] as number;
    this.poppedTime = this.time[0] as number;
    this.poppedSeq = this.seq[0] as number;
    const last = --this.size;
    if (last > 0) {
      this.siftDown(0, this.time[last] as number, this.seq[last] as number, this.payload[last] as number);
    }
    return out;
  }

  /** Drops every entry whose seq is not `liveSeq[payload]` (a lazy-deletion purge), then re-heapifies. */
  retainLive(liveSeq: Float64Array): void {
    const { time, seq, payload } = this;
    let kept = 0;
    for (let i = 0; i < this.size; i++) {
      const p = payload[i] as number;
      if (seq[i] !== liveSeq[p]) continue;
      time[kept] = time[i] as number;
      seq[kept] = seq[i] as number;
      payload[kept++] = p;
    }
    this.size = kept;
    for (let i = (kept >> 1) - 1; i >= 0; i--) {
      this.siftDown(i, time[i] as number, seq[i] as number, payload[i] as number);
    }
  }

  private siftUp(start: number, t: number, s: number, p: number): void {
    const time = this.time;
    const seq = this.seq;
    const payload = this.payload;
    let pos = start;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      const pt = time[parent] as number;
      if (pt < t || (pt === t && (seq[parent] as number) < s)) break;
      time[pos] = pt;
      seq[pos] = seq[parent] as number;
      payload[pos] = payload[parent] as number;
      pos = parent;
    }
    time[pos] = t;
    seq[pos] = s;
    payload[pos] = p;
  }

  private siftDown(start: number, t: number, s: number, p: number): void {
    const time = this.time;
    const seq = this.seq;
    const payload = this.payload;
    const size = this.size;
    let pos = start;
    for (;;) {
      let child = 2 * pos + 1;
      if (child >= size) break;
      let ct = time[child] as number;
      let cs = seq[child] as number;
      const right = child + 1;
      if (right < size) {
        const rt = time[right] as number;
        const rs = seq[right] as number;
        if (rt < ct || (rt === ct && rs < cs)) {
          child = right;
          ct = rt;
          cs = rs;
        }
      }
      if (t < ct || (t === ct && s < cs)) break;
      time[pos] = ct;
      seq[pos] = cs;
      payload[pos] = payload[child] as number;
      pos = child;
    }
    time[pos] = t;
    seq[pos] = s;
    payload[pos] = p;
  }

  private grow(): void {
    const capacity = this.time.length * 2;
    const time = new Float64Array(capacity);
    const seq = new Float64Array(capacity);
    const payload = new Int32Array(capacity);
    time.set(this.time);
    seq.set(this.seq);
    payload.set(this.payload);
    this.time = time;
    this.seq = seq;
    this.payload = payload;
  }
}
