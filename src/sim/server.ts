import type { Simulation } from '../engine/index.js';
import { CpuQueue, type Job } from './cpu.js';
import type { ClientTable } from './clients.js';

/** One simulated server process group: liveness, run queue and its connections. */
export class SimServer {
  up = true;
  connections = 0;
  /** Handshakes accepted and not yet finished; they count against the connection cap. */
  handshaking = 0;
  head = -1;
  readonly cpu: CpuQueue;

  constructor(
    readonly id: number,
    sim: Simulation,
    cores: number,
    onCoreDone: (key: number) => void,
    costOf: (kind: Job) => number,
  ) {
    this.cpu = new CpuQueue(sim, cores, onCoreDone, id * MAX_CORES, costOf);
  }

  link(clients: ClientTable, i: number): void {
    const { next, prev, server } = clients.c;
    server[i] = this.id;
    prev[i] = -1;
    next[i] = this.head;
    if (this.head >= 0) prev[this.head] = i;
    this.head = i;
    this.connections++;
  }

  unlink(clients: ClientTable, i: number): void {
    const { next, prev, server } = clients.c;
    const p = prev[i] as number;
    const n = next[i] as number;
    if (p >= 0) next[p] = n;
    else this.head = n;
    if (n >= 0) prev[n] = p;
    server[i] = -1;
    next[i] = -1;
    prev[i] = -1;
    this.connections--;
  }

  /** The clients connected here, copied so the caller may unlink while iterating. */
  connectedClients(clients: ClientTable): number[] {
    const out: number[] = [];
    for (let i = this.head; i >= 0; i = clients.c.next[i] as number) out.push(i);
    return out;
  }
}

/** Core keys are server × MAX_CORES + core, so one handler serves every core. */
export const MAX_CORES = 256;
