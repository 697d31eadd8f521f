import type { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { cpus } from 'node:os';
import WebSocket from 'ws';
import { Children, nextMessage } from './children.js';
import { epochMs } from './clock.js';
import type { ServerCommand, ServerEvent, ServerSample } from './protocol.js';
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

/** One server process under measurement: its own CPU time comes back over IPC. */
class Probe {
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(children: Children, heartbeat: StrategyChoice): Promise<Probe> {
    const child = children.start(childFile('server-main'));
    const init: ServerCommand = {
      type: 'init',
      id: 0,
      incarnation: 0,
      spec: { maxConnections: 1_000_000, weight: 1, admission: { name: 'accept-all', options: {} }, shedding: { strategy: { name: 'none', options: {} }, limit: null, intervalMs: 1000 }, memoryLimitBytes: 2 ** 31 },
      heartbeat,
      reportIntervalMs: 60_000,
      seed: 1,
      startEpochMs: epochMs(),
      port: 0,
      broker: null,
      messages: null,
    };
    child.send(init);
    const port = await nextMessage(child, (m) => ((m as ServerEvent).type === 'listening' ? (m as { port: number }).port : null), 20_000);
    if (port === null) throw new Error('the server under calibration did not start');
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

/** Opens `n` clients to the probe, `BATCH` at a time; per-batch server CPU per handshake in `perBatchMs`. */
async function openClients(probe: Probe, n: number, autoPong: boolean, perBatchMs: number[], idlePerMs: number): Promise<WebSocket[]> {
  const clients: WebSocket[] = [];
  for (let k = 0; k < n; k += BATCH) {
    const before = await probe.sample();
    const t0 = epochMs();
    const batch = Array.from({ length: Math.min(BATCH, n - k) }, () => new WebSocket(`ws://127.0.0.1:${String(probe.port)}/`, { perMessageDeflate: false, autoPong }));
    await Promise.all(batch.map((ws) => new Promise<void>((resolve, reject) => {
      ws.once('open', () => { resolve(); });
      ws.once('error', reject);
    })));
    const after = await probe.sample();
    perBatchMs.push((after.cpuMs - before.cpuMs - idlePerMs * (epochMs() - t0)) / batch.length);
    clients.push(...batch);
  }
  return clients;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const std = (xs: readonly number[]): number => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));

/** CPU share of the probe at rest over `ms`. */
async function idleRate(probe: Probe, ms: number): Promise<number> {
  const a = await probe.sample();
  const t0 = epochMs();
  await sleep(ms);
  const b = await probe.sample();
  return (b.cpuMs - a.cpuMs) / (epochMs() - t0);
}

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
    await sleep(500);
    const idle = await idleRate(probe, 1000);
    const base = (await probe.sample()).memoryBytes;
    const perBatch: number[] = [];
    const clients = await openClients(probe, n, true, perBatch, idle);
    await sleep(500);
    const loaded = (await probe.sample()).memoryBytes;

    log('calibrate: fan-out sends');
    const messages = 20;
    let received = 0;
    for (const ws of clients) ws.on('message', () => received++);
    const m0 = await probe.sample();
    const t0 = epochMs();
    const done = nextMessage(probe.child, (m) => ((m as ServerEvent).type === 'broadcast-done' ? (m as { sends: number }).sends : null), 60_000);
    probe.child.send({ type: 'broadcast', messages, bytes: 64 } satisfies ServerCommand);
    const sends = (await done) ?? 0;
    while (received < sends) await sleep(20);
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
    await children.endAll();

    log('calibrate: ping and pong cycles');
    const pingProbe = await Probe.start(children, { name: 'ping-pong', options: { intervalMs: 100, timeoutMs: 60_000 } });
    const pingClients = await openClients(pingProbe, Math.min(n, 2000), true, [], 0);
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
