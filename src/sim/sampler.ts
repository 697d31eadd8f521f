import type { Table } from '../metrics/index.js';
import { ClientState } from './clients.js';
import type { Fleet } from './fleet.js';
import type { SimServer } from './server.js';

/**
 * Fleet-wide columns of timeseries.csv after timeMs; counts of events are per interval.
 * cpu.handshakeOffered is the handshake CPU submitted in the interval as a share of the fleet's cores:
 * above 1, a backlog is forming.
 */
export const FLEET_COLUMNS = [
  'clients.present',
  'clients.connected',
  'clients.connecting',
  'clients.waiting',
  'clients.gaveUp',
  'connect.attempts',
  'connect.succeeded',
  'connect.refused',
  'connect.failed',
  'connect.timeouts',
  'connections.dropped',
  'heartbeat.timeouts',
  'servers.up',
  'cpu.handshakeOffered',
  'servers.ghosts',
] as const;

/** Per-server columns `server.<id>.<name>`; handshakes and refusals are per interval. */
export const SERVER_COLUMNS = ['connections', 'cpu', 'queue', 'memoryBytes', 'handshakes', 'refusals', 'up'] as const;

function fleetCounts(fleet: Fleet): number[] {
  const k = fleet.counters;
  return [k.attempts, k.succeeded, k.refused, k.failed, k.timeouts, k.drops, k.heartbeatTimeouts];
}

const handshakeCpu = (fleet: Fleet): number => fleet.servers.reduce((a, s) => a + s.handshakeCpuMs, 0);

function serverCounts(s: SimServer, nowMs: number): number[] {
  return [s.busyMs(nowMs), s.handshakesDone, s.refusals];
}

/** Samples the fleet every `intervalMs` into one wide table row. */
export function startSampler(fleet: Fleet, intervalMs: number): Table {
  const table: Table = {
    columns: ['timeMs', ...FLEET_COLUMNS, ...fleet.servers.flatMap((s) => SERVER_COLUMNS.map((k) => `server.${String(s.id)}.${k}`))],
    rows: [],
  };
  let lastFleet = fleetCounts(fleet);
  let lastHandshakeCpu = 0;

  let lastServers = fleet.servers.map((s) => serverCounts(s, 0));
  const sample = (): void => {
    const now = fleet.sim.nowMs;
    const counts = fleetCounts(fleet);
    const row = [
      now,
      fleet.present.current,
      fleet.connected.current,
      fleet.inState[ClientState.connecting] as number,
      fleet.inState[ClientState.waiting] as number,
      fleet.inState[ClientState.gaveUp] as number,
      ...counts.map((v, j) => v - (lastFleet[j] as number)),
      fleet.servers.reduce((n, s) => n + (s.up ? 1 : 0), 0),
      (handshakeCpu(fleet) - lastHandshakeCpu) / (intervalMs * fleet.servers.reduce((n, s) => n + (s.up ? s.cores : 0), 0) || 1),
      fleet.servers.reduce((a, s) => a + s.ghosts, 0),
    ];
    lastHandshakeCpu = handshakeCpu(fleet);
    const servers = fleet.servers.map((s) => serverCounts(s, now));
    for (const s of fleet.servers) {
      const [busy, handshakes, refusals] = (servers[s.id] as number[]).map((v, j) => v - ((lastServers[s.id] as number[])[j] as number));
      row.push(s.connections, (busy as number) / (intervalMs * s.cores), s.queued(now), s.memoryBytes(), handshakes as number, refusals as number, s.up ? 1 : 0);
    }
    table.rows.push(row);
    lastFleet = counts;
    lastServers = servers;
    fleet.sim.after(intervalMs, sample);
  };
  fleet.sim.at(intervalMs, sample);
  return table;
}
