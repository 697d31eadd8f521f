import type { RunResult } from '../metrics/index.js';
import { timeSeriesChart, type Marker, type SeriesOptions } from './charts.js';
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

/** Faults and health-check flips as labelled rules. */
export function markers(result: RunResult): Marker[] {
  const faults = result.events
    .filter((e) => e.kind.startsWith('server:'))
    .map((e) => ({ atMs: e.atMs, label: `${e.kind.slice('server:'.length)} ${e.detail}` }));
  // Each rule's first firing only: a per-server rule can fire on every server.
  const seen = new Set<string>();
  const alerts = result.events.flatMap((e) => {
    const rule = e.detail.split(' (')[0] ?? e.detail;
    if (e.kind !== 'alert:fired' || seen.has(rule)) return [];
    seen.add(rule);
    return [{ atMs: e.atMs, label: `alert ${e.detail}`, tone: 'alert' as const }];
  });
  return [...faults, ...alerts];
}

const fleetSeries = (pairs: [string, string][]): SeriesOptions[] => pairs.map(([column, label]) => ({ column, label }));

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
};

export const chartNames = (): string[] => Object.keys(charts);
