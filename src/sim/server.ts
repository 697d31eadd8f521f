import { CpuQueue } from './cpu.js';
import type { ClientTable } from './clients.js';

/** One simulated server: liveness, run queue, and the connections it holds (in handshake or established). */
export class SimServer {
  up = true;
  /** Established connections. */
  connections = 0;
  /** Handshakes accepted and not yet finished; they count against the connection cap. */
  handshaking = 0;
  head = -1;
  readonly cpu: CpuQueue;

  constructor(
    readonly id: number,
    cores: number,
  ) {
    this.cpu = new CpuQueue(cores);
  }

  /** Adds a connection whose handshake was just accepted. */
  accept(clients: ClientTable, i: number): void {
    const { next, prev, server, established } = clients.c;
    server[i] = this.id;
    established[i] = 0;
    prev[i] = -1;
    next[i] = this.head;
    if (this.head >= 0) prev[this.head] = i;
    this.head = i;
    this.handshaking++;
  }

  /** The connection's handshake finished: it is open. */
  establish(clients: ClientTable, i: number): void {
    clients.c.established[i] = 1;
    this.handshaking--;
    this.connections++;
  }

  /** Removes a connection, in handshake or established. */
  remove(clients: ClientTable, i: number): void {
    const { next, prev, server, established } = clients.c;
    const p = prev[i] as number;
    const n = next[i] as number;
    if (p >= 0) next[p] = n;
    else this.head = n;
    if (n >= 0) prev[n] = p;
    server[i] = -1;
    next[i] = -1;
    prev[i] = -1;
    if (established[i] === 1) this.connections--;
    else this.handshaking--;
    established[i] = 0;
  }

  /** The clients held here, copied so the caller may remove while iterating. */
  heldClients(clients: ClientTable): number[] {
    const out: number[] = [];
    for (let i = this.head; i >= 0; i = clients.c.next[i] as number) out.push(i);
    return out;
  }
}
