import { FLEET_COLUMNS, MESSAGE_COLUMNS, POLLING_COLUMNS, SERVER_COLUMNS, SERVER_MESSAGE_COLUMNS, type Table } from '../metrics/index.js';
import { ClientState } from './clients.js';
import type { Fleet } from './fleet.js';
import type { SimServer } from './server.js';

/** Column names and meanings live in the metric catalogue (src/metrics/columns.ts). */
export { FLEET_COLUMNS, MESSAGE_COLUMNS, SERVER_COLUMNS };

function messageCounts(fleet: Fleet): number[] {
  const m = fleet.pubsub?.counters;
  const k = fleet.counters;
  const serverCpu = fleet.servers.reduce((a, s) => a + s.heartbeatCpuMs, 0);
  return [m?.published ?? 0, m?.delivered ?? 0, m?.policyDrops ?? 0, k.pings + k.pongs, (m?.offered ?? 0) + (m?.clientPublishes ?? 0), fleet.pubsub?.cpuMs ?? 0, serverCpu];
}

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
    columns: [
      'timeMs',
      ...FLEET_COLUMNS,
      ...(fleet.pubsub === null ? [] : MESSAGE_COLUMNS),
      ...(fleet.polling === null ? [] : POLLING_COLUMNS),
      ...fleet.servers.flatMap((s) => [...SERVER_COLUMNS, ...(fleet.pubsub === null ? [] : SERVER_MESSAGE_COLUMNS)].map((k) => `server.${String(s.id)}.${k}`)),
    ],
    rows: [],
  };
  let lastMessages = messageCounts(fleet);
  let lastPolls = [0, 0];
  let lastFleet = fleetCounts(fleet);
  let lastHandshakeCpu = 0;
  let lastPings = 0;

  let lastServers = fleet.servers.map((s) => serverCounts(s, 0));
  const sample = (): void => {
    const now = fleet.sim.nowMs;
    fleet.timers.settle();
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
      fleet.counters.pings - lastPings,
    ];
    lastHandshakeCpu = handshakeCpu(fleet);
    lastPings = fleet.counters.pings;
    const pubsub = fleet.pubsub;
    if (pubsub !== null) {
      pubsub.settleAll();
      const counts = messageCounts(fleet);
      const d = counts.map((v, j) => v - (lastMessages[j] as number));
      const cores = intervalMs * fleet.servers.reduce((n, s) => n + (s.up ? s.cores : 0), 0) || 1;
      const latency = pubsub.intervalLatency;
      row.push(d[0] as number, d[1] as number, d[2] as number, latency.percentileMs(50), latency.percentileMs(99));
      row.push(pubsub.queues.totalBytes, (fleet.broker?.queued(now) ?? 0), d[3] as number, d[4] as number, (d[5] as number) / cores, (d[6] as number) / cores);
      pubsub.flushInterval();
      lastMessages = counts;
    }
    const polling = fleet.polling;
    if (polling !== null) {
      const polls = [polling.counters.requests, polling.counters.sessionUnknown];
      row.push((polls[0] as number) - (lastPolls[0] as number), (polls[1] as number) - (lastPolls[1] as number), fleet.servers.reduce((n, s) => n + s.pollSessions, 0));
      lastPolls = polls;
    }
    const servers = fleet.servers.map((s) => serverCounts(s, now));
    for (const s of fleet.servers) {
      const [busy, handshakes, refusals] = (servers[s.id] as number[]).map((v, j) => v - ((lastServers[s.id] as number[])[j] as number));
      row.push(s.connections, (busy as number) / (intervalMs * s.cores), s.queued(now), s.memoryBytes(), handshakes as number, refusals as number, s.up ? 1 : 0);
      if (pubsub !== null) {
        row.push(s.sendBufferBytes);
        if (s.sendBufferBytes > s.peakSendBufferBytes) s.peakSendBufferBytes = s.sendBufferBytes;
      }
    }
    table.rows.push(row);
    lastFleet = counts;
    lastServers = servers;
    fleet.sim.after(intervalMs, sample);
  };
  fleet.sim.at(intervalMs, sample);
  return table;
}
