import { EventQueue, type Handler } from './event-queue.js';

/** A reusable timer owned by a model component; set, move and clear it as often as needed. */
export type TimerId = number;

export interface RunOptions {
  /** Stop before the first event later than this virtual time; the clock then reads `untilMs`. */
  untilMs?: number;
  /** Return after this many events, before `untilMs` is reached (state `paused`); run again to go on. @default Infinity */
  maxEvents?: number;
}

/**
 * A lane of timers that fire a fixed interval after they are set (heartbeats, health checks, load
 * reports). Setting a timer on a lane is O(1) and it fires in exactly the order the heap would
 * give it; a timer can be on a lane one time and in the heap (`setTimer`) the next.
 */
export class TimerLane {
  /** @internal */
  constructor(
    readonly simulation: Simulation,
    readonly intervalMs: number,
    readonly index: number,
  ) {}

  /** Arms or moves `timer` to fire `intervalMs` from now. */
  set(timer: TimerId): void {
    this.simulation.setTimerOnLane(timer, this);
  }
}

export type RunOutcome =
  | { state: 'until'; nowMs: number }
  | { state: 'drained'; nowMs: number }
  | { state: 'stopped'; nowMs: number }
  | { state: 'paused'; nowMs: number };

/**
 * The discrete-event engine: a virtual clock, a priority queue and a loop.
 *
 * Events at equal times run in the order they were scheduled. Handlers take one
 * number so that hot paths schedule without allocating closures.
 */
export class Simulation {
  private readonly queue = new EventQueue();
  private clockMs = 0;
  private stopRequested = false;
  /**
   * Told the time of each event `run` dispatches, before it runs (a helper thread may work on anything
   * due before it); `step` does not call it, which only leaves the helper less to do. Called for every
   * such event, so it must return at once when it has nothing to do.
   */
  onClock: ((nextMs: number) => void) | null = null;
  private processed = 0;
  private sameInstant = 0;
  private readonly lanes = new Map<number, TimerLane>();

  /**
   * @param maxEventsPerInstant events allowed at one virtual instant before the run is declared
   *   stuck in a zero-delay loop (e.g. instant retries against an instant refusal). @default 10_000_000
   */
  constructor(private readonly maxEventsPerInstant = 10_000_000) {}

  get nowMs(): number {
    return this.clockMs;
  }

  /** Events dispatched so far. */
  get eventsProcessed(): number {
    return this.processed;
  }

  /** Events waiting in the queue. */
  get pendingEvents(): number {
    return this.queue.size;
  }

  /** Schedules a one-shot `handler(arg)` at `atMs`. It cannot be cancelled: use a timer for that. */
  at(atMs: number, handler: Handler, arg = 0): void {
    if (!(atMs >= this.clockMs)) {
      throw new RangeError(`Expected event time to be a number >= now (${String(this.clockMs)}), got ${String(atMs)}`);
    }
    this.queue.push(handler, arg, atMs);
  }

  /** Schedules a one-shot `handler(arg)` after `delayMs`. */
  after(delayMs: number, handler: Handler, arg = 0): void {
    this.at(this.clockMs + delayMs, handler, arg);
  }

  /** Allocates an idle reusable timer that calls `handler(arg)` each time it fires. */
  createTimer(handler: Handler, arg = 0): TimerId {
    return this.queue.allocate(handler, arg);
  }

  /** Arms or moves a timer to fire at `atMs` (O(log n); a move leaves the old heap entry stale). */
  setTimer(timer: TimerId, atMs: number): void {
    this.check(timer);
    if (!(atMs >= this.clockMs)) {
      throw new RangeError(`Expected timer time to be a number >= now (${String(this.clockMs)}), got ${String(atMs)}`);
    }
    this.queue.set(timer, atMs);
  }

  /**
   * The lane of timers that fire `intervalMs` after they are set, created on first use; the same
   * interval always gives the same lane.
   */
  lane(intervalMs: number): TimerLane {
    let lane = this.lanes.get(intervalMs);
    if (lane !== undefined) return lane;
    if (!(intervalMs >= 0 && Number.isFinite(intervalMs))) {
      throw new TypeError(`Expected a lane interval to be a finite number of milliseconds >= 0, got ${String(intervalMs)}`);
    }
    lane = new TimerLane(this, intervalMs, this.queue.addLane(intervalMs));
    this.lanes.set(intervalMs, lane);
    return lane;
  }

  /** Arms or moves a timer to fire one lane interval from now (O(1)); `lane.set(timer)` says the same. */
  setTimerOnLane(timer: TimerId, lane: TimerLane): void {
    this.check(timer);
    if (lane.simulation !== this) throw new TypeError('Expected a lane created by this simulation with sim.lane(intervalMs)');
    this.queue.setOnLane(timer, lane.index, this.clockMs + lane.intervalMs);
  }

  /** Entries (live and stale) each lane holds, in creation order. */
  laneEntries(): number[] {
    return this.queue.laneEntries();
  }

  /** Changes the argument a timer passes to its handler. */
  setTimerArg(timer: TimerId, arg: number): void {
    this.queue.setArg(timer, arg);
  }

  clearTimer(timer: TimerId): void {
    this.check(timer);
    this.queue.cancel(timer);
  }

  /** When a timer fires next; NaN when it is not armed. */
  timerAtMs(timer: TimerId): number {
    return this.queue.timeOf(timer);
  }

  isTimerPending(timer: TimerId): boolean {
    return this.queue.isPending(timer);
  }

  /** Clears a timer and gives its slot back; the id must not be used again. */
  releaseTimer(timer: TimerId): void {
    this.check(timer);
    this.queue.release(timer);
  }

  /** Time of the next event, or Infinity. */
  peekMs(): number {
    return this.queue.peekTimeMs();
  }

  /** Runs the next event; false when the queue is empty. */
  step(): boolean {
    if (this.queue.size === 0) return false;
    this.dispatch();
    return true;
  }

  /** Asks `run` to return after the event being handled. */
  stop(): void {
    this.stopRequested = true;
  }

  run(options: RunOptions = {}): RunOutcome {
    const untilMs = options.untilMs ?? Infinity;
    if (Number.isNaN(untilMs)) throw new RangeError('Expected untilMs to be a number, got NaN');
    const queue = this.queue;
    this.stopRequested = false;
    const lastEvent = this.processed + (options.maxEvents ?? Infinity);
    while (queue.size > 0 && queue.peekTimeMs() <= untilMs) {
      if (this.processed >= lastEvent) return { state: 'paused', nowMs: this.clockMs };
      this.onClock?.(queue.peekTimeMs());
      this.dispatch();
      if (this.stopRequested as boolean) return { state: 'stopped', nowMs: this.clockMs };
    }
    if (untilMs === Infinity) return { state: 'drained', nowMs: this.clockMs };
    this.clockMs = Math.max(this.clockMs, untilMs);
    return { state: queue.size === 0 ? 'drained' : 'until', nowMs: this.clockMs };
  }

  /** A bad timer id would corrupt the heap silently; fail loudly instead. */
  private check(timer: TimerId): void {
    if (!(timer >= 0 && timer < this.queue.capacity && (timer | 0) === timer)) {
      throw new TypeError(`Expected a timer id from createTimer, got ${String(timer)}`);
    }
  }

  private dispatch(): void {
    const queue = this.queue;
    queue.popSlot();
    if (queue.poppedTimeMs === this.clockMs) {
      if (++this.sameInstant > this.maxEventsPerInstant) throw new ZenoError(this.clockMs, this.sameInstant);
    } else {
      this.sameInstant = 0;
    }
    this.clockMs = queue.poppedTimeMs;
    const handler = queue.poppedHandler as Handler;
    this.processed++;
    handler(queue.poppedArg);
  }
}

/** The clock stopped advancing: a cycle of zero-delay events would run forever. */
export class ZenoError extends Error {
  readonly code = 'SIM_ERR_ZENO';
  constructor(
    readonly atMs: number,
    readonly events: number,
  ) {
    super(
      `Virtual time stopped advancing at ${String(atMs)} ms after ${String(events)} events in the same instant: ` +
        'a zero-delay loop (for example immediate retries against an instant refusal with zero network latency)',
    );
    this.name = 'ZenoError';
  }
}
