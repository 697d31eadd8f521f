import type { Summary, Table } from '../metrics/index.js';
import { recoveryMetrics, scaleOutMetrics } from './recovery.js';
import type { Fleet } from './fleet.js';

/** The run's flat summary: dotted metric names to numbers. */
export function summarize(fleet: Fleet, timeseries: Table): Summary {
  const endMs = fleet.sim.nowMs;
  const k = fleet.counters;
  const perClient = Array.from(fleet.clients.c.attemptsTotal.subarray(0, fleet.clients.count));
  const upServers = fleet.servers.filter((s) => s.up);
  const up = upServers.map((s) => s.connections / s.spec.weight);
  const busyMs = fleet.servers.reduce((sum, s) => sum + s.busyMs(endMs), 0);
  const coreMs = fleet.servers.reduce((sum, s) => sum + s.cores * s.upMs(endMs), 0);
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
    'handshake.wasted': k.handshakesWasted,
    'connections.dropped': k.drops,
    'connections.shed': k.shed,
    'heartbeat.pings': k.pings,
    'heartbeat.timeouts': k.heartbeatTimeouts,
    'servers.up.final': up.length,
    'servers.connections.imbalance': imbalance(up),
    'servers.connections.cv': coefficientOfVariation(up),
    'servers.cpu.utilization.mean': coreMs > 0 ? busyMs / coreMs : 0,
    'servers.cpu.utilization.max': fleet.servers.reduce((m, s) => Math.max(m, s.upMs(endMs) > 0 ? s.busyMs(endMs) / (s.cores * s.upMs(endMs)) : 0), 0),
    'servers.memory.peakBytes': fleet.servers.reduce((m, s) => Math.max(m, s.peakMemoryBytes), 0),
    'servers.oomKills': k.oomKills,
    'balancer.cpu.utilization.mean': fleet.balancers.reduce((sum, b) => sum + b.cpu.busyMs(endMs), 0) / Math.max(1, endMs * fleet.balancers.reduce((n, b) => n + b.cpu.cores, 0)),
    'clients.flaps': k.flaps,
    'heartbeat.deadPeerDetectionMs.mean': k.ghosts > 0 ? k.deadPeerDetectionMs / k.ghosts : 0,
    'servers.ghosts.final': fleet.servers.reduce((a, s) => a + s.ghosts, 0),
    'cpu.handshakeOffered.peak': peakOf(timeseries, 'cpu.handshakeOffered'),
    'cpu.wastedShare': wastedShare(fleet),
    'events.processed': fleet.sim.eventsProcessed,
    ...recoveryMetrics(timeseries, fleet.events, endMs),
    ...scaleOutMetrics(timeseries, fleet.events, fleet.servers.map((s) => s.spec.weight), endMs),
  };
}

/** max / mean (of connections per unit of weight at the end), 0 for an empty or idle fleet. */
export function imbalance(values: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  return mean > 0 ? Math.max(...values) / mean : 0;
}

export function coefficientOfVariation(values: readonly number[]): number {
  const n = values.length;
  if (n === 0) return 0;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (mean === 0) return 0;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / n;
  return Math.sqrt(variance) / mean;
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
