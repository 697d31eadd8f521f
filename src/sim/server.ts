import type { Rng } from '../engine/index.js';
import { admissions, instantiate, shedders, type Admission, type Shedder } from '../strategies/index.js';
import { compileDistribution, type Distribution } from '../engine/index.js';
import { CpuQueue } from './cpu.js';
import { UpgradeBacklog } from './upgrade-backlog.js';
import type { ClientTable } from './clients.js';
import type { ServerSpec } from './config.js';

/** File descriptors a process holds before any connection (stdio, listeners, logs). */
const BASE_DESCRIPTORS = 16;

/** One simulated server: liveness, processes with their run queues, and the connections it holds. */
export class SimServer {
  up = true;
  /** Established connections. */
  connections = 0;
  /** Handshakes accepted and not yet finished; they count against the connection cap. */
  handshaking = 0;
  head = -1;
  readonly processes: CpuQueue[];
  /** Per process: upgrade requests its event loop has not reached yet (only with a policy that reads the backlog). */
  readonly backlogs: UpgradeBacklog[];
  /** Connections (any state) per process, for descriptors. */
  readonly perProcess: Int32Array;
  readonly costs: {
    handshake: Distribution;
    ping: Distribution;
    pong: Distribution;
    healthCheck: Distribution;
    refusal: Distribution;
    messageIn: Distribution;
    messageRead: Distribution;
    messageOut: Distribution;
    pollRequest: Distribution;
  };
  /** How long a connection may stay open before the server recycles it; null: forever. */
  readonly connectionAge: Distribution | null;
  /** Each server has its own policy instance: a token bucket's state is per server. */
  readonly admission: Admission;
  readonly shedder: Shedder;
  /** CPU utilisation over the last report interval, as the server itself sees it. */
  recentLoad = 0;
  private nextProcess = 0;
  handshakesDone = 0;
  refusals = 0;
  peakMemoryBytes = 0;
  /** Most established connections held at once. */
  peakConnections = 0;
  /** Dead connections the server still holds (the peer vanished without a FIN) until its heartbeat notices. */
  ghosts = 0;
  /** Time spent running, for utilisation over the time a server existed (spares that never ran count nothing). */
  private upSinceMs = 0;
  private upTotalMs = 0;
  /** Bumped at every death, so events about an earlier life are ignored. */
  incarnation = 0;
  /** CPU spent on handshakes, and on handshakes whose client had given up by the time they finished. */
  handshakeCpuMs = 0;
  wastedCpuMs = 0;
  /** CPU spent refusing connections (accept, parse, 503). */
  refusalCpuMs = 0;
  /** CPU spent on pings and pongs of connections outside the cohort heartbeat's lanes. */
  connectionHeartbeatCpuMs = 0;
  /** Pings sent and pongs read by the cohort heartbeat's lanes (whose costs are constant). */
  lanePings = 0;
  lanePongs = 0;
  /** False while the autoscaler has not provisioned this server. */
  provisioned = true;
  /** While down: true when only the process died and the kernel answers connects with RST; false when the host is silent. */
  refusesWhileDown = false;
  /** True while being drained for scale-in. */
  draining = false;
  /** Bytes in this server's send queues (written, not yet consumed by clients). */
  sendBufferBytes = 0;
  /** Largest sendBufferBytes seen at a sample. */
  peakSendBufferBytes = 0;
  /** Long-polling sessions held here; each costs pollSessionBytes more than a WebSocket. */
  pollSessions = 0;
  /**
   * While the process is stopped (SIGSTOP, a blocked event loop), until this time: it runs no timer
   * and closes nothing; what falls due meanwhile runs when it resumes, timers first (Node's timers
   * phase comes before the poll phase that reads the sockets).
   */
  frozenUntilMs = -Infinity;
  /** Multiplies handshake CPU while a dependency of the handshake (auth, session store) is slow. */
  handshakeSlowdown = 1;

  /** CPU spent on pings and pongs: the lanes' counted at their constant costs, so the sum does not depend on when the lanes caught up. */
  get heartbeatCpuMs(): number {
    if (this.lanePings === 0 && this.lanePongs === 0) return this.connectionHeartbeatCpuMs;
    const ping = this.costs.ping.spec;
    const pong = this.costs.pong.spec;
    return this.connectionHeartbeatCpuMs + this.lanePings * (ping.kind === 'constant' ? ping.value : 0) + this.lanePongs * (pong.kind === 'constant' ? pong.value : 0);
  }

  constructor(
    readonly id: number,
    readonly group: string,
    readonly spec: ServerSpec,
    readonly rng: Rng,
  ) {
    this.processes = Array.from({ length: spec.processes }, () => new CpuQueue(spec.coresPerProcess));
    this.backlogs = Array.from({ length: spec.processes }, () => new UpgradeBacklog());
    this.perProcess = new Int32Array(spec.processes);
    this.costs = {
      handshake: compileDistribution(spec.handshakeCostMs),
      ping: compileDistribution(spec.pingCostMs),
      pong: compileDistribution(spec.pongCostMs),
      healthCheck: compileDistribution(spec.healthCheckCostMs),
      refusal: compileDistribution(spec.refusalCostMs),
      messageIn: compileDistribution(spec.messageInCostMs),
      messageRead: compileDistribution(spec.messageReadCostMs),
      messageOut: compileDistribution(spec.messageOutCostMs),
      pollRequest: compileDistribution(spec.pollRequestCostMs),
    };
    this.connectionAge = spec.maxConnectionAgeMs === null ? null : compileDistribution(spec.maxConnectionAgeMs);
    this.admission = instantiate(admissions, spec.admission, 'server.admission');
    this.shedder = instantiate(shedders, spec.shedding.strategy, 'server.shedding.strategy');
  }

  get cores(): number {
    return this.spec.processes * this.spec.coresPerProcess;
  }

  memoryBytes(): number {
    const held = this.connections + this.handshaking + this.ghosts;
    if (!this.up) return 0;
    return this.spec.memory.baseBytes * this.spec.processes + held * this.spec.memory.perConnectionBytes + this.sendBufferBytes + this.pollSessions * this.spec.pollSessionBytes;
  }

  /** The process the next connection goes to (cluster round-robin), or -1 when it has no descriptor left. */
  pickProcess(): number {
    const p = this.nextProcess;
    this.nextProcess = (p + 1) % this.spec.processes;
    return (this.perProcess[p] as number) + BASE_DESCRIPTORS < this.spec.fileDescriptors ? p : -1;
  }

  /** Core-ms of work done up to `nowMs`, over all processes. */
  busyMs(nowMs: number): number {
    return this.processes.reduce((sum, q) => sum + q.busyMs(nowMs), 0);
  }

  /** Jobs waiting for a core, and upgrade requests waiting for their process's event loop. */
  queued(nowMs: number): number {
    return this.processes.reduce((sum, q, p) => sum + q.queued(nowMs) + (this.backlogs[p] as UpgradeBacklog).length, 0);
  }

  /** Adds a connection whose handshake was just accepted by process `p`. */
  accept(clients: ClientTable, i: number, p: number): void {
    const { next, prev, server, established, process } = clients.c;
    server[i] = this.id;
    process[i] = p;
    established[i] = 0;
    prev[i] = -1;
    next[i] = this.head;
    if (this.head >= 0) prev[this.head] = i;
    this.head = i;
    this.handshaking++;
    this.perProcess[p] = (this.perProcess[p] as number) + 1;
  }

  /** The connection's handshake finished: it is open. */
  establish(clients: ClientTable, i: number): void {
    clients.c.established[i] = 1;
    this.handshaking--;
    this.connections++;
    if (this.connections > this.peakConnections) this.peakConnections = this.connections;
    this.handshakesDone++;
    const memory = this.memoryBytes();
    if (memory > this.peakMemoryBytes) this.peakMemoryBytes = memory;
  }

  /** Removes a connection, in handshake or established; with `keepDescriptor` its socket stays open (a dead peer). */
  remove(clients: ClientTable, i: number, keepDescriptor = false): void {
    const { next, prev, server, established, process } = clients.c;
    const p = prev[i] as number;
    const n = next[i] as number;
    if (p >= 0) next[p] = n;
    else this.head = n;
    if (n >= 0) prev[n] = p;
    if (!keepDescriptor) this.releaseDescriptor(process[i] as number);
    server[i] = -1;
    next[i] = -1;
    prev[i] = -1;
    if (established[i] === 1) this.connections--;
    else this.handshaking--;
    established[i] = 0;
  }

  /** True while the process is stopped at `nowMs`. */
  frozenAt(nowMs: number): boolean {
    return nowMs < this.frozenUntilMs;
  }

  /** The process starts (again) at `nowMs`. */
  start(nowMs: number): void {
    this.up = true;
    this.frozenUntilMs = -Infinity;
    this.upSinceMs = nowMs;
  }

  /** Milliseconds this server has been running up to `nowMs`. */
  upMs(nowMs: number): number {
    return this.upTotalMs + (this.up ? nowMs - this.upSinceMs : 0);
  }

  releaseDescriptor(p: number): void {
    this.perProcess[p] = (this.perProcess[p] as number) - 1;
  }

  /** The clients held here, copied so the caller may remove while iterating. */
  heldClients(clients: ClientTable): number[] {
    const out: number[] = [];
    for (let i = this.head; i >= 0; i = clients.c.next[i] as number) out.push(i);
    return out;
  }

  /** Process death: queued work is lost. */
  kill(nowMs: number): void {
    if (this.up) this.upTotalMs += nowMs - this.upSinceMs;
    this.up = false;
    this.ghosts = 0;
    this.sendBufferBytes = 0;
    this.pollSessions = 0;
    this.perProcess.fill(0);
    this.incarnation++;
    for (const q of this.processes) q.reset(nowMs);
  }
}
