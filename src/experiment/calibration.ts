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
      `messageOutCostMs: CPU per recipient of a message, ${String(c.messageSends)} sends of 64-byte messages to ${String(c.connections)} connections (a broadcast loop in the server, so it includes framing and the socket write); messageInCostMs, messageReadCostMs and pollRequestCostMs are not measured and keep the schema's defaults`,
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
      messageOutCostMs: round(c.perRecipientMessageCostMs),
    },
  };
  return stringify(profile, { lineWidth: 0 });
}

const lognormal = (d: { meanMs: number; stdMs: number }) => ({ lognormal: { meanMs: round(d.meanMs), stdMs: round(d.stdMs) } });

/** A balancer profile (models/balancers/*.yaml) for the bundled proxy, with its per-connection CPU measured here. */
export function calibratedBalancerYaml(c: Calibration, command: string): string {
  const profile = {
    description: `The bundled real-mode balancing proxy (src/real/proxy.ts: one Node.js process that reads the upgrade request, picks a backend with the experiment's strategy, connects and pipes bytes), with its CPU per connection measured on this machine by \`${command}\`.`,
    sources: [
      `measured ${c.measuredAt} on ${c.machine} by wsfleet calibrate: the proxy is its own process in front of one bundled server; its CPU time (process.cpuUsage, user + system) comes back over IPC and its idle CPU is subtracted`,
      `cpuPerConnectionMs: ${String(c.proxyConnections)} WebSocket connections through the proxy from 127.0.0.1, 50 at a time; mean of the per-batch CPU per connection (request read, pick, upstream connect, pipe set-up, the 101 reply relayed); stdMs is the spread of the batch means × √50`,
      'cores: 1, one Node process; maxConnections: 100 000 (the proxy has its own cap, set by the experiment); healthCheck, reportIntervalMs, connectTimeoutMs, portsPerBackend: as the haproxy profile, which real mode applies the same way',
    ],
    values: {
      count: 1,
      strategy: 'round-robin',
      healthCheck: { mode: 'tcp', intervalMs: 2000, timeoutMs: 2000, fall: 3, rise: 2 },
      reportIntervalMs: 2000,
      connectTimeoutMs: 5000,
      maxConnections: 100000,
      queueTimeoutMs: 0,
      portsPerBackend: 28232,
      cpuPerConnectionMs: lognormal(c.proxyConnectionCostMs),
      cores: 1,
    },
  };
  return stringify(profile, { lineWidth: 0 });
}

/** A client profile (models/clients/*.yaml) for real mode's `ws` client swarms, with their CPU per connect measured here. */
export function calibratedClientsYaml(c: Calibration, command: string): string {
  const profile = {
    description: `The clients of wsfleet real on this machine: \`ws\` clients in swarm processes that share the machine, so a connect costs client CPU and a reconnect herd queues for it; measured by \`${command}\`.`,
    sources: [
      `cpu.connectCostMs: measured ${c.measuredAt} on ${c.machine} by wsfleet calibrate: this process's own CPU time (process.cpuUsage) over ${String(c.handshakes)} connects of the ws client to the bundled server, 50 at a time (socket, upgrade request, reply parse, open event); stdMs is the spread of the batch means × √50`,
      `cpu.messageCostMs: measured ${c.measuredAt} the same way over the ${String(c.messageSends)} messages of the fan-out measurement (64 B each; frame parse and the message event of the ws client)`,
      'cpu.machines: 2, one per swarm process (wsfleet real --swarms 2, the default); with --swarms N set clients.cpu.machines=N',
      'reconnect and connectTimeoutMs: as the browser profile (centrifuge-js full jitter 500 ms to 20 000 ms; Socket.IO client 20 s connect timeout)',
    ],
    values: {
      connectTimeoutMs: 20000,
      reconnect: { 'full-jitter': { baseMs: 500, capMs: 20000 } },
      sessionMs: 'forever',
      cpu: { machines: 2, coresPerMachine: 1, connectCostMs: lognormal(c.clientConnectCostMs), messageCostMs: round(c.clientMessageCostMs) },
    },
  };
  return stringify(profile, { lineWidth: 0 });
}
