import { isServerEvent, type RunResult } from '../metrics/index.js';
import { timeSeriesChart, type Marker, type SeriesOptions } from './charts.js';
import { cpuByWorkChart } from './cpu-chart.js';
import type { VlSpec } from './types.js';

/** A chart an experiment can ask for by name. */
export interface ChartEntry {
  readonly doc: string;
  build(result: RunResult): VlSpec;
}

/** Columns `server.<id>.<metric>` of the time series, as one series per server. */
export function perServer(result: RunResult, metric: string): SeriesOptions[] {
  const pattern = new RegExp(`^server\\.(\\d+)\\.${metric}$`);
  return result.timeseries.columns.flatMap((column) => {
    const m = pattern.exec(column);
    return m ? [{ column, label: `server ${m[1] ?? ''}` }] : [];
  });
}

const FLEET_FAULTS = new Set(['fleet:partition', 'fleet:disconnect', 'fleet:flash-crowd', 'fleet:slowdown', 'fleet:slowdown-end', 'balancer:crash', 'balancer:restart', 'broker:crash', 'broker:restart']);

/** Faults and health-check flips as labelled rules. */
export function markers(result: RunResult): Marker[] {
  // Events of one kind at one time share a label ("join servers 4, 5, 6, 7"): separate labels would overprint.
  const faults: Marker[] = [];
  let last: { atMs: number; kind: string; servers: number[] } | undefined;
  for (const e of result.events.filter(isServerEvent)) {
    const verb = e.kind.slice(e.kind.indexOf(':') + 1);
    if (e.kind !== 'server:shed' && last !== undefined && last.kind === e.kind && last.atMs === e.atMs) {
      last.servers.push(e.server);
      (faults[faults.length - 1] as Marker).label = `${verb} servers ${last.servers.join(', ')}`;
      continue;
    }
    faults.push({ atMs: e.atMs, label: `${verb} ${e.detail}` });
    last = e.kind === 'server:shed' ? undefined : { atMs: e.atMs, kind: e.kind, servers: [e.server] };
  }
  // Faults on the whole fleet (a partition, a mass disconnect, a flash crowd, a slowdown) are marked too.
  const fleet = result.events.filter((e) => FLEET_FAULTS.has(e.kind)).map((e) => ({ atMs: e.atMs, label: `${e.kind.slice(e.kind.indexOf(':') + 1)} ${e.detail}` }));
  // Each rule's first firing only: a per-server rule can fire on every server.
  const seen = new Set<string>();
  const alerts = result.events.flatMap((e) => {
    if (e.kind !== 'alert:fired' || seen.has(e.rule)) return [];
    seen.add(e.rule);
    return [{ atMs: e.atMs, label: `alert ${e.detail}`, tone: 'alert' as const }];
  });
  return [...faults, ...fleet, ...alerts];
}

/** Fleet-wide columns as series; columns the run did not record (no messages, no polling) are left out. */
const fleetSeries = (pairs: [string, string][], result?: RunResult): SeriesOptions[] =>
  pairs.filter(([column]) => result === undefined || result.timeseries.columns.includes(column)).map(([column, label]) => ({ column, label }));

/** Every chart by name; the experiment schema accepts exactly these names. */
export const charts: Record<string, ChartEntry> = {
  'connections-by-server': {
    doc: 'open connections on each server over time, with faults marked',
    build: (r) =>
      timeSeriesChart(r.timeseries, {
        title: 'Open connections per server',
        series: perServer(r, 'connections'),
        seriesTitle: 'server',
        yTitle: 'open connections',
        markers: markers(r),
      }),
  },
  'cpu-by-server': {
    doc: 'CPU utilisation of each server per sample interval',
    build: (r) =>
      timeSeriesChart(r.timeseries, {
        title: 'CPU utilisation per server',
        series: perServer(r, 'cpu'),
        seriesTitle: 'server',
        yTitle: 'CPU busy (share of cores)',
        markers: markers(r),
      }),
  },
  clients: {
    doc: 'clients connected, connecting, waiting to retry and given up',
    build: (r) =>
      timeSeriesChart(r.timeseries, {
        title: 'Clients by state',
        series: fleetSeries([
          ['clients.connected', 'connected'],
          ['clients.connecting', 'connecting'],
          ['clients.waiting', 'waiting to retry'],
          ['clients.gaveUp', 'given up'],
        ]),
        seriesTitle: 'state',
        yTitle: 'clients',
        markers: markers(r),
      }),
  },
  'connect-outcomes': {
    doc: 'connect attempts and their outcomes per sample interval',
    build: (r) =>
      timeSeriesChart(r.timeseries, {
        title: 'Connect attempts and outcomes per interval',
        series: fleetSeries([
          ['connect.attempts', 'attempts'],
          ['connect.succeeded', 'succeeded'],
          ['connect.refused', 'refused'],
          ['connect.failed', 'failed'],
          ['connect.timeouts', 'timed out'],
          ['connections.dropped', 'dropped'],
        ]),
        seriesTitle: 'outcome',
        yTitle: 'per sample interval',
        markers: markers(r),
      }),
  },
  'memory-by-server': {
    doc: 'resident memory of each server (connections, send buffers, polling sessions), against its limit',
    build: (r) =>
      timeSeriesChart(r.timeseries, {
        title: 'Memory per server',
        series: perServer(r, 'memoryBytes'),
        seriesTitle: 'server',
        yTitle: 'memory',
        unit: 'bytes',
        markers: markers(r),
      }),
  },
  'message-latency': {
    doc: 'publish-to-delivery latency of the messages delivered in each interval (p50, p99)',
    build: (r) =>
      timeSeriesChart(r.timeseries, {
        title: 'Message latency, publish to delivery',
        series: fleetSeries(
          [
            ['messages.latencyP50Ms', 'p50'],
            ['messages.latencyP99Ms', 'p99'],
          ],
          r,
        ),
        seriesTitle: 'percentile',
        yTitle: 'latency',
        unit: 'ms',
        markers: markers(r),
      }),
  },
  'message-outcomes': {
    doc: 'messages published, delivered and dropped per interval',
    build: (r) =>
      timeSeriesChart(r.timeseries, {
        title: 'Messages per interval',
        series: fleetSeries(
          [
            ['messages.published', 'published'],
            ['messages.delivered', 'delivered'],
            ['messages.dropped', 'dropped by backpressure'],
          ],
          r,
        ),
        seriesTitle: 'messages',
        yTitle: 'per sample interval',
        markers: markers(r),
      }),
  },
  'send-buffers': {
    doc: 'bytes waiting in send queues on each server (written, not yet consumed by clients)',
    build: (r) =>
      timeSeriesChart(r.timeseries, {
        title: 'Send-buffer bytes per server',
        series: perServer(r, 'sendBufferBytes'),
        seriesTitle: 'server',
        yTitle: 'queued',
        unit: 'bytes',
        markers: markers(r),
      }),
  },
  frames: {
    doc: 'heartbeat frames (ping + pong) against data frames per interval',
    build: (r) =>
      timeSeriesChart(r.timeseries, {
        title: 'Heartbeat and data frames per interval',
        series: fleetSeries(
          [
            ['frames.heartbeat', 'ping + pong'],
            ['frames.data', 'data'],
          ],
          r,
        ),
        seriesTitle: 'frames',
        yTitle: 'per sample interval',
        markers: markers(r),
      }),
  },
  polling: {
    doc: 'long-poll requests, "Session ID unknown" failures and open polling sessions',
    build: (r) =>
      timeSeriesChart(r.timeseries, {
        title: 'Long polling',
        series: fleetSeries(
          [
            ['polling.requests', 'poll requests'],
            ['polling.sessionUnknown', 'Session ID unknown (400)'],
            ['polling.sessions', 'open sessions'],
          ],
          r,
        ),
        seriesTitle: 'polling',
        yTitle: 'per interval / sessions',
        markers: markers(r),
      }),
  },
  'cpu-by-work': {
    doc: 'fleet CPU stacked by work type: handshakes, messages and heartbeats (the last two with messages:)',
    build: cpuByWorkChart,
  },
};

export const chartNames = (): string[] => Object.keys(charts);
