const INITIAL_QUEUE = 64;

/**
 * Work kept outside the event queue that must reach a run queue in time order with everything else
 * (the cohort heartbeat's pings and pongs): the queue asks it to submit what is due up to a time
 * before it takes or reports anything at that time.
 */
export interface LazyWork {
  catchUp(nowMs: number): void;
}

/**
 * A server's run queue: FIFO jobs on `cores` cores (M/G/c), each job to the core that frees first.
 *
 * With FIFO and no preemption a job's start and finish are fixed the moment it is submitted,
 * so the queue schedules no events of its own: the caller puts the job's effect on the clock
 * at the returned finish time. This is exact, not an approximation (checked against M/M/1 and
 * Erlang C in test/sim/theory.test.ts).
 */
export class CpuQueue {
  private readonly busyUntilMs: Float64Array;
  /** Start times of submitted jobs not yet started, in order (FIFO starts never decrease). */
  private starts = new Float64Array(INITIAL_QUEUE);
  private head = 0;
  private length = 0;
  private submittedCostMs = 0;
  /** Time the last submitted job waited before a core took it. */
  lastWaitMs = 0;
  /** Work that submits itself lazily (`enqueue`), brought up to each time the queue is used at. */
  lazy: LazyWork | null = null;
  /** Called when a submitted job leaves more than `backlogLimitMs` of work queued on its core. */
  onBacklog: ((nowMs: number) => void) | null = null;
  backlogLimitMs = Infinity;

  /** `tracksQueue`: keep the start times `queued` counts; a queue nobody asks its length (a client machine's) keeps none. */
  constructor(
    readonly cores: number,
    private readonly tracksQueue = true,
  ) {
    this.busyUntilMs = new Float64Array(cores);
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
    const core = this.firstFreeCore();
    const startMs = Math.max(atMs, this.busyUntilMs[core] as number);
    const finishMs = startMs + costMs;
    this.busyUntilMs[core] = finishMs;
    this.submittedCostMs += costMs;
    this.lastWaitMs = startMs - atMs;
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
    while (this.length > 0 && (this.starts[this.head] as number) <= nowMs) {
      this.head = (this.head + 1) % this.starts.length;
      this.length--;
    }
    return this.length;
  }

  /** Core-milliseconds of work done up to `nowMs`. */
  busyMs(nowMs: number): number {
    this.lazy?.catchUp(nowMs);
    let remaining = 0;
    for (let c = 0; c < this.cores; c++) remaining += Math.max(0, (this.busyUntilMs[c] as number) - nowMs);
    return this.submittedCostMs - remaining;
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
        this.submittedCostMs += untilMs - Math.max(busy, nowMs);
        this.busyUntilMs[c] = untilMs;
      }
    }
  }

  /** The process dies at `nowMs`: work not yet done is lost. */
  reset(nowMs: number): void {
    this.submittedCostMs = this.busyMs(nowMs);
    this.busyUntilMs.fill(nowMs);
    this.head = 0;
    this.length = 0;
  }

  private firstFreeCore(): number {
    let best = 0;
    for (let c = 1; c < this.cores; c++) if ((this.busyUntilMs[c] as number) < (this.busyUntilMs[best] as number)) best = c;
    return best;
  }

  private pushStart(startMs: number): void {
    if (this.length === this.starts.length) {
      const grown = new Float64Array(this.starts.length * 2);
      for (let k = 0; k < this.length; k++) grown[k] = this.starts[(this.head + k) % this.starts.length] as number;
      this.starts = grown;
      this.head = 0;
    }
    this.starts[(this.head + this.length) % this.starts.length] = startMs;
    this.length++;
  }
}
