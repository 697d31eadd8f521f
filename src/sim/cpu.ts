const INITIAL_QUEUE = 64;

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
  /** Work arriving as a fluid (the cohort heartbeat's pings and pongs), core-ms per ms on each core. */
  private fluidRate = 0;
  private fluidSinceMs = 0;
  /** Called when a submitted job leaves more than `backlogLimitMs` of work queued on its core. */
  onBacklog: ((nowMs: number) => void) | null = null;
  backlogLimitMs = Infinity;

  constructor(readonly cores: number) {
    this.busyUntilMs = new Float64Array(cores);
  }

  /** Queues `costMs` of work at `nowMs`; returns when it finishes. */
  submit(nowMs: number, costMs: number): number {
    if (this.fluidRate > 0) this.advanceFluid(nowMs);
    const core = this.firstFreeCore();
    const startMs = Math.max(nowMs, this.busyUntilMs[core] as number);
    const finishMs = startMs + costMs;
    this.busyUntilMs[core] = finishMs;
    this.submittedCostMs += costMs;
    this.lastWaitMs = startMs - nowMs;
    if (startMs > nowMs) this.pushStart(startMs);
    if (finishMs - nowMs > this.backlogLimitMs) this.onBacklog?.(nowMs);
    return finishMs;
  }

  /**
   * Sets the rate of work that arrives as a fluid from `nowMs` on (core-ms per ms for the whole
   * process, spread evenly over its cores): many tiny jobs at known average rate, such as the pings
   * and pongs of connections whose heartbeat is kept as a cohort. Fluid that arrives while a core is
   * idle is done at once; fluid that arrives while it is busy queues behind the work ahead of it, as
   * the tiny jobs would in FIFO order, so a job submitted later waits for it.
   */
  setFluidRate(nowMs: number, ratePerMs: number): void {
    this.advanceFluid(nowMs);
    this.fluidRate = ratePerMs / this.cores;
  }

  /**
   * Brings the fluid up to `nowMs`. On a core busy until b at time s, fluid keeps it busy until the
   * busy period ends, (b − r·s) / (1 − r), or, if that is after now, adds r·(now − s) to its backlog.
   */
  private advanceFluid(nowMs: number): void {
    const s = this.fluidSinceMs;
    if (nowMs <= s) return;
    this.fluidSinceMs = nowMs;
    const r = this.fluidRate;
    if (r === 0) return;
    for (let c = 0; c < this.cores; c++) {
      const b = this.busyUntilMs[c] as number;
      if (b <= s) continue;
      const endMs = (b - r * s) / (1 - r);
      this.busyUntilMs[c] = endMs >= nowMs ? b + r * (nowMs - s) : endMs;
    }
    this.submittedCostMs += r * this.cores * (nowMs - s);
  }

  /** When a job submitted now would start. */
  nextStartMs(nowMs: number): number {
    if (this.fluidRate > 0) this.advanceFluid(nowMs);
    return Math.max(nowMs, this.busyUntilMs[this.firstFreeCore()] as number);
  }

  /** Jobs submitted and not yet started at `nowMs`. */
  queued(nowMs: number): number {
    while (this.length > 0 && (this.starts[this.head] as number) <= nowMs) {
      this.head = (this.head + 1) % this.starts.length;
      this.length--;
    }
    return this.length;
  }

  /** Core-milliseconds of work done up to `nowMs`. */
  busyMs(nowMs: number): number {
    if (this.fluidRate > 0) this.advanceFluid(nowMs);
    let remaining = 0;
    for (let c = 0; c < this.cores; c++) remaining += Math.max(0, (this.busyUntilMs[c] as number) - nowMs);
    return this.submittedCostMs - remaining;
  }

  /**
   * The process stops (SIGSTOP) until `untilMs`: work submitted meanwhile waits for it. Work already
   * queued keeps the finish time it was given, an approximation that errs towards a milder stall.
   */
  freeze(nowMs: number, untilMs: number): void {
    this.advanceFluid(nowMs);
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
    this.advanceFluid(nowMs);
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
