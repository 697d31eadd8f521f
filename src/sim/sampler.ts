import type { Table } from '../metrics/index.js';
import { ClientState } from './clients.js';
import type { Fleet } from './fleet.js';

/** Fleet-wide columns of timeseries.csv; per-interval counts are deltas since the previous row. */
const FLEET_COLUMNS = [
  'timeMs',
  'clients.present',
  'clients.connected',
  'clients.connecting',
  'clients.waiting',
  'clients.gaveUp',
  'connect.attempts',
  'connect.succeeded',
  'connect.refused',
  'connect.failed',
  'connections.dropped',
  'heartbeat.timeouts',
] as const;

const SERVER_COLUMNS = ['connections', 'cpu', 'queue', 'up'] as const;

/** Samples the fleet every `intervalMs` into one wide table row. */
export function startSampler(fleet: Fleet, intervalMs: number): Table {
  const table: Table = {
    columns: [...FLEET_COLUMNS, ...fleet.servers.flatMap((s) => SERVER_COLUMNS.map((k) => `server.${String(s.id)}.${k}`))],
    rows: [],
  };
  const k = fleet.counters;
  let last = [k.attempts, k.succeeded, k.refused, k.failed, k.drops, k.heartbeatTimeouts];
  let lastBusy = fleet.servers.map((s) => s.cpu.busyMs(0));
  const sample = (): void => {
    const now = [k.attempts, k.succeeded, k.refused, k.failed, k.drops, k.heartbeatTimeouts];
    const busy = fleet.servers.map((s) => s.cpu.busyMs(fleet.sim.nowMs));
    const row = [
      fleet.sim.nowMs,
      fleet.present.current,
      fleet.connected.current,
      fleet.inState[ClientState.connecting] as number,
      fleet.inState[ClientState.waiting] as number,
      fleet.inState[ClientState.gaveUp] as number,
      ...now.map((v, j) => v - (last[j] as number)),
    ];
    for (const s of fleet.servers) {
      const utilization = ((busy[s.id] as number) - (lastBusy[s.id] as number)) / (intervalMs * s.cpu.cores);
      row.push(s.connections, utilization, s.cpu.queued(fleet.sim.nowMs), s.up ? 1 : 0);
    }
    table.rows.push(row);
    last = now;
    lastBusy = busy;
    fleet.sim.after(intervalMs, sample);
  };
  fleet.sim.at(intervalMs, sample);
  return table;
}
