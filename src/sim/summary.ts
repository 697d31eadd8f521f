import { coefficientOfVariation, imbalance, type MetricValues, type Table, type TypedRunEvent } from '../metrics/index.js';
import { recoveryMetrics, scaleOutMetrics } from '../metrics/index.js';
import type { Fleet } from './fleet.js';

/** The run's flat summary: dotted metric names to numbers. */
export function summarize(fleet: Fleet, timeseries: Table, events: readonly TypedRunEvent[]): MetricValues {
  const endMs = fleet.sim.nowMs;
  const k = fleet.counters;
  const perClient = Array.from(fleet.clients.c.attemptsTotal.subarray(0, fleet.clients.count));
  const upServers = fleet.servers.filter((s) => s.up);
  const up = upServers.map((s) => s.connections / s.spec.weight);
  const busyMs = fleet.servers.reduce((sum, s) => sum + s.busyMs(endMs), 0);
  const coreMs = fleet.servers.reduce((sum, s) => sum + s.cores * s.upMs(endMs), 0);
  // Each server's CPU busy over its own up time, for servers that were up at all.
  const cpuShares = fleet.servers.filter((s) => s.upMs(endMs) > 0).map((s) => s.busyMs(endMs) / (s.cores * s.upMs(endMs)));
  const presentArea = fleet.present.integral(endMs);
  return {
    'clients.arrived': k.arrivals,
    'clients.departed': k.departures,
    'clients.gaveUp': k.gaveUp,
    'clients.connected.final': fleet.connected.current,
    'clients.connected.mean': fleet.connected.mean(endMs),
    'clients.present.mean': fleet.present.mean(endMs),
    availability: presentArea > 0 ? fleet.connected.integral(endMs) / presentArea : 1,
    'connect.attempts': k.attempts,
    'connect.succeeded': k.succeeded,
    'connect.refused': k.refused,
    'connect.refused.server': k.serverRefused,
    'connect.refused.balancer': k.balancerRefused,
    'connect.refused.ports': k.portsExhausted,
    'connect.descriptorsExhausted': k.descriptorsExhausted,
    'clients.moved': k.moved,
    'connect.failed': k.failed,
    'connect.timeouts': k.timeouts,
    'connect.attemptsPerClient.mean': perClient.length > 0 ? k.attempts / perClient.length : 0,
    'connect.attemptsPerClient.max': perClient.reduce((m, v) => Math.max(m, v), 0),
    ...fleet.connectLatency.summarize('connect.latencyMs'),
    ...fleet.handshakeWait.summarize('handshake.waitMs'),
    'handshake.waitProbability': fleet.handshakeWait.samples > 0 ? k.handshakesWaited / fleet.handshakeWait.samples : 0,
    'handshake.wasted': k.handshakesWasted,
    'connections.dropped': k.drops,
    'connections.shed': k.shed,
    'connections.recycled': k.recycled,
    'heartbeat.pings': k.pings,
    'heartbeat.pongs': k.pongs,
    'connections.idleClosed.proxy': k.idleClosedProxy,
    'connections.idleClosed.server': k.idleClosedServer,
    'heartbeat.timeouts': k.heartbeatTimeouts,
    'heartbeat.clientTimeouts': k.clientTimeouts,
    'servers.up.final': up.length,
    'servers.connections.imbalance': imbalance(up),
    'servers.connections.cv': coefficientOfVariation(up),
    'servers.cpu.utilization.mean': coreMs > 0 ? busyMs / coreMs : 0,
    'servers.cpu.utilization.max': cpuShares.reduce((m, v) => Math.max(m, v), 0),
    'servers.cpu.imbalance': imbalance(cpuShares),
    'servers.memory.peakBytes': fleet.servers.reduce((m, s) => Math.max(m, s.peakMemoryBytes), 0),
    'servers.connections.peak': fleet.servers.reduce((m, s) => Math.max(m, s.peakConnections), 0),
    'servers.oomKills': k.oomKills,
    'balancer.cpu.utilization.mean': fleet.balancers.reduce((sum, b) => sum + b.cpu.busyMs(endMs), 0) / Math.max(1, endMs * fleet.balancers.reduce((n, b) => n + b.cpu.cores, 0)),
    'clients.flaps': k.flaps,
    'heartbeat.deadPeerDetectionMs.mean': k.ghosts > 0 ? k.deadPeerDetectionMs / k.ghosts : 0,
    'servers.ghosts.final': fleet.servers.reduce((a, s) => a + s.ghosts, 0),
    'cpu.handshakeOffered.peak': peakOf(timeseries, 'cpu.handshakeOffered'),
    'cpu.wastedShare': wastedShare(fleet),
    'events.processed': fleet.sim.eventsProcessed,
    ...messageMetrics(fleet, endMs, busyMs, events.some((e) => e.kind === 'broker:crash')),
    ...pollingMetrics(fleet, endMs, busyMs),
    ...clientCpuMetrics(fleet, endMs),
    ...browserMetrics(fleet),
    ...recoveryMetrics(timeseries, events, endMs),
    ...scaleOutMetrics(timeseries, events, fleet.servers.map((s) => s.spec.weight), endMs),
  };
}

/** The largest value of a time-series column (0 when absent). */
function peakOf(table: Table, column: string): number {
  const c = table.columns.indexOf(column);
  return c < 0 ? 0 : table.rows.reduce((m, r) => Math.max(m, r[c] as number), 0);
}

/** Share of connection-setup CPU (handshakes and refusals) spent on refused clients or on clients that had already given up. */
function wastedShare(fleet: Fleet): number {
  const wasted = fleet.servers.reduce((a, s) => a + s.wastedCpuMs + s.refusalCpuMs, 0);
  const total = fleet.servers.reduce((a, s) => a + s.handshakeCpuMs + s.refusalCpuMs, 0);
  return total > 0 ? wasted / total : 0;
}

/** Message outcomes, latency, buffers, broker and heartbeat overhead; empty without messages. */
function messageMetrics(fleet: Fleet, endMs: number, busyMs: number, brokerCrashed: boolean): MetricValues {
  const pubsub = fleet.pubsub;
  if (pubsub === null) return {};
  pubsub.flushInterval();
  const m = pubsub.counters;
  const k = fleet.counters;
  const totals = pubsub.totals();
  const dataFrames = m.offered + m.clientPublishes;
  const heartbeatFrames = k.pings + k.pongs;
  const heartbeatCpu = fleet.servers.reduce((a, s) => a + s.heartbeatCpuMs, 0);
  const shards = fleet.broker?.shards ?? [];
  const brokerBusy = shards.reduce((a, q) => a + q.busyMs(endMs), 0);
  return {
    'messages.published': m.published,
    'messages.publishedPerSec': endMs > 0 ? (m.published * 1000) / endMs : 0,
    'messages.fromClients': m.clientPublishes,
    'messages.delivered': totals.delivered,
    'messages.replayed': m.replayed,
    'messages.dropped': m.droppedFinal + m.droppedPending,
    'messages.conflated': m.conflated,
    'messages.lost': totals.lost,
    'messages.duplicates': totals.duplicates,
    'messages.outOfOrder': totals.outOfOrder,
    'messages.inFlight': m.inFlight,
    'messages.lost.clientsShare': totals.subscribers > 0 ? totals.clientsWithLoss / totals.subscribers : 0,
    'messages.lost.perClient.mean': totals.subscribers > 0 ? totals.lost / totals.subscribers : 0,
    'messages.lost.perClient.max': totals.maxLostPerClient,
    'messages.resumes': m.resumes,
    'messages.resumeGaps': m.resumeGaps,
    // Only in runs where the broker crashed, so other runs' summaries stay as they were.
    ...(brokerCrashed ? { 'messages.lostAtBroker': m.lostAtBroker, 'messages.lostAtBroker.recipients': m.lostAtBrokerRecipients } : {}),
    'messages.discardedOnClose': m.discardedOnClose,
    ...pubsub.latency.summarize('messages.latencyMs'),
    ...pubsub.replayLatency.summarize('messages.replayLatencyMs'),
    'connections.slowConsumersClosed': k.slowConsumersClosed,
    'sendBuffer.peakBytes': fleet.servers.reduce((a, s) => Math.max(a, s.peakSendBufferBytes), 0),
    'broker.deliveries': m.brokerDeliveries,
    'broker.deliveriesPerSec': endMs > 0 ? (m.brokerDeliveries * 1000) / endMs : 0,
    'broker.uselessReads': m.uselessReads,
    'broker.utilization': endMs > 0 ? brokerBusy / (endMs * shards.length) : 0,
    'frames.heartbeat': heartbeatFrames,
    'frames.data': dataFrames,
    // An empty ping from the server is a 2-byte frame; the client's pong is masked: 6 bytes.
    'frames.heartbeatBytes': k.pings * 2 + k.pongs * 6,
    'frames.dataBytes': m.dataBytes,
    'heartbeat.framesPerDataFrame': heartbeatFrames / Math.max(1, dataFrames),
    'cpu.messagesShare': busyMs > 0 ? pubsub.cpuMs / busyMs : 0,
    'cpu.heartbeatShare': busyMs > 0 ? heartbeatCpu / busyMs : 0,
  };
}

/** The client machines' CPU (clients.cpu); empty when clients cost nothing, so other runs' summaries stay as they were. */
function clientCpuMetrics(fleet: Fleet, endMs: number): MetricValues {
  const machines = fleet.clientSide.machines;
  if (machines === null) return {};
  const shares = machines.utilization(endMs);
  return {
    'clients.cpu.utilization.mean': shares.reduce((a, u) => a + u, 0) / shares.length,
    'clients.cpu.utilization.max': shares.reduce((m, u) => Math.max(m, u), 0),
  };
}

/** Users' browsers (clients.browser); empty when each arrival is one client, so other runs' summaries stay as they were. */
function browserMetrics(fleet: Fleet): MetricValues {
  const browser = fleet.clientSide.browser;
  if (browser === null) return {};
  const k = browser.counters;
  return {
    'browser.users': k.users,
    'browser.tabs': k.users * browser.spec.tabs,
    'browser.connectionsPerUser': k.users > 0 ? fleet.connected.current / k.users : 0,
    'browser.requests': k.requests,
    'browser.requestsQueued': k.queued,
    ...browser.waits.summarize('browser.requestWaitMs'),
  };
}

/** The long-polling fallback's requests, failures and CPU; empty when every client uses WebSocket. */
function pollingMetrics(fleet: Fleet, endMs: number, busyMs: number): MetricValues {
  const polling = fleet.polling;
  if (polling === null) return {};
  const k = polling.counters;
  const c = fleet.clients.c;
  let clients = 0;
  for (let i = 0; i < fleet.clients.count; i++) clients += c.polling[i] as number;
  return {
    'polling.clients': clients,
    'polling.requests': k.requests,
    'polling.requestsPerSec': endMs > 0 ? (k.requests * 1000) / endMs : 0,
    'polling.sessionUnknown': k.sessionUnknown,
    'polling.sharedLookups': k.sharedLookups,
    'polling.sessionTimeouts': k.sessionTimeouts,
    'polling.answeredWithData': k.answeredWithData,
    'polling.answeredEmpty': k.answeredEmpty,
    'cpu.pollingShare': busyMs > 0 ? k.cpuMs / busyMs : 0,
  };
}
