import { stringify } from 'yaml';
import { calibrate, type Calibration } from '../real/index.js';

export { calibrate, type Calibration };

const round = (v: number, digits = 4): number => Number(v.toPrecision(digits));

/** A server profile (models/servers/*.yaml) with this machine's measured costs, and how they were measured. */
export function calibratedProfileYaml(c: Calibration, command: string): string {
  const profile = {
    description: `The bundled real-mode server (src/real/server.ts: Node.js, ws, plain TCP, no compression), with costs measured on this machine by \`${command}\`.`,
    sources: [
      `measured ${c.measuredAt} on ${c.machine}, ws 8.23.0, by wsfleet calibrate: the server is its own process; its CPU time (process.cpuUsage, user + system) and RSS (process.memoryUsage) come back over IPC; its idle CPU (${String(round(c.idleCpuShare * 100, 3))} % of a core) is subtracted from every measurement`,
      `handshakeCostMs: ${String(c.handshakes)} WebSocket handshakes from 127.0.0.1, ${String(50)} at a time; mean of the per-batch CPU per handshake; stdMs is the spread of the batch means × √50 (per-handshake spread, assuming independent handshakes)`,
      `memory.perConnectionBytes: RSS with ${String(c.connections)} idle connections open minus RSS before, per connection; baseBytes: RSS of the idle process. limitBytes: a 2 GiB container limit (assumption, as node-ws-plain)`,
      `pingCostMs + pongCostMs: server CPU per ping cycle (ping sent, pong read) over ${String(c.pingCycles)} cycles with 100 ms pings, split evenly between the two (not measured apart)`,
      `healthCheckCostMs: ${String(c.healthChecks)} GET /health requests, one at a time, each on a new connection`,
      `per-message CPU per recipient: ${String(round(c.perRecipientMessageCostMs, 3))} ms (${String(c.messageSends)} sends of 64-byte messages to ${String(c.connections)} connections); no profile field for it until the message model has one`,
      'fileDescriptors, maxConnections, processes, coresPerProcess, weight, restartAfterOomMs: as node-ws-plain (not measured)',
    ],
    values: {
      processes: 1,
      coresPerProcess: 1,
      fileDescriptors: 65536,
      memory: { baseBytes: Math.round(c.baseBytes), perConnectionBytes: Math.round(c.perConnectionBytes), limitBytes: 2147483648 },
      restartAfterOomMs: 10000,
      healthCheckCostMs: round(c.healthCheckCostMs),
      maxConnections: 20000,
      weight: 1,
      handshakeCostMs: { lognormal: { meanMs: round(c.handshakeCostMs.meanMs), stdMs: round(c.handshakeCostMs.stdMs) } },
      pingCostMs: round(c.pingCostMs),
      pongCostMs: round(c.pongCostMs),
    },
  };
  return stringify(profile, { lineWidth: 0 });
}
