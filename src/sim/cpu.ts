const INITIAL_QUEUE = 64;

/**
 * Work kept outside the event queue that must reach a run queue in time order with everything else
 * (the cohort heartbeat's pings and pongs): the queue asks it to submit what is due up to a time
 * before it takes or reports anything at that time.
 */
export interface LazyWork {
  catchUp(nowMs: number): void;
}

/** Slots of a run queue's scalar state: `CpuQueue.state` (doubles) and `CpuQueue.ring` (the start ring's head and length). */
const SUBMITTED = 0;
const LAST_WAIT = 1;
const STATE = 2;
const HEAD = 0;
const LENGTH = 1;

/** The memory a run queue lives in, so another thread can work on the same queue (`CpuQueue.share`). */
export interface CpuQueueBuffers {
  busyUntilMs: Float64Array;
  starts: Float64Array;
  state: Float64Array;
  ring: Int32Array;
}

/** Allocates the memory of typed arrays: an ArrayBuffer, or a SharedArrayBuffer when another thread works on them too. */
export type Alloc = (bytes: number) => ArrayBufferLike;

/**
 * A server's run queue: FIFO jobs on `cores` cores (M/G/c), each job to the core that frees first.
 *
 * With FIFO and no preemption a job's start and finish are fixed the moment it is submitted,
 * so the queue schedules no events of its own: the caller puts the job's effect on the clock
 * at the returned finish time. This is exact, not an approximation (checked against M/M/1 and
 * Erlang C in test/sim/theory.test.ts).
 *
 * Its state lives in typed arrays only (the cores' busy-until times, the start times of queued jobs,
 * and four scalars), so a heartbeat lane's helper thread can submit to the same queue (`share`).
 */
export class CpuQueue {
  private busyUntilMs: Float64Array;
  /** Start times of submitted jobs not yet started, in order (FIFO starts never decrease): a ring (a power of two long) from ring[HEAD], ring[LENGTH] long. */
  private starts: Float64Array;
  /** The work submitted, and the last job's wait. */
  private state: Float64Array;
  private ring: Int32Array;
  /** Work that submits itself lazily (`enqueue`), brought up to each time the queue is used at. */
  lazy: LazyWork | null = null;
  /** Called when a submitted job leaves more than `backlogLimitMs` of work queued on its core. */
  onBacklog: ((nowMs: number) => void) | null = null;
  backlogLimitMs = Infinity;
  /** Called after `starts` moved to a larger buffer (a helper thread working on this queue must be told). */
  onRegrow: (() => void) | null = null;
  /** Whether `starts` may grow; a helper thread's view of a shared queue must not (it checks `freeStarts` first). */
  private readonly growable: boolean;
  private alloc: Alloc = (bytes) => new ArrayBuffer(bytes);

  /** `tracksQueue`: keep the start times `queued` counts; a queue nobody asks its length (a client machine's) keeps none. */
  constructor(
    readonly cores: number,
    readonly tracksQueue = true,
    buffers: CpuQueueBuffers | null = null,
  ) {
    this.busyUntilMs = buffers?.busyUntilMs ?? new Float64Array(cores);
    this.starts = buffers?.starts ?? new Float64Array(INITIAL_QUEUE);
    this.state = buffers?.state ?? new Float64Array(STATE);
    this.ring = buffers?.ring ?? new Int32Array(2);
    this.growable = buffers === null;
  }

  /** Moves the queue's state into memory from `alloc` (shared with a helper thread) and returns it. */
  share(alloc: Alloc): CpuQueueBuffers {
    this.alloc = alloc;
    this.busyUntilMs = copyInto(alloc, this.busyUntilMs);
    this.starts = copyInto(alloc, this.starts);
    this.state = copyInto(alloc, this.state);
    this.ring = copyInto(alloc, this.ring);
    return this.buffers();
  }

  buffers(): CpuQueueBuffers {
    return { busyUntilMs: this.busyUntilMs, starts: this.starts, state: this.state, ring: this.ring };
  }

  /** Time the last submitted job waited before a core took it. */
  get lastWaitMs(): number {
    return this.state[LAST_WAIT] as number;
  }

  /** Jobs that can still be queued without `starts` growing. */
  get freeStarts(): number {
    return this.starts.length - (this.ring[LENGTH] as number);
  }

  /** Queues `costMs` of work at `nowMs`; returns when it finishes. */
  submit(nowMs: number, costMs: number): number {
    this.lazy?.catchUp(nowMs);
    const finishMs = this.enqueue(nowMs, costMs);
    if (finishMs - nowMs > this.backlogLimitMs) this.onBacklog?.(nowMs);
    return finishMs;
  }

  /**
   * Queues `costMs` of work at `atMs` without asking the lazy work first: for the lazy work itself,
   * which submits its jobs in time order, each before anything else reaches the queue at a later time.
   */
  enqueue(atMs: number, costMs: number): number {
    const busy = this.busyUntilMs;
    const state = this.state;
    const core = this.cores === 1 ? 0 : this.firstFreeCore();
    const startMs = Math.max(atMs, busy[core] as number);
    const finishMs = startMs + costMs;
    busy[core] = finishMs;
    state[SUBMITTED] = (state[SUBMITTED] as number) + costMs;
    state[LAST_WAIT] = startMs - atMs;
    if (startMs > atMs && this.tracksQueue) this.pushStart(startMs);
    return finishMs;
  }

  /** When a job submitted now would start. */
  nextStartMs(nowMs: number): number {
    this.lazy?.catchUp(nowMs);
    return Math.max(nowMs, this.busyUntilMs[this.firstFreeCore()] as number);
  }

  /** Jobs submitted and not yet started at `nowMs`. */
  queued(nowMs: number): number {
    this.lazy?.catchUp(nowMs);
    return this.forgetStartedBy(nowMs);
  }

  /**
   * Drops the start times of jobs started by `nowMs` and returns how many remain: what `queued` does
   * after the catch-up (an earlier `nowMs` than a previous call drops nothing more).
   */
  forgetStartedBy(nowMs: number): number {
    const { starts, ring } = this;
    const mask = starts.length - 1;
    let head = ring[HEAD] as number;
    let length = ring[LENGTH] as number;
    while (length > 0 && (starts[head] as number) <= nowMs) {
      head = (head + 1) & mask;
      length--;
    }
    ring[HEAD] = head;
    ring[LENGTH] = length;
    return length;
  }

  /** Core-milliseconds of work done up to `nowMs`. */
  busyMs(nowMs: number): number {
    this.lazy?.catchUp(nowMs);
    let remaining = 0;
    for (let c = 0; c < this.cores; c++) remaining += Math.max(0, (this.busyUntilMs[c] as number) - nowMs);
    return (this.state[SUBMITTED] as number) - remaining;
  }

  /**
   * The process stops (SIGSTOP) until `untilMs`: work submitted meanwhile waits for it. Work already
   * queued keeps the finish time it was given, an approximation that errs towards a milder stall.
   */
  freeze(nowMs: number, untilMs: number): void {
    this.lazy?.catchUp(nowMs);
    for (let c = 0; c < this.cores; c++) {
      const busy = this.busyUntilMs[c] as number;
      if (busy < untilMs) {
        this.state[SUBMITTED] = (this.state[SUBMITTED] as number) + (untilMs - Math.max(busy, nowMs));
        this.busyUntilMs[c] = untilMs;
      }
    }
  }

  /** The process dies at `nowMs`: work not yet done is lost. */
  reset(nowMs: number): void {
    this.state[SUBMITTED] = this.busyMs(nowMs);
    this.busyUntilMs.fill(nowMs);
    this.ring[HEAD] = 0;
    this.ring[LENGTH] = 0;
  }

  private firstFreeCore(): number {
    const busy = this.busyUntilMs;
    let best = 0;
    for (let c = 1; c < this.cores; c++) if ((busy[c] as number) < (busy[best] as number)) best = c;
    return best;
  }

  /** Grows `starts` until `n` more start times fit (a helper thread's view cannot grow it). */
  reserveStarts(n: number): void {
    while (this.freeStarts < n) this.growStarts();
  }

  private growStarts(): void {
    if (!this.growable) throw new Error('CpuQueue: a view of a shared queue cannot grow (check freeStarts first)');
    const ring = this.ring;
    const head = ring[HEAD] as number;
    const length = ring[LENGTH] as number;
    const old = this.starts;
    const oldMask = old.length - 1;
    const grown = new Float64Array(this.alloc(old.length * 2 * 8));
    for (let k = 0; k < length; k++) grown[k] = old[(head + k) & oldMask] as number;
    this.starts = grown;
    ring[HEAD] = 0;
    this.onRegrow?.();
  }

  private pushStart(startMs: number): void {
    const ring = this.ring;
    const length = ring[LENGTH] as number;
    if (length === this.starts.length) this.growStarts();
    const starts = this.starts;
    starts[((ring[HEAD] as number) + length) & (starts.length - 1)] = startMs;
    ring[LENGTH] = length + 1;
  }
}

/** A copy of `from`, `length` elements long (its own length by default), in memory from `alloc`. */
export function copyInto<T extends Float64Array | Int32Array | Uint8Array>(alloc: Alloc, from: T, length = from.length): T {
  const Ctor = from.constructor as new (buffer: ArrayBufferLike) => T;
  const to = new Ctor(alloc(length * from.BYTES_PER_ELEMENT));
  to.set(from as never);
  return to;
}
