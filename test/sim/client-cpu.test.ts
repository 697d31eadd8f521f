import { describe, expect, it } from 'vitest';
import { formatIssues, parseExperiment, runExperiment } from '../../src/experiment/index.js';
import { runSimulation, type ClientCpuSpec, type SimConfig } from '../../src/sim/index.js';
import type { DistributionSpec } from '../../src/engine/index.js';
import { baseConfig, servers } from './config.js';

/**
 * `n` clients connected at t = 0 (a warm start: no handshake, so the only connects recorded are the
 * herd's), all disconnected at 1 s by a proxy restart (FIN: they see it at once) and reconnecting
 * at once. Network and server work are free, so a connect's latency is the client machine's queue
 * and its own cost.
 */
function herd(n: number, cpu: ClientCpuSpec | null | undefined, seed = 1): SimConfig {
  const base = baseConfig();
  return baseConfig({
    seed,
    durationMs: 5000,
    servers: servers(1, { handshakeCostMs: { kind: 'constant', value: 0 } }),
    clients: { ...base.clients, initial: n, arrivals: { kind: 'poisson', ratePerSec: 1, startMs: 1e9, stopMs: Infinity }, sessionMs: null, ...(cpu === undefined ? {} : { cpu }) },
    reconnect: { name: 'immediate', options: {} },
    faults: [{ kind: 'disconnect', share: 1, atMs: 1000, fin: true }],
  });
}

const constant = (value: number): DistributionSpec => ({ kind: 'constant', value });
const cpu = (machines: number, coresPerMachine: number, connectCostMs: DistributionSpec, messageCostMs: DistributionSpec | null = null): ClientCpuSpec => ({
  machines,
  coresPerMachine,
  connectCostMs,
  messageCostMs,
});
const json = (config: SimConfig): string => {
  const r = runSimulation(config);
  return JSON.stringify({ summary: r.summary, timeseries: r.timeseries, events: r.events });
};

const yaml = (cpuLine: string): string => `
name: client-cpu
question: does a null clients.cpu change anything?
seed: 5
durationMs: 30000
fleet: { servers: 3, server: { profile: node-ws-plain } }
balancer: { strategy: least-connections }
heartbeat: { ping-pong: { intervalMs: 5000, timeoutMs: 5000 } }
clients:
  arrivals: { ramp: { clients: 600, overMs: 5000 } }
  reconnect: { full-jitter: { baseMs: 200, capMs: 2000 } }
  flapsPerHour: 60
${cpuLine}
faults:
  - crash: { server: 1, atMs: 10000, restartAfterMs: 5000, host: up }
`;

function runYaml(cpuLine: string) {
  const loaded = parseExperiment(yaml(cpuLine));
  if (!loaded.ok) throw new Error(formatIssues(loaded.issues));
  expect(loaded.experiment.clients.cpu ?? null).toBeNull();
  const r = runExperiment(loaded.experiment);
  return JSON.stringify({ summary: r.summary, timeseries: r.timeseries, events: r.events });
}

describe('clients.cpu', () => {
  it('is off by default, and a null cpu gives the same bytes as a file without the key', () => {
    const without = runYaml('');
    expect(runYaml('  cpu: null')).toBe(without);
    expect(without).not.toContain('clients.cpu');
    // The sim config too: absent and null are the same run.
    expect(json(herd(50, null))).toBe(json(herd(50, undefined)));
  });

  it('with free connects changes no other number and no other stream (the cost stream is its own)', () => {
    const off = runSimulation(herd(200, null)).summary;
    // uniform(0, 0) draws from the 'client-cpu' stream and costs nothing: nothing else may move.
    const free = runSimulation(herd(200, cpu(1, 1, { kind: 'uniform', min: 0, max: 0 }))).summary;
    const { ['clients.cpu.utilization.mean']: mean, ['clients.cpu.utilization.max']: max, ...rest } = free;
    expect(mean).toBe(0);
    expect(max).toBe(0);
    expect(rest).toEqual(off);
  });

  it('a herd of N reconnecting through one client machine drains at cores / c: the last waits about N · c / cores', () => {
    const n = 400;
    const c = 2;
    const off = runSimulation(herd(n, null)).summary;
    expect(off['connect.latencyMs.max']).toBe(0);
    for (const cores of [1, 4]) {
      const s = runSimulation(herd(n, cpu(1, cores, constant(c)))).summary;
      expect(s['connect.latencyMs.count']).toBe(n);
      // FIFO on `cores` cores: the k-th connect (k = 1..N) leaves at ceil(k / cores) · c.
      const rounds = Math.ceil(n / cores);
      expect(s['connect.latencyMs.max']).toBeCloseTo(rounds * c, 9);
      expect(s['connect.latencyMs.mean']).toBeCloseTo((c * (rounds + 1)) / 2, 6);
      // The one machine was busy N · c of its cores · 5 s.
      expect(s['clients.cpu.utilization.max']).toBeCloseTo((n * c) / (cores * 5000), 9);
      expect(s['clients.connected.final']).toBe(n);
    }
  });

  it('more client machines remove the delay: spread over N machines each connect costs only c', () => {
    const n = 400;
    const c = 2;
    const one = runSimulation(herd(n, cpu(1, 1, constant(c)))).summary;
    const ten = runSimulation(herd(n, cpu(10, 1, constant(c)))).summary;
    const all = runSimulation(herd(n, cpu(n, 1, constant(c)))).summary;
    expect(one['connect.latencyMs.max']).toBeCloseTo(n * c, 9);
    expect(ten['connect.latencyMs.max']).toBeCloseTo((n / 10) * c, 9);
    expect(all['connect.latencyMs.max']).toBeCloseTo(c, 9);
    expect(all['connect.latencyMs.mean']).toBeCloseTo(c, 9);
    expect(all['clients.cpu.utilization.max']).toBeCloseTo(c / 5000, 12);
    expect(ten['clients.cpu.utilization.mean']).toBeCloseTo(((n / 10) * c) / 5000, 12);
  });

  it('Poisson connects on one client machine wait as in M/D/1: mean latency c + ρc / (2(1 − ρ))', () => {
    const c = 2;
    const ratePerSec = 250; // ρ = λc = 0.5
    const base = baseConfig();
    const s = runSimulation(
      baseConfig({
        seed: 3,
        durationMs: 200_000,
        servers: servers(1, { handshakeCostMs: constant(0) }),
        clients: { ...base.clients, arrivals: { kind: 'poisson', ratePerSec, startMs: 0, stopMs: Infinity }, sessionMs: null, cpu: cpu(1, 1, constant(c)) },
      }),
    ).summary;
    const rho = (ratePerSec * c) / 1000;
    expect(s['connect.latencyMs.mean']).toBeGreaterThan(c + (0.93 * rho * c) / (2 * (1 - rho)));
    expect(s['connect.latencyMs.mean']).toBeLessThan(c + (1.07 * rho * c) / (2 * (1 - rho)));
    expect(s['clients.cpu.utilization.max']).toBeGreaterThan(0.48);
    expect(s['clients.cpu.utilization.max']).toBeLessThan(0.52);
  });

  it('is deterministic: the same seed gives the same bytes, with costs drawn per attempt', () => {
    const config = herd(300, cpu(3, 2, { kind: 'uniform', min: 2, max: 2.6 }), 9);
    expect(json(config)).toBe(json(config));
    const s = runSimulation(config).summary;
    // 100 clients a machine on 2 cores: the last leaves after about 50 costs of 2.0–2.6 ms.
    expect(s['connect.latencyMs.max']).toBeGreaterThan(50 * 2);
    expect(s['connect.latencyMs.max']).toBeLessThan(50 * 2.6);
  });

  describe('per received frame (messageCostMs)', () => {
    /**
     * `n` clients already connected to one server, all on `machines` client machines, one channel
     * at 1 message/s, pings every second: each frame a client reads costs its machine `cost` ms.
     */
    const feed = (n: number, cpuLine: string, heartbeat = '{ ping-pong: { intervalMs: 25000, timeoutMs: 20000 } }'): string => `
name: client-frames
question: does a shared client machine read a fan-out late?
seed: 4
durationMs: 20000
fleet: { servers: 1, server: { profile: node-ws-plain }, network: { profile: loopback } }
balancer: { strategy: least-connections }
heartbeat: ${heartbeat}
clients:
  initial: ${String(n)}
  arrivals: { ramp: { clients: 1, overMs: 1000, startMs: 100000 } }
  reconnect: { full-jitter: { baseMs: 500, capMs: 5000 } }
${cpuLine}
messages: { channels: 1, bytes: 100, backendPerSec: 1 }
`;
    const run = (text: string) => {
      const loaded = parseExperiment(text);
      if (!loaded.ok) throw new Error(formatIssues(loaded.issues));
      return runExperiment(loaded.experiment);
    };
    const cpuLine = (machines: number, cost: number | null) =>
      `  cpu: { machines: ${String(machines)}, coresPerMachine: 1, connectCostMs: 0.3${cost === null ? '' : `, messageCostMs: ${String(cost)}`} }`;

    it('a fan-out to N clients of one machine is read one after another; spread over N machines, each pays one cost', () => {
      const n = 200;
      const cost = 2;
      const free = run(feed(n, cpuLine(1, null))).summary;
      const paid = run(feed(n, cpuLine(1, cost))).summary;
      const spread = run(feed(n, cpuLine(n, cost))).summary;
      for (const s of [paid, spread]) {
        expect(s['messages.delivered']).toBe(free['messages.delivered']);
        // Every frame read is one cost on its machine: the messages and the pings, nothing else.
        const frames = (s['messages.delivered'] as number) + (s['heartbeat.pings'] as number);
        const machines = s === spread ? n : 1;
        expect(s['clients.cpu.utilization.mean'] as number).toBeCloseTo((frames * cost) / (machines * 20_000), 9);
      }
      // One machine per client: every message is read exactly one cost later.
      expect(spread['messages.latencyMs.mean'] as number).toBeCloseTo((free['messages.latencyMs.mean'] as number) + cost, 6);
      expect(spread['messages.latencyMs.max'] as number).toBeCloseTo((free['messages.latencyMs.max'] as number) + cost, 6);
      // One machine, one core, FIFO: the k-th recipient of a fan-out reads at least k · cost after the
      // first frame arrives (the server writes the 200 within far less than one cost), so the last
      // waits n · cost and the mean at least (n + 1) / 2 · cost; more when publishes come close together.
      expect((paid['messages.latencyMs.max'] as number) - (free['messages.latencyMs.max'] as number)).toBeGreaterThan(0.99 * n * cost);
      expect((paid['messages.latencyMs.mean'] as number) - (free['messages.latencyMs.mean'] as number)).toBeGreaterThan((0.99 * (n + 1) * cost) / 2);
    });

    it('a saturated client machine answers pings late: its connections time out, as a load rig that is the bottleneck does', () => {
      // 300 clients on one machine, pings every 500 ms with 250 ms to answer: at 0.2 ms a frame the
      // machine reads 600 pings and about 200 messages a second (16 % busy), a fan-out holds it 60 ms,
      // and every pong is in time; at 4 ms it would need 3.2 cores, so pongs fall ever further behind
      // and the heartbeats close the connections.
      const heartbeat = '{ ping-pong: { intervalMs: 500, timeoutMs: 250 } }';
      const light = run(feed(300, cpuLine(1, 0.2), heartbeat)).summary;
      const heavy = run(feed(300, cpuLine(1, 4), heartbeat)).summary;
      expect(light['heartbeat.timeouts']).toBe(0);
      expect(heavy['heartbeat.timeouts'] as number).toBeGreaterThan(300);
      // The same machine with reading free keeps every connection.
      expect(run(feed(300, cpuLine(1, null), heartbeat)).summary['heartbeat.timeouts']).toBe(0);
    });

    it('is off when null: the heartbeat and fan-out cohorts still form, and the bytes are those of a file without the key', () => {
      const without = run(feed(100, cpuLine(2, null)));
      const explicit = run(feed(100, cpuLine(2, null).replace(' }', ', messageCostMs: null }')));
      expect(JSON.stringify(explicit.summary)).toBe(JSON.stringify(without.summary));
      const a = run(feed(100, cpuLine(2, 0.5)));
      const b = run(feed(100, cpuLine(2, 0.5)));
      expect(JSON.stringify(a.summary)).toBe(JSON.stringify(b.summary));
      expect(JSON.stringify(a.timeseries)).toBe(JSON.stringify(b.timeseries));
    });
  });
});
