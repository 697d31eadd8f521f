import { REAL_LIMITS, type RealAutoscalingSpec, type RealConfig, type RealStack, type RealFault, type RealMessagesSpec, type RealPollingSpec, type RealServerSpec } from '../real/index.js';
import { arrivalTimesMs, compileDistribution, seededStream, streamKey } from '../engine/index.js';
import { toDistributionSpec, toQuantitySpec } from './schema/distribution.js';
import type { InputIssue } from './issues.js';
import type { Experiment } from './schema/experiment.js';
import { tagged } from './schema/one-of.js';
import { toStrategyChoice } from './schema/strategy.js';
import { serverGroupsOf, toArrivals } from './fleet-shape.js';
import {
  admissions,
  backoffs,
  backpressures,
  balancers,
  faultTarget,
  heartbeats,
  pickDistinct,
  resumes,
  rollingRestartAtMs,
  shedders,
  zipfCdf,
} from '../strategies/index.js';

export interface RealOptions {
  /** Client swarm processes. @default 2 */
  swarms?: number;
  redisUrl?: string | null;
  /** The software on the sockets. @default the file's validate.stack, else 'ws' */
  stack?: RealStack;
}

export type ToRealResult = { ok: true; config: RealConfig } | { ok: false; issues: InputIssue[] };

/**
 * Translates a validated experiment into a real run, or lists what real mode cannot do with it (by path).
 * Network latencies are loopback's whatever the profile says; CPU costs are the machine's.
 */
export function toRealConfig(e: Experiment, source: string, options: RealOptions = {}): ToRealResult {
  const issues: InputIssue[] = [];
  const issue = (path: (string | number)[], message: string): void => {
    issues.push({ source, path, message });
  };
  if (e.durationMs > REAL_LIMITS.maxDurationMs) issue(['durationMs'], `expected at most ${String(REAL_LIMITS.maxDurationMs)} ms in real mode, got ${String(e.durationMs)}`);
  if ((e.clients.browser ?? null) !== null) issue(['clients', 'browser'], "expected null in real mode (each client is one swarm socket; no browser tabs or per-host pool)");
  const groups = serverGroupsOf(e);
  const servers: RealServerSpec[] = groups.flatMap((g) =>
    Array.from({ length: g.servers }, () => ({
      maxConnections: g.server.maxConnections,
      weight: g.server.weight,
      admission: toStrategyChoice(admissions, g.server.admission),
      shedding: { strategy: toStrategyChoice(shedders, g.server.shedding.strategy), limit: g.server.shedding.limit, intervalMs: g.server.shedding.intervalMs },
      memoryLimitBytes: g.server.memory.limitBytes,
      maxConnectionAgeMs: g.server.maxConnectionAgeMs === 'never' ? null : toDistributionSpec(g.server.maxConnectionAgeMs),
    })),
  );
  const autoscaling = toRealAutoscaling(e, servers, issue);
  const b = e.balancer;
  if (b.count > REAL_LIMITS.maxProxies) issue(['balancer', 'count'], `expected at most ${String(REAL_LIMITS.maxProxies)} proxies in real mode, got ${String(b.count)}`);
  if (servers.length - (autoscaling === null ? 0 : autoscaling.spares) > REAL_LIMITS.maxServers) issue(['fleet', 'servers'], `expected at most ${String(REAL_LIMITS.maxServers)} servers in real mode, got ${String(servers.length)}`);
  if (groups.some((g) => g.server.processes !== 1)) issue(['fleet', 'server', 'processes'], 'expected 1 in real mode (one Node process per server)');
  // The sim's arrivals, draw for draw: client k of both worlds arrives at the same time. Counted on past
  // the limit (up to 100 times it) so a refusal can say how many.
  const countCap = REAL_LIMITS.maxClients * 100;
  // A warm start's clients come first, as the sim creates them before any arrival (ids 0 … initial − 1, at t = 0).
  const initial = e.clients.initial;
  const arrivalsMs = [
    ...new Array<number>(Math.min(initial, countCap + 1)).fill(0),
    ...arrivalTimesMs(toArrivals(e.clients.arrivals), seededStream(streamKey(e.seed, 'arrivals')), e.durationMs, countCap),
  ];
  if (arrivalsMs.length > REAL_LIMITS.maxClients) {
    const got = arrivalsMs.length > countCap ? `more than ${String(countCap)}` : String(arrivalsMs.length);
    issue(initial > 0 ? ['clients'] : ['clients', 'arrivals'], `expected at most ${String(REAL_LIMITS.maxClients)} clients in real mode (initial plus arrivals; each holds descriptors and ports on this machine), got ${got}`);
  }
  // Each warm client's heartbeat phase, drawn from the sim's warm-start stream in the same order.
  const phases = seededStream(streamKey(e.seed, 'warm-start'));
  const warmPhases = arrivalsMs.length > REAL_LIMITS.maxClients ? [] : Array.from({ length: initial }, () => phases.next());
  const faults = toRealFaults(e, groups.flatMap((g) => Array.from({ length: g.servers }, () => g.name)), issue);
  const messages = toRealMessages(e, arrivalsMs.length, issue);
  const polling = toRealPolling(e, arrivalsMs.length, issue);
  if (polling !== null && polling.clients.slice(0, e.clients.initial).some((p) => p)) {
    issue(['clients', 'initial'], 'expected no long-polling client among the warm ones in real mode (warm clients connect over WebSocket before the clock starts); set clients.initial to 0 or polling.share to 0');
  }
  const stack = options.stack ?? e.validate?.stack ?? 'ws';
  if (stack === 'socket-io') socketIoIssues(e, issue);
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    config: {
      stack,
      seed: e.seed,
      durationMs: e.durationMs,
      sampleIntervalMs: e.sampleIntervalMs,
      servers,
      balancer: {
        strategy: toStrategyChoice(balancers, b.strategy),
        healthCheck: b.healthCheck,
        reportIntervalMs: b.reportIntervalMs,
        connectTimeoutMs: b.connectTimeoutMs,
        maxConnections: b.maxConnections,
        count: b.count,
      },
      heartbeat: toStrategyChoice(heartbeats, e.heartbeat),
      reconnect: toStrategyChoice(backoffs, e.clients.reconnect),
      clients: {
        arrivalsMs,
        warmPhases,
        connectTimeoutMs: e.clients.connectTimeoutMs,
        initialSpreadMs: e.clients.initialSpreadMs,
        flapsPerHour: e.clients.flapsPerHour,
        sessionMs: toSessions(e, arrivalsMs.length),
      },
      faults,
      swarms: Math.max(1, Math.min(REAL_LIMITS.maxSwarms, options.swarms ?? 2)),
      redisUrl: options.redisUrl ?? null,
      messages,
      polling,
      autoscaling: autoscaling?.spec ?? null,
    },
  };
}

/**
 * Long polling on real HTTP requests: which clients poll, drawn as the sim draws it (one draw per client in arrival
 * order from its polling/clients stream). A shared session store and a separate polling farm are the sim's alone.
 */
function toRealPolling(e: Experiment, clients: number, issue: (path: (string | number)[], message: string) => void): RealPollingSpec | null {
  const p = e.polling;
  if (p === null) return null;
  if (p.sessions === 'shared') issue(['polling', 'sessions'], 'expected local in real mode (the bundled servers keep their sessions in their own memory; there is no shared session store)');
  if (p.farm !== null) issue(['polling', 'farm'], 'expected null in real mode (the proxy balances polls over the whole fleet)');
  const rng = seededStream(streamKey(e.seed, 'polling', 'clients'));
  return { clients: Array.from({ length: clients }, () => rng.next() < p.share), holdMs: p.holdMs, sessionTimeoutMs: p.sessionTimeoutMs };
}

/**
 * What the socket-io stack cannot run: its clients reconnect by socket.io-client's own Manager (so only the
 * socket-io backoff preset, which is that Manager's code) and ping by Engine.IO (so only ping-pong, which is
 * Engine.IO's heartbeat); one Manager keeps one URL; the bundled pub/sub, long polling, flaps, shedding, connection ages,
 * autoscaling and warm starts are the bundled fleet's.
 */
function socketIoIssues(e: Experiment, issue: (path: (string | number)[], message: string) => void): void {
  const why = 'on the socket-io stack';
  const reconnect = toStrategyChoice(backoffs, e.clients.reconnect);
  if (reconnect.name !== 'socket-io') {
    issue(['clients', 'reconnect'], `expected socket-io ${why} (socket.io-client reconnects by its own Manager, whose backoff that preset is), got ${reconnect.name}`);
  } else if (reconnect.options['honourRetryAfter'] === true) {
    issue(['clients', 'reconnect', 'socket-io', 'honourRetryAfter'], `expected false ${why} (socket.io-client reads no retry-after)`);
  }
  const heartbeat = toStrategyChoice(heartbeats, e.heartbeat);
  if (heartbeat.name !== 'ping-pong') issue(['heartbeat'], `expected ping-pong ${why} (Engine.IO's own heartbeat: pingInterval, pingTimeout), got ${heartbeat.name}`);
  if (e.messages !== null) issue(['messages'], `expected null ${why} (pub/sub runs on the bundled ws fleet only)`);
  if (e.polling !== null) issue(['polling'], `expected null ${why} (its clients use the websocket transport only; long polling runs on the bundled ws fleet)`);
  if ((e.autoscaling ?? null) !== null) issue(['autoscaling'], `expected null ${why} (the autoscaler starts and drains bundled ws servers)`);
  if (e.clients.initial > 0) issue(['clients', 'initial'], `expected 0 ${why} (a warm start connects bundled ws swarm clients before the clock starts)`);
  if (e.clients.flapsPerHour > 0) issue(['clients', 'flapsPerHour'], `expected 0 ${why} (a socket.io-client socket cannot be made to go silent without a FIN)`);
  if (e.balancer.count > 1) issue(['balancer', 'count'], `expected 1 ${why} (a socket.io-client Manager keeps one URL across its reconnects)`);
  serverGroupsOf(e).forEach((g, k) => {
    const at = (e.fleet.groups ?? null) === null ? ['fleet', 'server'] : ['fleet', 'groups', k];
    if (g.server.shedding.limit !== null) issue([...at, 'shedding'], `expected no shedding limit ${why} (shedding runs on the bundled ws server only)`);
    if (g.server.maxConnectionAgeMs !== 'never') issue([...at, 'maxConnectionAgeMs'], `expected never ${why} (connection ages run on the bundled ws server only)`);
  });
}

/**
 * The autoscaling section on real processes: the fleet grows with copies of its last server (appended to `servers`,
 * as the sim's world adds them) up to `max`, which real mode caps at its process limit. Returns the spec and how many
 * spares were appended.
 */
function toRealAutoscaling(e: Experiment, servers: RealServerSpec[], issue: (path: (string | number)[], message: string) => void): { spec: RealAutoscalingSpec; spares: number } | null {
  const a = e.autoscaling ?? null;
  if (a === null) return null;
  if (a.max > REAL_LIMITS.maxServers) issue(['autoscaling', 'max'], `expected at most ${String(REAL_LIMITS.maxServers)} servers in real mode (one process each on this machine), got ${String(a.max)}`);
  if (a.rebalanceShare > 0) issue(['autoscaling', 'rebalanceShare'], `expected 0 in real mode (a joining server takes only new connections), got ${String(a.rebalanceShare)}`);
  const initial = servers.length;
  const last = servers.at(-1);
  if (last !== undefined) while (servers.length < Math.min(a.max, REAL_LIMITS.maxServers)) servers.push({ ...last });
  const { metric, target, min, max, intervalMs, provisionMs, cooldownMs, drainMs } = a;
  return { spec: { metric, target, min, max, intervalMs, provisionMs, cooldownMs, drainMs, initial }, spares: servers.length - initial };
}

/** Each client's session, drawn as the sim draws it when the client arrives (its `sessions` stream, in arrival order). */
function toSessions(e: Experiment, clients: number): number[] | null {
  if (e.clients.sessionMs === 'forever') return null;
  const session = compileDistribution(toDistributionSpec(e.clients.sessionMs));
  const rng = seededStream(streamKey(e.seed, 'sessions'));
  return Array.from({ length: clients }, () => session.sample(rng));
}

/**
 * Crash, hang, drain, rolling restarts and disconnects; random targets drawn as the sim draws them (its `faults`
 * stream). `groupOf`: each server's group name, in fleet order.
 */
function toRealFaults(e: Experiment, groupOf: readonly string[], issue: (path: (string | number)[], message: string) => void): RealFault[] {
  const servers = groupOf.length;
  const rng = seededStream(streamKey(e.seed, 'faults'));
  const target = (server: number | 'random'): number => faultTarget(server, servers, rng);
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
        return Array.from({ length: servers }, (_, s) => ({ kind: 'drain' as const, server: s, atMs: rollingRestartAtMs({ atMs, windowMs, restartAfterMs, pauseMs }, s), windowMs, restartAfterMs }));
      }
      case 'disconnect': {
        const scope = fault.server !== undefined ? [target(fault.server)] : fault.group !== undefined ? groupOf.flatMap((g, s) => (g === fault.group ? [s] : [])) : null;
        return [{ kind: fault.kind, atMs: fault.atMs, share: fault.share, servers: scope, fin: fault.fin }];
      }
      default:
        issue(['faults', k, fault.kind], `expected crash, hang, drain, rolling-restart or disconnect in real mode, got ${fault.kind}`);
        return [];
    }
  });
}

/**
 * The messages section on real sockets: backend publishes at a steady rate on channels drawn by popularity,
 * client publishes at each client's own rate (drawn as the sim draws it),
 * each client's channels drawn the same way, each client's consumption rate drawn from its distribution.
 */
function toRealMessages(e: Experiment, clients: number, issue: (path: (string | number)[], message: string) => void): RealMessagesSpec | null {
  const m = e.messages;
  if (m === null) return null;
  if (m.idleTimeoutMs !== 'never') issue(['messages', 'idleTimeoutMs'], 'expected never in real mode');
  if (typeof m.bytes !== 'number') issue(['messages', 'bytes'], 'expected a constant size (a number) in real mode');
  const clientRate = toQuantitySpec(m.clientPerSec);
  if (m.backendPerSec <= 0 && clientRate.kind === 'constant' && clientRate.value <= 0) {
    issue(['messages', 'backendPerSec'], 'expected publishes in real mode (backendPerSec or clientPerSec above 0)');
  }
  const resume = toStrategyChoice(resumes, m.resume);
  if (resume.options['ordering'] === 'none') {
    issue(['messages', 'resume', resume.name, 'ordering'], 'expected buffer in real mode (the bundled server holds live messages until the replay is written)');
  }
  // The sim's draws, in its order: per client its channels from messages/channels, then its downlink and its
  // consumption rate from messages/clients; so both worlds have the same channels and the same slow clients.
  const cdf = zipfCdf(m.channels, m.popularityExponent);
  const channelRng = seededStream(streamKey(e.seed, 'messages', 'channels'));
  const clientRng = seededStream(streamKey(e.seed, 'messages', 'clients'));
  const downlink = compileDistribution(toQuantitySpec(e.fleet.network.downlinkBytesPerSec));
  const consume = compileDistribution(toQuantitySpec(e.clients.consumePerSec));
  // A rate per client from messages/publish-rates, as the sim's PublishRates draws it; a constant needs no draw.
  const rateRng = seededStream(streamKey(e.seed, 'messages', 'publish-rates'));
  const rate = compileDistribution(clientRate);
  const clientPublishPerSec = Array.from({ length: clients }, () => (clientRate.kind === 'constant' ? clientRate.value : rate.sample(rateRng)));
  const channelsOf: number[][] = [];
  const consumePerSec: number[] = [];
  for (let i = 0; i < clients; i++) {
    channelsOf.push(pickDistinct(cdf, m.subscriptionsPerClient, channelRng));
    downlink.sample(clientRng);
    consumePerSec.push(consume.sample(clientRng));
  }
  return {
    channels: m.channels,
    popularityExponent: m.popularityExponent,
    publishRatePerSec: m.backendPerSec,
    clientPublishPerSec,
    bytes: typeof m.bytes === 'number' ? m.bytes : 0,
    channelsOf,
    consumePerSec,
    backpressure: toStrategyChoice(backpressures, m.backpressure),
    resume,
    historyMessages: m.history.maxMessages === 'unbounded' ? Infinity : m.history.maxMessages,
    historyTtlMs: m.history.ttlMs === 'forever' ? Infinity : m.history.ttlMs,
  };
}
