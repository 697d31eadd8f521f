import type { Heartbeat, HeartbeatPhase } from '../strategies/index.js';
import { packConn } from './clients.js';
import type { CpuQueue } from './cpu.js';
import type { SimServer } from './server.js';
import type { World } from './world.js';

/**
 * Share of the heartbeat interval a process's run queue may hold before its cohort is handed back to
 * the per-connection path: below it a ping waits at most that long, so a cycle is off by at most 10 %
 * (a fan-out batch to 50,000 subscribers holds a core for about 0.3 s; Engine.IO's interval is 25 s).
 */
export const COHORT_BACKLOG_SHARE = 0.1;

/** One server process's cohort: sums over its members, from which its fluid and its counts follow. */
interface ProcessCohort {
  readonly server: SimServer;
  readonly process: number;
  readonly cpu: CpuQueue;
  readonly pingCostMs: number;
  readonly pongCostMs: number;
  members: number;
  /** Members whose first ping is due, and Σ 1/P over them: their pings and pongs load the run queue. */
  activeMembers: number;
  activePerMs: number;
  /** Σ 1/P, Σ T0/P and Σ a/P over members (P: period, T0: first ping in the cohort, a: ping to pong arrival). */
  perMs: number;
  startsOverP: number;
  arrivalsOverP: number;
  /** The fluid counts last added to the run's counters. */
  addedPings: number;
  addedPongs: number;
  addedCpuMs: number;
}

/** Where one member's cycle stands at a time: pings sent and pongs arrived in the cohort, and its last ping. */
export interface CyclePosition {
  pings: number;
  pongs: number;
  /** When the last ping was sent (its timer fired), or NaN before the first. */
  lastPingAtMs: number;
  /** When the first ping and its pong reach the client and the server, after the ping fires. */
  pingSentOffMs: number;
  arrivalOffMs: number;
}

/**
 * The cohort heartbeat (`heartbeatModel: cohort`). A connection whose pings leave on an idle core, whose
 * pongs come back and are read at once and which is not behind on data runs the same cycle over and
 * over: ping at T, pong read at T + ping cost + 2 × latency + pong cost, next ping a period P later (the
 * strategy's state machine, stepped once, gives P). Such connections are kept here without events: each
 * process's pings and pongs reach its run queue as a fluid of (ping + pong cost) / P per member
 * (CpuQueue.setFluidRate), and the counters follow from the sums over members. A member leaves, and
 * the per-connection path takes it over exactly where its cycle stands, when anything could change
 * the cycle: its connection closes, it falls behind on data, it is partitioned, its server stops, its
 * process's run queue holds more than COHORT_BACKLOG_SHARE of an interval, or the run ends. It comes
 * back at a later pong read on an idle core.
 *
 * What this gives up against the per-connection path: a ping that waits behind other work (a fan-out
 * batch) does not move its connection's later pings, and the run queue holds fluid instead of ping
 * jobs (its length counts no pings). test/sim/heartbeat-cohort.test.ts measures both paths on the
 * same runs.
 */
export class HeartbeatCohorts {
  private readonly byProcess = new Map<number, ProcessCohort>();
  /** Run queue (or data ahead of a ping) a member tolerates, ms: COHORT_BACKLOG_SHARE of the interval. */
  readonly backlogLimitMs: number;

  constructor(
    private readonly world: World,
    private readonly heartbeat: Heartbeat,
    private readonly onBacklog: (server: SimServer, process: number) => void,
  ) {
    this.backlogLimitMs = COHORT_BACKLOG_SHARE * heartbeat.intervalMs;
  }

  /** Whether client i's heartbeat is kept in a cohort. */
  has(i: number): boolean {
    return (this.world.clients.c.hbPeriodMs[i] as number) > 0;
  }

  /**
   * Whether a process may keep a cohort now: constant ping and pong costs, not stopped, and a run
   * queue holding at most half the backlog limit (a new member's pings would leave on time).
   */
  open(server: SimServer, process: number, nowMs: number): boolean {
    if (server.costs.ping.spec.kind !== 'constant' || server.costs.pong.spec.kind !== 'constant' || server.frozenAt(nowMs)) return false;
    return (server.processes[process] as CpuQueue).nextStartMs(nowMs) - nowMs <= this.backlogLimitMs / 2;
  }

  /**
   * Adds client i with its next ping at `firstPingMs` and the phase it is in until then, if the strategy's
   * cycle from that phase is a ping, a pong read before its timer and a next ping; returns whether it joined.
   */
  join(i: number, phase: HeartbeatPhase, firstPingMs: number): boolean {
    const c = this.world.clients.c;
    const server = this.world.serverOf(i);
    const process = c.process[i] as number;
    const cohort = this.cohortOf(server, process);
    const latencyMs = c.pathLatencyMs[i] as number;
    const periodMs = this.periodMs(phase, firstPingMs, cohort.pingCostMs + 2 * latencyMs + cohort.pongCostMs);
    if (!(periodMs > 0)) return false;
    // A process whose heartbeat alone would fill most of a core is left to the exact path.
    if ((cohort.pingCostMs + cohort.pongCostMs) * (cohort.activePerMs + 1 / periodMs) >= 0.5 * cohort.cpu.cores) return false;
    c.hbPeriodMs[i] = periodMs;
    c.hbFirstPingMs[i] = firstPingMs;
    c.hbActive[i] = 0;
    cohort.members++;
    cohort.perMs += 1 / periodMs;
    cohort.startsOverP += firstPingMs / periodMs;
    cohort.arrivalsOverP += (cohort.pingCostMs + 2 * latencyMs) / periodMs;
    // Its pings reach the run queue from its first one on, not before.
    this.world.sim.at(firstPingMs, this.onFirstPing, packConn(i, c.epoch[i] as number));
    return true;
  }

  private readonly onFirstPing = (arg: number): void => {
    const i = this.world.current(arg);
    const c = this.world.clients.c;
    const nowMs = this.world.sim.nowMs;
    // A member that left, or left and came back with another first ping, is not this event's.
    if (i < 0 || !((c.hbPeriodMs[i] as number) > 0) || c.hbFirstPingMs[i] !== nowMs || c.hbActive[i] === 1) return;
    c.hbActive[i] = 1;
    const cohort = this.cohortOf(this.world.serverOf(i), c.process[i] as number);
    cohort.activePerMs += 1 / (c.hbPeriodMs[i] as number);
    cohort.activeMembers++;
    cohort.cpu.setFluidRate(nowMs, (cohort.pingCostMs + cohort.pongCostMs) * cohort.activePerMs);
  };

  /** Where member i's cycle stands at `atMs` (events at `atMs` count as done). */
  position(i: number, atMs: number): CyclePosition {
    const c = this.world.clients.c;
    const cohort = this.cohortOf(this.world.serverOf(i), c.process[i] as number);
    const periodMs = c.hbPeriodMs[i] as number;
    const firstMs = c.hbFirstPingMs[i] as number;
    const pingSentOffMs = cohort.pingCostMs;
    const arrivalOffMs = cohort.pingCostMs + 2 * (c.pathLatencyMs[i] as number);
    const pings = atMs >= firstMs ? Math.floor((atMs - firstMs) / periodMs) + 1 : 0;
    const pongs = atMs >= firstMs + arrivalOffMs ? Math.floor((atMs - firstMs - arrivalOffMs) / periodMs) + 1 : 0;
    return { pings, pongs: Math.min(pongs, pings), lastPingAtMs: pings > 0 ? firstMs + (pings - 1) * periodMs : NaN, pingSentOffMs, arrivalOffMs };
  }

  /** Removes member i at `nowMs`, crediting the pings and pongs of its cycles to the run's counters. */
  leave(i: number, nowMs: number): CyclePosition {
    const c = this.world.clients.c;
    const server = this.world.serverOf(i);
    const cohort = this.cohortOf(server, c.process[i] as number);
    const at = this.position(i, nowMs);
    const periodMs = c.hbPeriodMs[i] as number;
    const counters = this.world.counters;
    counters.pings += at.pings;
    counters.pongs += at.pongs;
    server.heartbeatCpuMs += at.pings * cohort.pingCostMs + at.pongs * cohort.pongCostMs;
    cohort.members--;
    if (cohort.members === 0) {
      cohort.perMs = 0;
      cohort.startsOverP = 0;
      cohort.arrivalsOverP = 0;
    } else {
      cohort.perMs -= 1 / periodMs;
      cohort.startsOverP -= (c.hbFirstPingMs[i] as number) / periodMs;
      cohort.arrivalsOverP -= at.arrivalOffMs / periodMs;
    }
    c.hbPeriodMs[i] = 0;
    if (c.hbActive[i] === 1) {
      c.hbActive[i] = 0;
      cohort.activeMembers--;
      cohort.activePerMs = cohort.activeMembers === 0 ? 0 : cohort.activePerMs - 1 / periodMs;
      cohort.cpu.setFluidRate(nowMs, (cohort.pingCostMs + cohort.pongCostMs) * cohort.activePerMs);
    }
    return at;
  }

  /** Members held by a server (or one of its processes), for handing them back. */
  membersOf(server: SimServer, process = -1): number[] {
    const c = this.world.clients.c;
    if (!this.anyOn(server, process)) return [];
    return server.heldClients(this.world.clients).filter((i) => (c.hbPeriodMs[i] as number) > 0 && (process < 0 || c.process[i] === process));
  }

  /**
   * Brings the run's counters and each server's heartbeat CPU up to `nowMs` from the sums over members:
   * a member's expected count at t is (t − T0) / P + 1/2. With `exact`, every member's count instead
   * (the run's end: the totals are then each member's whole cycles).
   */
  settle(nowMs: number, exact = false): void {
    const counters = this.world.counters;
    const totals = exact ? this.exactTotals(nowMs) : null;
    for (const [key, cohort] of this.byProcess) {
      const base = nowMs * cohort.perMs - cohort.startsOverP + cohort.members / 2;
      const pings = totals?.get(key)?.[0] ?? Math.round(base);
      const pongs = totals?.get(key)?.[1] ?? Math.round(base - cohort.arrivalsOverP);
      const cpuMs = pings * cohort.pingCostMs + pongs * cohort.pongCostMs;
      counters.pings += pings - cohort.addedPings;
      counters.pongs += pongs - cohort.addedPongs;
      cohort.server.heartbeatCpuMs += cpuMs - cohort.addedCpuMs;
      cohort.addedPings = pings;
      cohort.addedPongs = pongs;
      cohort.addedCpuMs = cpuMs;
    }
  }

  private exactTotals(nowMs: number): Map<number, [number, number]> {
    const totals = new Map<number, [number, number]>();
    for (const key of this.byProcess.keys()) totals.set(key, [0, 0]);
    const { clients } = this.world;
    const c = clients.c;
    for (let i = 0; i < clients.count; i++) {
      if (!((c.hbPeriodMs[i] as number) > 0)) continue;
      const at = this.position(i, nowMs);
      const t = totals.get(this.key(c.server[i] as number, c.process[i] as number)) as [number, number];
      t[0] += at.pings;
      t[1] += at.pongs;
    }
    return totals;
  }

  private anyOn(server: SimServer, process: number): boolean {
    for (let p = 0; p < server.processes.length; p++) {
      if (process >= 0 && p !== process) continue;
      if ((this.byProcess.get(this.key(server.id, p))?.members ?? 0) > 0) return true;
    }
    return false;
  }

  /**
   * The period of the cycle that starts with a ping at `pingMs` from `phase`, its pong read
   * `roundTripMs` later; NaN when the strategy does not cycle so (or the pong would not beat the timer).
   */
  private periodMs(phase: HeartbeatPhase, pingMs: number, roundTripMs: number): number {
    const sent = this.heartbeat.onTimer(phase, pingMs);
    if (sent.action !== 'ping') return NaN;
    const readMs = pingMs + roundTripMs;
    if (!(readMs + this.backlogLimitMs < sent.timerAtMs)) return NaN;
    const back = this.heartbeat.onPong(sent.phase, readMs);
    if (back.action !== 'none' || back.phase !== phase) return NaN;
    const nextMs = Number.isNaN(back.timerAtMs) ? sent.timerAtMs : back.timerAtMs;
    return nextMs > readMs && Number.isFinite(nextMs) ? nextMs - pingMs : NaN;
  }

  private key(server: number, process: number): number {
    return server * 256 + process;
  }

  private cohortOf(server: SimServer, process: number): ProcessCohort {
    const key = this.key(server.id, process);
    let cohort = this.byProcess.get(key);
    if (cohort === undefined) {
      const cpu = server.processes[process] as CpuQueue;
      cohort = {
        server,
        process,
        cpu,
        pingCostMs: server.costs.ping.spec.kind === 'constant' ? server.costs.ping.spec.value : NaN,
        pongCostMs: server.costs.pong.spec.kind === 'constant' ? server.costs.pong.spec.value : NaN,
        members: 0,
        activeMembers: 0,
        activePerMs: 0,
        perMs: 0,
        startsOverP: 0,
        arrivalsOverP: 0,
        addedPings: 0,
        addedPongs: 0,
        addedCpuMs: 0,
      };
      const onBacklog = this.onBacklog;
      const self = cohort;
      cpu.backlogLimitMs = this.backlogLimitMs;
      cpu.onBacklog = () => {
        if (self.members > 0) onBacklog(server, process);
      };
      this.byProcess.set(key, cohort);
    }
    return cohort;
  }
}
