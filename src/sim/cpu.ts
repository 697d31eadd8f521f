import type { Simulation, TimerId } from '../engine/index.js';

/** Kinds of CPU work on a server. */
export const Job = { handshake: 0, ping: 1, pong: 2 } as const;
export type Job = (typeof Job)[keyof typeof Job];

/** A finished job, handed to the owner when a core frees up. */
export interface DoneJob {
  kind: Job;
  arg: number;
  waitMs: number;
}

const INITIAL_QUEUE = 256;

/**
 * A server's run queue: FIFO jobs shared by `cores` cores (M/G/c).
 * Each core owns one reusable timer for the job it is running.
 */
export class CpuQueue {
  private kinds = new Uint8Array(INITIAL_QUEUE);
  private args = new Float64Array(INITIAL_QUEUE);
  private enqueuedMs = new Float64Array(INITIAL_QUEUE);
  private head = 0;
  private length = 0;
  private readonly coreTimers: TimerId[];
  private readonly coreKind: Uint8Array;
  private readonly coreArg: Float64Array;
  private readonly coreStartMs: Float64Array;
  private readonly coreWaitMs: Float64Array;
  private readonly coreBusy: Uint8Array;
  private busyCores = 0;
  private completedBusyMs = 0;
  private readonly done: DoneJob = { kind: Job.handshake, arg: 0, waitMs: 0 };

  constructor(
    private readonly sim: Simulation,
    readonly cores: number,
    onDone: (coreKey: number) => void,
    keyBase: number,
    private readonly costOf: (kind: Job) => number,
  ) {
    this.coreTimers = Array.from({ length: cores }, (_, c) => sim.createTimer(onDone, keyBase + c));
    this.coreKind = new Uint8Array(cores);
    this.coreArg = new Float64Array(cores);
    this.coreStartMs = new Float64Array(cores);
    this.coreWaitMs = new Float64Array(cores);
    this.coreBusy = new Uint8Array(cores);
  }

  /** Jobs waiting for a core (not counting running ones). */
  get queued(): number {
    return this.length;
  }

  get running(): number {
    return this.busyCores;
  }

  submit(kind: Job, arg: number): void {
    if (this.busyCores < this.cores) {
      this.start(this.idleCore(), kind, arg, 0);
      return;
    }
    if (this.length === this.kinds.length) this.grow();
    const at = (this.head + this.length) % this.kinds.length;
    this.kinds[at] = kind;
    this.args[at] = arg;
    this.enqueuedMs[at] = this.sim.nowMs;
    this.length++;
  }

  /** Frees `core` and starts the next queued job on it; returns the finished job (reused object). */
  complete(core: number): DoneJob {
    this.done.kind = this.coreKind[core] as Job;
    this.done.arg = this.coreArg[core] as number;
    this.done.waitMs = this.coreWaitMs[core] as number;
    this.completedBusyMs += this.sim.nowMs - (this.coreStartMs[core] as number);
    this.coreBusy[core] = 0;
    this.busyCores--;
    if (this.length > 0) {
      const h = this.head;
      this.head = (h + 1) % this.kinds.length;
      this.length--;
      this.start(core, this.kinds[h] as Job, this.args[h] as number, this.sim.nowMs - (this.enqueuedMs[h] as number));
    }
    return this.done;
  }

  /** Core-milliseconds spent busy up to now, running jobs included. */
  busyMs(): number {
    let total = this.completedBusyMs;
    for (let c = 0; c < this.cores; c++) {
      if (this.coreBusy[c] === 1) total += this.sim.nowMs - (this.coreStartMs[c] as number);
    }
    return total;
  }

  /** Drops every queued and running job (process death), calling `visit` for each. */
  clear(visit: (kind: Job, arg: number) => void): void {
    for (let c = 0; c < this.cores; c++) {
      if (this.coreBusy[c] !== 1) continue;
      this.completedBusyMs += this.sim.nowMs - (this.coreStartMs[c] as number);
      this.sim.clearTimer(this.coreTimers[c] as TimerId);
      this.coreBusy[c] = 0;
      visit(this.coreKind[c] as Job, this.coreArg[c] as number);
    }
    this.busyCores = 0;
    for (let k = 0; k < this.length; k++) {
      const at = (this.head + k) % this.kinds.length;
      visit(this.kinds[at] as Job, this.args[at] as number);
    }
    this.head = 0;
    this.length = 0;
  }

  private start(core: number, kind: Job, arg: number, waitMs: number): void {
    this.coreBusy[core] = 1;
    this.busyCores++;
    this.coreKind[core] = kind;
    this.coreArg[core] = arg;
    this.coreWaitMs[core] = waitMs;
    this.coreStartMs[core] = this.sim.nowMs;
    this.sim.setTimer(this.coreTimers[core] as TimerId, this.sim.nowMs + this.costOf(kind));
  }

  private idleCore(): number {
    for (let c = 0; c < this.cores; c++) if (this.coreBusy[c] === 0) return c;
    return -1;
  }

  private grow(): void {
    const size = this.kinds.length * 2;
    const kinds = new Uint8Array(size);
    const args = new Float64Array(size);
    const enq = new Float64Array(size);
    for (let k = 0; k < this.length; k++) {
      const at = (this.head + k) % this.kinds.length;
      kinds[k] = this.kinds[at] as number;
      args[k] = this.args[at] as number;
      enq[k] = this.enqueuedMs[at] as number;
    }
    this.kinds = kinds;
    this.args = args;
    this.enqueuedMs = enq;
    this.head = 0;
  }
}
