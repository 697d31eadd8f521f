import { coefficientOfVariation, finalizeSummary, imbalance, type MetricValues, type Summary, type TypedRunEvent } from '../metrics/index.js';
import type { RealConfig } from './config.js';
import type { RealSampler } from './sampler.js';

/**
 * The run's summary under the sim's metric names, for what real sockets can measure; the metric
 * catalogue (src/metrics/catalogue.ts, docs/metrics.md) says for each sim metric left out why.
 */
/** What the autoscaler did, for its metrics; null: a fixed fleet. */
export interface AutoscalerTotals {
  scaleOuts: number;
  scaleIns: number;
  peak: number;
  final: number;
}

export function realSummary(config: RealConfig, sampler: RealSampler, _events: readonly TypedRunEvent[], endMs: number, published: number, autoscaler: AutoscalerTotals | null = null): Summary {
  const t = sampler.totals();
  const n = config.servers.length;
  const ids = Array.from({ length: n }, (_, s) => s);
  const last = sampler.table.rows.at(-1) ?? [];
  const col = (name: string): number => (last[sampler.table.columns.indexOf(name)] ?? 0);
  const upIds = ids.filter((s) => col(`server.${String(s)}.up`) === 1);
  const perWeight = upIds.map((s) => col(`server.${String(s)}.connections`) / (config.servers[s]?.weight ?? 1));
  const total = (key: Parameters<RealSampler['serverTotal']>[1]): number => ids.reduce((a, s) => a + sampler.serverTotal(s, key), 0);
  // Each server's CPU busy over its own up time, for servers that were up at all.
  const cpuShares = ids.filter((s) => (sampler.serverUpMs[s] ?? 0) > 0).map((s) => sampler.serverTotal(s, 'cpuMs') / (sampler.serverUpMs[s] ?? 1));
  const upMs = sampler.serverUpMs.reduce((a, b) => a + b, 0);
  const detections = sampler.detectionsMs;
  const values: MetricValues = {
    'clients.arrived': config.clients.arrivalsMs.filter((a) => a < endMs).length,
    'clients.departed': t.departed,
    'clients.gaveUp': t.gaveUp,
    'clients.connected.final': t.connected,
    'clients.connected.mean': t.connectedArea / endMs,
    'clients.present.mean': t.presentArea / endMs,
    availability: t.presentArea > 0 ? t.connectedArea / t.presentArea : 1,
    'connect.attempts': t.attempts,
    'connect.succeeded': t.succeeded,
    'connect.refused': t.refused,
    'connect.refused.server': total('refusals'),
    'connect.refused.balancer': sampler.proxies.reduce((a, p) => a + (p?.refused ?? 0), 0),
    'clients.moved': t.moved,
    'connect.failed': t.failed,
    'connect.timeouts': t.timeouts,
    'connect.attemptsPerClient.mean': config.clients.arrivalsMs.length > 0 ? t.attempts / config.clients.arrivalsMs.length : 0,
    'connect.attemptsPerClient.max': t.attemptsMax,
    ...sampler.latency.summarize('connect.latencyMs'),
    'connections.dropped': t.drops,
    'connections.shed': total('shed'),
    'connections.recycled': total('recycled'),
    'heartbeat.pings': total('pings'),
    'heartbeat.pongs': total('pongs'),
    'heartbeat.timeouts': sampler.liveTimeouts,
    'heartbeat.clientTimeouts': t.silenceTimeouts,
    'servers.up.final': upIds.length,
    'servers.connections.imbalance': imbalance(perWeight),
    'servers.connections.cv': coefficientOfVariation(perWeight),
    'servers.cpu.utilization.mean': upMs > 0 ? total('cpuMs') / upMs : 0,
    'servers.cpu.utilization.max': cpuShares.reduce((m, v) => Math.max(m, v), 0),
    'servers.cpu.imbalance': imbalance(cpuShares),
    'servers.memory.peakBytes': sampler.peakMemoryBytes,
    'servers.connections.peak': peakColumn(sampler, ids.map((s) => `server.${String(s)}.connections`)),
    // One proxy process per balancer, on one core each.
    'balancer.cpu.utilization.mean': endMs > 0 ? sampler.proxyCpuMs() / (endMs * config.balancer.count) : 0,
    // Without an autoscaler, the same values the sim writes for a fixed fleet.
    'autoscaler.scaleOuts': autoscaler?.scaleOuts ?? 0,
    'autoscaler.scaleIns': autoscaler?.scaleIns ?? 0,
    'autoscaler.servers.peak': autoscaler?.peak ?? n,
    'autoscaler.servers.final': autoscaler?.final ?? n,
    'clients.flaps': t.flaps,
    'heartbeat.deadPeerDetectionMs.mean': detections.length > 0 ? detections.reduce((a, b) => a + b, 0) / detections.length : 0,
    'heartbeat.deadPeersDetected': detections.length,
    ...(config.messages === null ? {} : messageMetrics(sampler, published, endMs, total)),
    ...(config.polling === null ? {} : pollingMetrics(config, endMs, total)),
  };
  return finalizeSummary(values);
}

/** The largest value any of `columns` took at a sample. */
function peakColumn(sampler: RealSampler, columns: readonly string[]): number {
  const indexes = columns.map((c) => sampler.table.columns.indexOf(c)).filter((k) => k >= 0);
  let peak = 0;
  for (const row of sampler.table.rows) for (const k of indexes) peak = Math.max(peak, row[k] ?? 0);
  return peak;
}

/** The long-polling transport as the servers counted its requests; the clients on it as drawn for the run. */
function pollingMetrics(config: RealConfig, endMs: number, total: (key: Parameters<RealSampler['serverTotal']>[1]) => number): MetricValues {
  const polling = config.polling as NonNullable<RealConfig['polling']>;
  const requests = total('pollRequests');
  return {
    'polling.clients': config.clients.arrivalsMs.filter((a, i) => a < endMs && polling.clients[i] === true).length,
    'polling.requests': requests,
    'polling.requestsPerSec': endMs > 0 ? (requests * 1000) / endMs : 0,
    'polling.sessionUnknown': total('pollSessionUnknown'),
    'polling.sessionTimeouts': total('pollSessionTimeouts'),
    'polling.answeredWithData': total('pollAnsweredWithData'),
    'polling.answeredEmpty': total('pollAnsweredEmpty'),
  };
}

/** Pub/sub as the clients' receivers counted it, and what the servers' backpressure did. */
function messageMetrics(sampler: RealSampler, published: number, endMs: number, total: (key: Parameters<RealSampler['serverTotal']>[1]) => number): MetricValues {
  const m = sampler.messageTotals();
  const loss = sampler.subscriberTotals();
  const pings = total('pings');
  const pongs = total('pongs');
  // Client publishes are data frames too, and reach the broker through their server as the backend's do.
  const fromClients = sampler.totals().published;
  const dataFrames = total('messagesSent') + fromClients;
  const atBroker = published + total('messagesFromClients');
  return {
    'messages.published': atBroker,
    'messages.publishedPerSec': endMs > 0 ? (atBroker * 1000) / endMs : 0,
    'messages.fromClients': fromClients,
    'messages.delivered': m.delivered,
    'messages.lost': m.lost,
    'messages.duplicates': m.duplicates,
    'messages.outOfOrder': m.outOfOrder,
    'messages.sent': total('messagesSent'),
    'messages.dropped': total('messagesDropped'),
    'messages.replayed': total('messagesReplayed'),
    'messages.lost.clientsShare': loss.subscribed > 0 ? loss.withLoss / loss.subscribed : 0,
    'messages.lost.perClient.mean': loss.subscribed > 0 ? m.lost / loss.subscribed : 0,
    'messages.lost.perClient.max': loss.maxLost,
    'messages.resumes': total('resumes'),
    'messages.resumeGaps': total('resumeGaps'),
    'connections.slowConsumersClosed': total('slowDisconnects'),
    'frames.heartbeat': pings + pongs,
    'frames.data': dataFrames,
    // As the sim counts them: an empty ping is a 2-byte frame, the client's masked pong 6 bytes.
    'frames.heartbeatBytes': pings * 2 + pongs * 6,
    'heartbeat.framesPerDataFrame': (pings + pongs) / Math.max(1, dataFrames),
  };
}
