import seedrandom from 'seedrandom';
import { REAL_LIMITS, type RealConfig, type RealFault, type RealMessagesSpec, type RealServerSpec } from '../real/index.js';
import { compileDistribution } from '../engine/index.js';
import { createArrivals } from '../sim/arrivals.js';
import { toQuantitySpec } from './schema/distribution.js';
import type { InputIssue } from './issues.js';
import type { Experiment } from './schema/experiment.js';
import { tagged } from './schema/one-of.js';
import { toSimConfig } from './to-sim.js';
import { toStrategyChoice } from './schema/strategy.js';
import { backpressures, resumes } from '../strategies/index.js';

export interface RealOptions {
  /** Client swarm processes. @default 2 */
  swarms?: number;
  redisUrl?: string | null;
}

export type ToRealResult = { ok: true; config: RealConfig } | { ok: false; issues: InputIssue[] };

/**
 * The key of one of the sim's RNG streams (engine/rng.ts: `${seed}/${fork/…/name}`), so the real
 * adapters draw the same numbers where both worlds make the same decision (arrivals, picks, fault targets).
 */
export function simStreamKey(seed: number, ...path: string[]): string {
  return `${String(seed)}/${path.join('/')}`;
}

/**
 * Translates a validated experiment into a real run, or lists what real mode cannot do with it (by path).
 * Network latencies are loopback's whatever the profile says; CPU costs are the machine's.
 */
export function toRealConfig(e: Experiment, source: string, options: RealOptions = {}): ToRealResult {
  const sim = toSimConfig(e);
  const issues: InputIssue[] = [];
  const issue = (path: (string | number)[], message: string): void => {
    issues.push({ source, path, message });
  };
  if (e.durationMs > REAL_LIMITS.maxDurationMs) issue(['durationMs'], `expected at most ${String(REAL_LIMITS.maxDurationMs)} ms in real mode, got ${String(e.durationMs)}`);
  if (sim.autoscaler !== null) issue(['autoscaling'], 'expected no autoscaling in real mode (a fixed fleet)');
  if (sim.clients.sessionMs !== null) issue(['clients', 'sessionMs'], 'expected forever in real mode (clients that stay)');
  const servers: RealServerSpec[] = sim.servers.flatMap((g) =>
    Array.from({ length: g.count }, () => ({
      maxConnections: g.spec.maxConnections,
      weight: g.spec.weight,
      admission: g.spec.admission,
      shedding: g.spec.shedding,
      memoryLimitBytes: g.spec.memory.limitBytes,
    })),
  );
  if (sim.balancer.count > REAL_LIMITS.maxProxies) issue(['balancer', 'count'], `expected at most ${String(REAL_LIMITS.maxProxies)} proxies in real mode, got ${String(sim.balancer.count)}`);
  if (servers.length > REAL_LIMITS.maxServers) issue(['fleet', 'servers'], `expected at most ${String(REAL_LIMITS.maxServers)} servers in real mode, got ${String(servers.length)}`);
  if (sim.servers.some((g) => g.spec.processes !== 1)) issue(['fleet', 'server', 'processes'], 'expected 1 in real mode (one Node process per server)');
  const arrivals = createArrivals(sim.clients.arrivals, { next: seedrandom.alea(simStreamKey(e.seed, 'arrivals')) });
  const arrivalsMs: number[] = [];
  for (let t = arrivals.next(0); t < e.durationMs && arrivalsMs.length <= REAL_LIMITS.maxClients; t = arrivals.next(t)) arrivalsMs.push(t);
  if (arrivalsMs.length > REAL_LIMITS.maxClients) {
    issue(['clients', 'arrivals'], `expected at most ${String(REAL_LIMITS.maxClients)} clients in real mode (each holds descriptors and ports on this machine), got more`);
  }
  const faults = toRealFaults(e, servers.length, issue);
  const messages = toRealMessages(e, arrivalsMs.length, issue);
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    config: {
      seed: e.seed,
      durationMs: e.durationMs,
      sampleIntervalMs: e.sampleIntervalMs,
      servers,
      balancer: {
        strategy: sim.balancer.strategy,
        healthCheck: sim.balancer.healthCheck,
        reportIntervalMs: sim.balancer.reportIntervalMs,
        connectTimeoutMs: sim.balancer.connectTimeoutMs,
        maxConnections: sim.balancer.maxConnections,
        count: sim.balancer.count,
        pickRngKeys: Array.from({ length: sim.balancer.count }, (_, b) => simStreamKey(e.seed, 'balancer', String(b), 'pick')),
      },
      heartbeat: sim.heartbeat,
      reconnect: sim.reconnect,
      clients: {
        arrivalsMs,
        connectTimeoutMs: sim.clients.connectTimeoutMs,
        initialSpreadMs: sim.clients.initialSpreadMs,
        flapsPerHour: sim.clients.flapsPerHour,
      },
      faults,
      swarms: Math.max(1, Math.min(REAL_LIMITS.maxSwarms, options.swarms ?? 2)),
      redisUrl: options.redisUrl ?? null,
      messages,
    },
  };
}

/** Crash, hang, drain and rolling restarts; random targets drawn as the sim draws them (its `faults` stream). */
function toRealFaults(e: Experiment, servers: number, issue: (path: (string | number)[], message: string) => void): RealFault[] {
  const rng = seedrandom.alea(simStreamKey(e.seed, 'faults'));
  const target = (server: number | 'random'): number => (server === 'random' ? Math.floor(rng() * servers) : server);
  return e.faults.flatMap((f, k): RealFault[] => {
    const fault = tagged(f);
    switch (fault.kind) {
      case 'crash':
        return [{ kind: fault.kind, server: target(fault.server), atMs: fault.atMs, restartAfterMs: fault.restartAfterMs }];
      case 'hang':
        return [{ kind: fault.kind, server: target(fault.server), atMs: fault.atMs, durationMs: fault.durationMs }];
      case 'drain':
        return [{ kind: fault.kind, server: target(fault.server), atMs: fault.atMs, windowMs: fault.windowMs, restartAfterMs: fault.restartAfterMs }];
      case 'rolling-restart': {
        const { atMs, windowMs, restartAfterMs, pauseMs } = fault;
        return Array.from({ length: servers }, (_, s) => ({ kind: 'drain' as const, server: s, atMs: atMs + s * (windowMs + restartAfterMs + pauseMs), windowMs, restartAfterMs }));
      }
      default:
        issue(['faults', k, fault.kind], `expected crash, hang, drain or rolling-restart in real mode, got ${fault.kind}`);
        return [];
    }
  });
}

/**
 * The messages section on real sockets: backend publishes at a steady rate on channels drawn by popularity,
 * one channel per client drawn the same way, each client's consumption rate drawn from its distribution.
 */
function toRealMessages(e: Experiment, clients: number, issue: (path: (string | number)[], message: string) => void): RealMessagesSpec | null {
  if (e.polling !== null) issue(['polling'], 'expected null in real mode (WebSocket clients only)');
  const m = e.messages;
  if (m === null) return null;
  if (m.subscriptionsPerClient !== 1) issue(['messages', 'subscriptionsPerClient'], `expected 1 in real mode, got ${String(m.subscriptionsPerClient)}`);
  if (m.clientPerSec > 0) issue(['messages', 'clientPerSec'], `expected 0 in real mode (backend publishes only), got ${String(m.clientPerSec)}`);
  if (m.idleTimeoutMs !== 'never') issue(['messages', 'idleTimeoutMs'], 'expected never in real mode');
  if (typeof m.bytes !== 'number') issue(['messages', 'bytes'], 'expected a constant size (a number) in real mode');
  if (m.backendPerSec <= 0) issue(['messages', 'backendPerSec'], 'expected backend publishes (> 0 per second) in real mode');
  // The sim's draws, in its order: per client a channel from messages/channels, then its downlink and its
  // consumption rate from messages/clients; so both worlds have the same channels and the same slow clients.
  const weights = Array.from({ length: m.channels }, (_, c) => 1 / (c + 1) ** m.popularityExponent);
  const total = weights.reduce((a, b) => a + b, 0);
  let sum = 0;
  const cdf = weights.map((w) => (sum += w / total));
  cdf[cdf.length - 1] = 1;
  const channelRng = seedrandom.alea(simStreamKey(e.seed, 'messages', 'channels'));
  const clientRng = { next: seedrandom.alea(simStreamKey(e.seed, 'messages', 'clients')) };
  const downlink = compileDistribution(toQuantitySpec(e.fleet.network.downlinkBytesPerSec));
  const consume = compileDistribution(toQuantitySpec(e.clients.consumePerSec));
  const channelOf: number[] = [];
  const consumePerSec: number[] = [];
  for (let i = 0; i < clients; i++) {
    const u = channelRng();
    channelOf.push(Math.max(0, cdf.findIndex((p) => p > u)));
    downlink.sample(clientRng);
    consumePerSec.push(consume.sample(clientRng));
  }
  return {
    channels: m.channels,
    popularityExponent: m.popularityExponent,
    publishRatePerSec: m.backendPerSec,
    bytes: typeof m.bytes === 'number' ? m.bytes : 0,
    channelOf,
    consumePerSec,
    backpressure: toStrategyChoice(backpressures, m.backpressure),
    resume: toStrategyChoice(resumes, m.resume),
    historyMessages: m.history.maxMessages === 'unbounded' ? Infinity : m.history.maxMessages,
    historyTtlMs: m.history.ttlMs === 'forever' ? Infinity : m.history.ttlMs,
  };
}
