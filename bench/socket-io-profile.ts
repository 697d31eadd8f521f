/**
 * Measures a Socket.IO 4.8 server (bench/socket-io-server.ts, its own process) the way `wsfleet
 * calibrate` measures the bundled `ws` server, and writes a server profile:
 *
 *   npx tsx bench/socket-io-profile.ts [--connections 4000] [--out models/servers/node-socketio.yaml]
 *
 * Handshakes (WebSocket upgrade, Engine.IO open packet, Socket.IO CONNECT to the main namespace) from
 * socket.io-client 4.8 with the websocket transport, 50 at a time; RSS per connection; CPU per
 * recipient of a broadcast; Engine.IO heartbeat cycles (server ping, client pong) at 100 ms. Each
 * figure is the server's own CPU time (process.cpuUsage) over many operations less its idle rate.
 * The client side (socket.io-client's CPU per connect in this process) is printed beside them.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import { stringify } from 'yaml';

const BATCH = 50;

interface Sample {
  type: 'sample';
  cpuMs: number;
  memoryBytes: number;
  pongs: number;
  connections: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const std = (xs: readonly number[]): number => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
const round = (v: number, digits = 4): number => Number(v.toPrecision(digits));
const ownCpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

function next<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`the Socket.IO server sent no ${type} in 60 s`)); }, 60_000);
    const on = (m: { type: string }): void => {
      if (m.type !== type) return;
      clearTimeout(timer);
      child.off('message', on);
      resolve(m as T);
    };
    child.on('message', on);
  });
}

class Server {
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(pingIntervalMs: number, pingTimeoutMs: number): Promise<Server> {
    const child = fork(fileURLToPath(new URL('./socket-io-server.ts', import.meta.url)), [], { execArgv: process.execArgv });
    const listening = next<{ port: number }>(child, 'listening');
    child.send({ type: 'init', pingIntervalMs, pingTimeoutMs });
    return new Server(child, (await listening).port);
  }

  async sample(): Promise<Sample> {
    const reply = next<Sample>(this.child, 'sample');
    this.child.send({ type: 'sample' });
    return reply;
  }

  stop(): void {
    this.child.kill('SIGKILL');
  }
}

/** Opens `n` clients, `BATCH` at a time: server CPU per handshake and this process's CPU per connect, per batch. */
async function openClients(server: Server, n: number, idlePerMs: number, serverPerBatch: number[], clientPerBatch: number[]): Promise<Socket[]> {
  const clients: Socket[] = [];
  for (let k = 0; k < n; k += BATCH) {
    const before = await server.sample();
    const t0 = performance.now();
    const own0 = ownCpuMs();
    const batch = Array.from({ length: Math.min(BATCH, n - k) }, () => io(`http://127.0.0.1:${String(server.port)}`, { transports: ['websocket'], reconnection: false, forceNew: true }));
    await Promise.all(batch.map((s) => new Promise<void>((resolve, reject) => {
      s.once('connect', () => { resolve(); });
      s.once('connect_error', reject);
    })));
    clientPerBatch.push((ownCpuMs() - own0) / batch.length);
    const after = await server.sample();
    serverPerBatch.push((after.cpuMs - before.cpuMs - idlePerMs * (performance.now() - t0)) / batch.length);
    clients.push(...batch);
  }
  return clients;
}

async function idleRate(server: Server, ms: number): Promise<number> {
  const a = await server.sample();
  const t0 = performance.now();
  await sleep(ms);
  const b = await server.sample();
  return (b.cpuMs - a.cpuMs) / (performance.now() - t0);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { connections: { type: 'string', default: '4000' }, out: { type: 'string', default: 'models/servers/node-socketio.yaml' } } });
  const n = Number(values.connections);
  if (!Number.isInteger(n) || n < 100 || n > 10_000) throw new TypeError(`Expected --connections to be a whole number from 100 to 10000, got ${values.connections}`);
  const servers: Server[] = [];
  process.on('exit', () => { for (const s of servers) s.stop(); });
  try {
    process.stderr.write(`socket.io: handshakes and memory over ${String(n)} connections\n`);
    const server = await Server.start(25_000, 20_000);
    servers.push(server);
    await sleep(500);
    const idle = await idleRate(server, 1000);
    const base = (await server.sample()).memoryBytes;
    const perBatch: number[] = [];
    const clientPerBatch: number[] = [];
    const clients = await openClients(server, n, idle, perBatch, clientPerBatch);
    await sleep(500);
    const loaded = await server.sample();
    if (loaded.connections !== n) throw new Error(`expected ${String(n)} connections at the server, got ${String(loaded.connections)}`);

    process.stderr.write('socket.io: broadcast sends\n');
    let received = 0;
    for (const s of clients) s.on('m', () => received++);
    const m0 = await server.sample();
    const tm = performance.now();
    const done = next<{ sends: number }>(server.child, 'broadcast-done');
    server.child.send({ type: 'broadcast', messages: 20, bytes: 64 });
    const sends = (await done).sends;
    while (received < sends) await sleep(20);
    const m1 = await server.sample();
    const perRecipient = (m1.cpuMs - m0.cpuMs - idle * (performance.now() - tm)) / Math.max(1, sends);
    for (const s of clients) s.disconnect();
    server.stop();

    process.stderr.write('socket.io: Engine.IO heartbeat cycles at 100 ms\n');
    const pinging = await Server.start(100, 60_000);
    servers.push(pinging);
    const pingClients = await openClients(pinging, Math.min(n, 2000), 0, [], []);
    await sleep(500);
    const p0 = await pinging.sample();
    const tp = performance.now();
    await sleep(3000);
    const p1 = await pinging.sample();
    const cycles = p1.pongs - p0.pongs;
    const perCycle = (p1.cpuMs - p0.cpuMs - idle * (performance.now() - tp)) / Math.max(1, cycles);
    for (const s of pingClients) s.disconnect();
    pinging.stop();

    const handshake = { meanMs: mean(perBatch), stdMs: std(perBatch) * Math.sqrt(BATCH) };
    const perConnectionBytes = Math.max(0, (loaded.memoryBytes - base) / n);
    const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${String(cpus().length)} cores, Node ${process.version}`;
    const date = new Date().toISOString().slice(0, 10);
    const profile = {
      description: 'One Node.js process serving Socket.IO 4.8 (engine.io 6.6) over the WebSocket transport only, no compression; costs measured on this machine by bench/socket-io-profile.ts.',
      sources: [
        `measured ${date} on ${machine}, socket.io 4.8.4 and socket.io-client 4.8.4, by \`npx tsx bench/socket-io-profile.ts --connections ${String(n)}\`: the server is its own process; its CPU time (process.cpuUsage, user + system) and RSS come back over IPC; its idle CPU is subtracted from every measurement`,
        `handshakeCostMs: ${String(perBatch.length * BATCH)} connections from socket.io-client with transports ['websocket'], 50 at a time: the HTTP upgrade, the Engine.IO open packet and the Socket.IO CONNECT to the main namespace; mean of the per-batch CPU per connection; stdMs is the spread of the batch means × √50`,
        `memory.perConnectionBytes: RSS with ${String(n)} idle connections minus RSS before, per connection; baseBytes: RSS of the idle process; limitBytes: a 2 GiB container limit (assumption, as node-ws-plain)`,
        `pingCostMs + pongCostMs: server CPU per Engine.IO heartbeat cycle (the server's ping packet, the client's pong read) over ${String(cycles)} cycles at a 100 ms pingInterval, split evenly (not measured apart); Engine.IO's defaults are pingInterval 25 000 ms and pingTimeout 20 000 ms (https://socket.io/docs/v4/server-options/#pinginterval)`,
        `messageOutCostMs: ${String(sends)} recipients of io.emit with a 64-byte string (the packet is encoded once per broadcast and written to each socket)`,
        'healthCheckCostMs, fileDescriptors, maxConnections, processes, coresPerProcess, weight, restartAfterOomMs, messageInCostMs, messageReadCostMs, pollRequestCostMs: as node-ws-plain or the schema defaults (not measured)',
      ],
      values: {
        processes: 1,
        coresPerProcess: 1,
        fileDescriptors: 65536,
        memory: { baseBytes: Math.round(base), perConnectionBytes: Math.round(perConnectionBytes), limitBytes: 2147483648 },
        restartAfterOomMs: 10000,
        healthCheckCostMs: 0.05,
        maxConnections: 20000,
        weight: 1,
        handshakeCostMs: { lognormal: { meanMs: round(handshake.meanMs), stdMs: round(handshake.stdMs) } },
        pingCostMs: round(perCycle / 2),
        pongCostMs: round(perCycle / 2),
        messageOutCostMs: round(perRecipient),
      },
    };
    writeFileSync(values.out, stringify(profile, { lineWidth: 0 }));
    const lines = [
      ['handshake CPU, mean (ms)', round(handshake.meanMs, 3)],
      ['handshake CPU, std (ms)', round(handshake.stdMs, 3)],
      ['heartbeat cycle CPU (ms)', round(perCycle, 3)],
      ['CPU per broadcast recipient (ms)', round(perRecipient, 3)],
      ['memory per connection (bytes)', Math.round(perConnectionBytes)],
      ['idle process RSS (bytes)', Math.round(base)],
      ['socket.io-client CPU per connect (ms)', round(mean(clientPerBatch), 3)],
    ];
    process.stdout.write(`${lines.map(([k, v]) => `${String(k).padEnd(40)} ${String(v)}`).join('\n')}\nWrote ${values.out} (${machine})\n`);
  } finally {
    for (const s of servers) s.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
