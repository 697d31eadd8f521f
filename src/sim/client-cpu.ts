import { compileDistribution, type Distribution, type Rng, type RngStreams } from '../engine/index.js';
import type { ClientCpuSpec } from './config.js';
import { CpuQueue } from './cpu.js';

/** A frame reaching its client later than this after it is written is behind a backlog (see `receive`). */
export const FAR_AHEAD_MS = 1000;

/**
 * The machines the clients run on (`clients.cpu`), each a FIFO run queue over its cores, as a
 * server process's: client i is on machine i mod machines, as real mode spreads its clients over its
 * swarm processes. A connect attempt's client work (socket, TLS, the upgrade request and the parse
 * of its reply, all counted up front) queues there before the request leaves, so a herd of clients
 * reconnecting on one machine leaves it at the machine's drain rate, the last about N · cost / cores late.
 * Received frames (`messageCostMs`) queue there too, so a fan-out to many clients of one machine
 * reaches the last of them late and their pongs leave late.
 * Costs are drawn from the 'client-cpu' stream, which exists only when the feature is on.
 */
export class ClientMachines {
  readonly machines: CpuQueue[];
  private readonly connectCost: Distribution;
  private readonly frameCost: Distribution | null;
  private readonly rng: Rng;
  /** Per machine: CPU on far-ahead frames, read without the queue. */
  private readonly unqueuedMs: number[];

  constructor(spec: ClientCpuSpec, streams: RngStreams) {
    this.machines = Array.from({ length: spec.machines }, () => new CpuQueue(spec.coresPerMachine, false));
    this.connectCost = compileDistribution(spec.connectCostMs);
    this.frameCost = spec.messageCostMs === null ? null : compileDistribution(spec.messageCostMs);
    this.rng = streams.stream('client-cpu');
    this.unqueuedMs = this.machines.map(() => 0);
  }

  /** Whether received frames cost client CPU (`clients.cpu.messageCostMs`). */
  get receiveCosts(): boolean {
    return this.frameCost !== null;
  }

  /**
   * Client i's work on a frame (a message or a ping) that reaches it at `arrivalMs`, known at `nowMs`
   * (when it is written); returns when the client has read it. Frames are queued in the order they are
   * written, each at its arrival time: the FIFO is exact when they arrive in that order (the machine's
   * clients share one network latency), and a frame written later but arriving earlier waits for the
   * one before it. A frame that arrives more than FAR_AHEAD_MS after it is written (behind a slow
   * consumer's backlog) is read at once on arrival and holds nobody's place, since the frames of the
   * machine's other clients reach it long before. Free when receiving costs nothing.
   */
  receive(i: number, arrivalMs: number, nowMs: number): number {
    const cost = this.frameCost;
    if (cost === null) return arrivalMs;
    const c = cost.sample(this.rng);
    const k = i % this.machines.length;
    if (arrivalMs > nowMs + FAR_AHEAD_MS) {
      this.unqueuedMs[k] = (this.unqueuedMs[k] as number) + c;
      return arrivalMs + c;
    }
    return (this.machines[k] as CpuQueue).submit(arrivalMs, c);
  }

  /** Queues client i's work for a connect attempt at `nowMs`; returns when its request leaves the machine. */
  connect(i: number, nowMs: number): number {
    return (this.machines[i % this.machines.length] as CpuQueue).submit(nowMs, this.connectCost.sample(this.rng));
  }

  /** Each machine's CPU busy up to `nowMs` as a share of its cores. */
  utilization(nowMs: number): number[] {
    return this.machines.map((m, k) => (nowMs > 0 ? (m.busyMs(nowMs) + (this.unqueuedMs[k] as number)) / (m.cores * nowMs) : 0));
  }
}
