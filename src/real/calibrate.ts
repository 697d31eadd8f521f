import type { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { cpus } from 'node:os';
import WebSocket from 'ws';
import { Children, nextMessage } from './children.js';
import { epochMs } from './clock.js';
import type { ProxyCommand, ProxyEvent, ServerCommand, ServerEvent, ServerSample } from './protocol.js';
import { childFile } from './files.js';
import type { StrategyChoice } from '../strategies/index.js';

/** This machine's costs for the bundled server, each a mean over many operations. */
export interface Calibration {
  handshakeCostMs: { meanMs: number; stdMs: number };
  pingCostMs: number;
  pongCostMs: number;
  healthCheckCostMs: number;
  /** CPU to send one message to one recipient (fan-out cost per recipient). */
  perRecipientMessageCostMs: number;
  /** Client CPU per connect (this process: socket, upgrade request, reply parse), from the same batches. */
  clientConnectCostMs: { meanMs: number; stdMs: number };
  /** Client CPU per message received (this process: frame parse and the message event), from the fan-out. */
  clientMessageCostMs: number;
  /** The bundled proxy's CPU per proxied connection (read the request, pick, connect upstream, pipe). */
  proxyConnectionCostMs: { meanMs: number; stdMs: number };
  proxyConnections: number;
  baseBytes: number;
  perConnectionBytes: number;
  connections: number;
  handshakes: number;
  pingCycles: number;
  messageSends: number;
  healthChecks: number;
  idleCpuShare: number;
  machine: string;
  measuredAt: string;
}

export interface CalibrateOptions {
  /** Connections opened for the handshake, memory, ping and fan-out measurements. @default 4000 */
  connections?: number;
  log?: (line: string) => void;
}

const BATCH = 50;

/** Forks a child, sends its init, and waits for the port it listens on. */
async function startListening(children: Children, file: string, init: ServerCommand | ProxyCommand, what: string): Promise<{ child: ChildProcess; port: number }> {
  const child = children.start(childFile(file));
  child.send(init);
  const port = await nextMessage(child, (m) => ((m as ServerEvent | ProxyEvent).type === 'listening' ? (m as { port: number }).port : null), 20_000);
  if (port === null) throw new Error(`the ${what} under calibration did not start`);
  return { child, port };
}

/** One server process under measurement: its own CPU time comes back over IPC. */
class Probe {
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(children: Children, heartbeat: StrategyChoice): Promise<Probe> {
    const init: ServerCommand = {
      type: 'init',
      id: 0,
      incarnation: 0,
      spec: { maxConnections: 1_000_000, weight: 1, admission: { name: 'accept-all', options: {} }, shedding: { strategy: { name: 'none', options: {} }, limit: null, intervalMs: 1000 }, memoryLimitBytes: 2 ** 31, maxConnectionAgeMs: null },
      heartbeat,
      reportIntervalMs: 60_000,
      seed: 1,
      startEpochMs: epochMs(),
      port: 0,
      broker: null,
      messages: null,
      polling: null,
    };
    const { child, port } = await startListening(children, 'server-main', init, 'server');
    return new Probe(child, port);
  }

  async sample(): Promise<ServerSample> {
    const reply = nextMessage(this.child, (m) => ((m as ServerEvent).type === 'sample' ? (m as { sample: ServerSample }).sample : null), 10_000);
    this.child.send({ type: 'sample' } satisfies ServerCommand);
    const sample = await reply;
    if (sample === null) throw new Error('the server under calibration stopped answering');
    return sample;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The bundled balancing proxy (src/real/proxy.ts) in front of one backend; its CPU time comes back over IPC. */
async function startProxy(children: Children, backendPort: number): Promise<Target> {
  const init: ProxyCommand = {
    type: 'init',
    // Checks a minute apart, so the measurement sees connections and almost no checks.
    spec: { strategy: { name: 'round-robin', options: {} }, healthCheck: { mode: 'tcp', intervalMs: 60_000, timeoutMs: 2000, fall: 3, rise: 2 }, reportIntervalMs: 60_000, connectTimeoutMs: 5000, maxConnections: 1_000_000, count: 1 },
    seed: 1,
    index: 0,
    backends: [{ port: backendPort, weight: 1, absent: false }],
    startEpochMs: epochMs(),
  };
  const { child, port } = await startListening(children, 'proxy-main', init, 'proxy');
  const cpuMs = async (): Promise<number> => {
    const reply = nextMessage(child, (m) => ((m as ProxyEvent).type === 'sample' ? (m as { sample: { cpuMs: number } }).sample.cpuMs : null), 10_000);
    child.send({ type: 'sample' } satisfies ProxyCommand);
    const ms = await reply;
    if (ms === null) throw new Error('the proxy under calibration stopped answering');
    return ms;
  };
  return { port, cpuMs };
}

/** Where a batch of connects goes, and the CPU time (ms) of the process being measured. */
interface Target {
  port: number;
  cpuMs: () => Promise<number>;
}

const ownCpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/**
 * Opens `n` clients to the target, `BATCH` at a time. Per batch, the measured process's CPU per
 * connection (less its idle rate) goes to `perBatchMs`, and this process's own CPU per connect, the
 * client side, to `clientPerBatchMs`.
 */
async function openClients(target: Target, n: number, autoPong: boolean, perBatchMs: number[], idlePerMs: number, clientPerBatchMs: number[] = []): Promise<WebSocket[]> {
  const clients: WebSocket[] = [];
  for (let k = 0; k < n; k += BATCH) {
    const before = await target.cpuMs();
    const t0 = epochMs();
    const own0 = ownCpuMs();
    const batch = Array.from({ length: Math.min(BATCH, n - k) }, () => new WebSocket(`ws://127.0.0.1:${String(target.port)}/`, { perMessageDeflate: false, autoPong }));
    await Promise.all(batch.map((ws) => new Promise<void>((resolve, reject) => {
      ws.once('open', () => { resolve(); });
      ws.once('error', reject);
    })));
    clientPerBatchMs.push((ownCpuMs() - own0) / batch.length);
    const after = await target.cpuMs();
    perBatchMs.push((after - before - idlePerMs * (epochMs() - t0)) / batch.length);
    clients.push(...batch);
  }
  return clients;
}

/** CPU share of a process at rest over `ms`. */
async function idleRateOf(cpuMs: () => Promise<number>, ms: number): Promise<number> {
  const a = await cpuMs();
  const t0 = epochMs();
  await sleep(ms);
  const b = await cpuMs();
  return (b - a) / (epochMs() - t0);
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const std = (xs: readonly number[]): number => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));


/**
 * Measures the bundled server (src/real/server.ts, a separate process) with process.cpuUsage and
 * process.memoryUsage over many operations: handshakes, pings with pongs, fan-out sends, health checks.
 */
export async function calibrate(options: CalibrateOptions = {}): Promise<Calibration> {
  const n = options.connections ?? 4000;
  const log = options.log ?? (() => undefined);
  const children = new Children();
  const onExit = (): void => {
    children.killAll();
  };
  process.on('exit', onExit);
  try {
    log(`calibrate: handshakes and memory over ${String(n)} connections`);
    const probe = await Probe.start(children, { name: 'none', options: {} });
    const probeTarget: Target = { port: probe.port, cpuMs: async () => (await probe.sample()).cpuMs };
    await sleep(500);
    const idle = await idleRateOf(probeTarget.cpuMs, 1000);
    const base = (await probe.sample()).memoryBytes;
    const perBatch: number[] = [];
    const clientPerBatch: number[] = [];
    const clients = await openClients(probeTarget, n, true, perBatch, idle, clientPerBatch);
    await sleep(500);
    const loaded = (await probe.sample()).memoryBytes;

    log('calibrate: fan-out sends');
    const messages = 20;
    let received = 0;
    for (const ws of clients) ws.on('message', () => received++);
    const m0 = await probe.sample();
    const own0 = ownCpuMs();
    const t0 = epochMs();
    const done = nextMessage(probe.child, (m) => ((m as ServerEvent).type === 'broadcast-done' ? (m as { sends: number }).sends : null), 60_000);
    probe.child.send({ type: 'broadcast', messages, bytes: 64 } satisfies ServerCommand);
    const sends = (await done) ?? 0;
    while (received < sends) await sleep(20);
    const clientPerMessage = (ownCpuMs() - own0) / Math.max(1, received);
    const m1 = await probe.sample();
    const perRecipient = (m1.cpuMs - m0.cpuMs - idle * (epochMs() - t0)) / Math.max(1, sends);

    log('calibrate: health checks');
    const checks = 500;
    const h0 = await probe.sample();
    const th = epochMs();
    for (let k = 0; k < checks; k++) await healthCheck(probe.port);
    const h1 = await probe.sample();
    const perCheck = (h1.cpuMs - h0.cpuMs - idle * (epochMs() - th)) / checks;
    for (const ws of clients) ws.terminate();

    const proxied = Math.min(n, 2000);
    log(`calibrate: the bundled proxy over ${String(proxied)} connections`);
    const proxyTarget = await startProxy(children, probe.port);
    await sleep(500);
    const proxyIdle = await idleRateOf(proxyTarget.cpuMs, 1000);
    const proxyPerBatch: number[] = [];
    const proxyClients = await openClients(proxyTarget, proxied, true, proxyPerBatch, proxyIdle);
    for (const ws of proxyClients) ws.terminate();
    await children.endAll();

    log('calibrate: ping and pong cycles');
    const pingProbe = await Probe.start(children, { name: 'ping-pong', options: { intervalMs: 100, timeoutMs: 60_000 } });
    const pingClients = await openClients({ port: pingProbe.port, cpuMs: async () => (await pingProbe.sample()).cpuMs }, Math.min(n, 2000), true, [], 0);
    await sleep(500);
    const p0 = await pingProbe.sample();
    const tp = epochMs();
    await sleep(3000);
    const p1 = await pingProbe.sample();
    const cycles = p1.pings - p0.pings;
    const perCycle = (p1.cpuMs - p0.cpuMs - idle * (epochMs() - tp)) / Math.max(1, cycles);
    for (const ws of pingClients) ws.terminate();

    const batchMean = mean(perBatch);
    return {
      handshakeCostMs: { meanMs: batchMean, stdMs: std(perBatch) * Math.sqrt(BATCH) },
      pingCostMs: perCycle / 2,
      pongCostMs: perCycle / 2,
      healthCheckCostMs: perCheck,
      perRecipientMessageCostMs: perRecipient,
      clientConnectCostMs: { meanMs: mean(clientPerBatch), stdMs: std(clientPerBatch) * Math.sqrt(BATCH) },
      clientMessageCostMs: clientPerMessage,
      proxyConnectionCostMs: { meanMs: mean(proxyPerBatch), stdMs: std(proxyPerBatch) * Math.sqrt(BATCH) },
      proxyConnections: proxied,
      baseBytes: base,
      perConnectionBytes: Math.max(0, (loaded - base) / n),
      connections: n,
      handshakes: perBatch.length * BATCH,
      pingCycles: cycles,
      messageSends: sends,
      healthChecks: checks,
      idleCpuShare: idle,
      machine: `${cpus()[0]?.model ?? 'unknown CPU'}, ${String(cpus().length)} cores, Node ${process.version}`,
      measuredAt: new Date().toISOString().slice(0, 10),
    };
  } finally {
    await children.endAll();
    process.off('exit', onExit);
  }
}

function healthCheck(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/health', agent: false }, (res) => {
      res.resume();
      res.on('end', () => { resolve(); });
    });
    req.on('error', reject);
    req.end();
  });
}
