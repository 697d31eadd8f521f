import { compileDistribution, type Distribution, type Rng, type RngStreams } from '../engine/index.js';
import type { ClientCpuSpec } from './config.js';
import { CpuQueue } from './cpu.js';

/**
 * The machines the clients run on (`clients.cpu`), each a FIFO run queue over its cores, as a
 * server process's: client i is on machine i mod machines, as real mode spreads its clients over its
 * swarm processes. A connect attempt's client work (socket, TLS, the upgrade request and the parse
 * of its reply, all counted up front) queues there before the request leaves, so a herd of clients
 * reconnecting on one machine leaves it at the machine's drain rate, the last about N · cost / cores late.
 * Costs are drawn from the 'client-cpu' stream, which exists only when the feature is on.
 */
export class ClientMachines {
  readonly machines: CpuQueue[];
  private readonly connectCost: Distribution;
  private readonly rng: Rng;

  constructor(spec: ClientCpuSpec, streams: RngStreams) {
    this.machines = Array.from({ length: spec.machines }, () => new CpuQueue(spec.coresPerMachine));
    this.connectCost = compileDistribution(spec.connectCostMs);
    this.rng = streams.stream('client-cpu');
  }

  /** Queues client i's work for a connect attempt at `nowMs`; returns when its request leaves the machine. */
  connect(i: number, nowMs: number): number {
    return (this.machines[i % this.machines.length] as CpuQueue).submit(nowMs, this.connectCost.sample(this.rng));
  }

  /** Each machine's CPU busy up to `nowMs` as a share of its cores. */
  utilization(nowMs: number): number[] {
    return this.machines.map((m) => (nowMs > 0 ? m.busyMs(nowMs) / (m.cores * nowMs) : 0));
  }
}
