import type { FaultSpec, MessagesSpec, ServerGroupSpec, ServerSpec, SimConfig } from '../sim/index.js';
import { admissions, backoffs, backpressures, balancers, heartbeats, resumes, shedders } from '../strategies/index.js';
import type { Experiment } from './schema/experiment.js';
import { toDistributionSpec, toQuantitySpec } from './schema/distribution.js';
import { tagged } from './schema/one-of.js';
import { toStrategyChoice } from './schema/strategy.js';
import { serverGroupsOf, toArrivals, type ServerFields } from './fleet-shape.js';

/** Translates a validated experiment into the simulator's input. */
export function toSimConfig(e: Experiment): SimConfig {
  const { network } = e.fleet;
  const b = e.balancer;
  return {
    seed: e.seed,
    durationMs: e.durationMs,
    sampleIntervalMs: e.sampleIntervalMs,
    servers: serverGroups(e),
    network: {
      clientLatencyMs: toDistributionSpec(network.clientLatencyMs),
      backendLatencyMs: toDistributionSpec(network.backendLatencyMs),
      downlinkBytesPerSec: toQuantitySpec(network.downlinkBytesPerSec),
      pathBufferBytes: network.pathBufferBytes,
    },
    clients: {
      arrivals: toArrivals(e.clients.arrivals),
      sessionMs: e.clients.sessionMs === 'forever' ? null : toDistributionSpec(e.clients.sessionMs),
      connectTimeoutMs: e.clients.connectTimeoutMs,
      flapsPerHour: e.clients.flapsPerHour,
      initialSpreadMs: e.clients.initialSpreadMs,
      initial: e.clients.initial,
      consumePerSec: toQuantitySpec(e.clients.consumePerSec),
      ...(e.clients.browser === null || e.clients.browser === undefined ? {} : { browser: e.clients.browser }),
      cpu: e.clients.cpu === null || e.clients.cpu === undefined ? null : {
              ...e.clients.cpu,
              connectCostMs: toDistributionSpec(e.clients.cpu.connectCostMs),
              messageCostMs: e.clients.cpu.messageCostMs === null ? null : toDistributionSpec(e.clients.cpu.messageCostMs),
            },
    },
    balancer: {
      count: b.count,
      strategy: toStrategyChoice(balancers, b.strategy),
      healthCheck: b.healthCheck,
      reportIntervalMs: b.reportIntervalMs,
      connectTimeoutMs: b.connectTimeoutMs,
      maxConnections: b.maxConnections,
      queueTimeoutMs: b.queueTimeoutMs,
      portsPerBackend: b.portsPerBackend,
      cpuPerConnectionMs: toDistributionSpec(b.cpuPerConnectionMs),
      cores: b.cores,
      idleTimeoutMs: b.idleTimeoutMs === 'never' ? Infinity : b.idleTimeoutMs,
    },
    heartbeat: toStrategyChoice(heartbeats, e.heartbeat),
    heartbeatModel: e.heartbeatModel,
    reconnect: toStrategyChoice(backoffs, e.clients.reconnect),
    faults: e.faults.map(toFault),
    autoscaler: e.autoscaling ?? null,
    messages: e.messages === null ? null : toMessages(e.messages),
    polling: e.polling,
  };
}

function toMessages(m: NonNullable<Experiment['messages']>): MessagesSpec {
  return {
    ...m,
    bytes: toDistributionSpec(m.bytes),
    clientPerSec: toQuantitySpec(m.clientPerSec),
    backpressure: toStrategyChoice(backpressures, m.backpressure),
    resume: toStrategyChoice(resumes, m.resume),
    history: {
      maxMessages: m.history.maxMessages === 'unbounded' ? Infinity : m.history.maxMessages,
      ttlMs: m.history.ttlMs === 'forever' ? Infinity : m.history.ttlMs,
    },
    idleTimeoutMs: m.idleTimeoutMs === 'never' ? Infinity : m.idleTimeoutMs,
  };
}

function serverGroups(e: Experiment): ServerGroupSpec[] {
  return serverGroupsOf(e).map((g) => ({ name: g.name, count: g.servers, spec: toServerSpec(g.server) }));
}

function toServerSpec(s: ServerFields): ServerSpec {
  return {
    processes: s.processes,
    coresPerProcess: s.coresPerProcess,
    maxConnections: s.maxConnections,
    fileDescriptors: s.fileDescriptors,
    weight: s.weight,
    memory: s.memory,
    restartAfterOomMs: s.restartAfterOomMs,
    dropAbandonedHandshakes: s.dropAbandonedHandshakes,
    admission: toStrategyChoice(admissions, s.admission),
    refusalCostMs: toDistributionSpec(s.refusalCostMs),
    shedding: { strategy: toStrategyChoice(shedders, s.shedding.strategy), limit: s.shedding.limit, intervalMs: s.shedding.intervalMs },
    handshakeCostMs: toDistributionSpec(s.handshakeCostMs),
    pingCostMs: toDistributionSpec(s.pingCostMs),
    pongCostMs: toDistributionSpec(s.pongCostMs),
    healthCheckCostMs: toDistributionSpec(s.healthCheckCostMs),
    messageInCostMs: toDistributionSpec(s.messageInCostMs),
    messageReadCostMs: toDistributionSpec(s.messageReadCostMs),
    messageOutCostMs: toDistributionSpec(s.messageOutCostMs),
    pollRequestCostMs: toDistributionSpec(s.pollRequestCostMs),
    pollSessionBytes: s.pollSessionBytes,
    maxConnectionAgeMs: s.maxConnectionAgeMs === 'never' ? null : toDistributionSpec(s.maxConnectionAgeMs),
  };
}

function toFault(f: Experiment['faults'][number]): FaultSpec {
  return tagged(f);
}
