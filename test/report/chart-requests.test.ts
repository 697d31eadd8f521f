import { describe, expect, it } from 'vitest';
import { logTicks, runCharts, sweepCharts, type ChartRequest, type VariantData } from '../../src/report/chart-requests.js';
import { runEvent, type RunResult } from '../../src/metrics/index.js';
import { vlCompileWarnings, vlSchemaErrors } from './vl-schema.js';
import { cpuByWorkChart } from '../../src/report/cpu-chart.js';

const result: RunResult = {
  summary: { availability: 0.98, 'recovery.ms99': 12_000 },
  timeseries: {
    columns: ['timeMs', 'clients.connected', 'server.0.cpu', 'server.1.cpu'],
    rows: [0, 1, 2, 3].map((k) => [k * 1000, 100 * k, 0.1 * k, 0.2 * k]),
  },
  events: [runEvent.serverCrash(1500, 1)],
  distributions: { 'connect.latencyMs': [0, 50, 90, 99, 100].map((p) => ({ percentile: p, valueMs: p * 3 })) },
};

const variant = (label: string, values: Record<string, unknown>, mean: number): VariantData => ({
  label,
  values,
  metrics: { 'recovery.ms99': { mean, ci95: mean / 10, n: 5 } },
  first: result,
});

const requests: ChartRequest[] = [
  { 'by-server': { metric: 'cpu' } },
  { 'by-variant': { column: 'clients.connected' } },
  { 'latency-cdf': { metrics: ['connect.latencyMs'] } },
  { 'sweep-curve': { metric: 'recovery.ms99', x: 'clients.reconnect.full-jitter.baseMs' } },
];

describe('charts with options', () => {
  it('draw per run: by-server, by-variant and latency-cdf; the sweep curve waits for a sweep', () => {
    const drawn = runCharts(requests, result);
    expect(drawn.map((c) => c.name)).toEqual(['by-server-cpu', 'by-variant-clients.connected', 'latency-cdf']);
    for (const c of drawn) {
      expect(vlSchemaErrors(c.spec), c.name).toEqual([]);
      expect(vlCompileWarnings(c.spec), c.name).toEqual([]);
    }
  });

  it('draw across variants: one line per variant, a curve per other grid value with a confidence band', () => {
    const variants = [250, 1000, 4000].flatMap((base) => [3, 6].map((servers) => variant(`${String(base)}/${String(servers)}`, { 'clients.reconnect.full-jitter.baseMs': base, 'fleet.servers': servers }, base / servers)));
    const drawn = sweepCharts(requests, variants);
    expect(drawn.map((c) => c.name)).toEqual(['by-variant-clients.connected', 'latency-cdf-connect.latencyMs', 'sweep-curve-recovery.ms99-by-baseMs']);
    for (const c of drawn) {
      expect(vlSchemaErrors(c.spec), c.name).toEqual([]);
      expect(vlCompileWarnings(c.spec), c.name).toEqual([]);
    }
    const curve = JSON.stringify(drawn[2]?.spec);
    expect(curve).toContain('"errorband"');
    expect(curve).toContain('servers=3');
    expect(curve).toContain('"type":"quantitative"');
  });

  it('put a grid of names on an ordinal axis in grid order', () => {
    const variants = ['round-robin', 'least-connections'].map((s, k) => variant(s, { 'balancer.strategy': s }, k + 1));
    const [curve] = sweepCharts([{ 'sweep-curve': { metric: 'recovery.ms99', x: 'balancer.strategy' } }], variants);
    if (curve === undefined) throw new Error('no curve drawn');
    expect(JSON.stringify(curve.spec)).toContain('"sort":["round-robin","least-connections"]');
    expect(vlSchemaErrors(curve.spec)).toEqual([]);
  });

  it('tick a symlog latency axis at 0, 1, 2, 5, 10, … up to the largest value', () => {
    expect(logTicks([0.3, 140])).toEqual([0, 1, 2, 5, 10, 20, 50, 100]);
    expect(logTicks([])).toEqual([0, 1]);
  });
});

describe('cpu-by-work', () => {
  it('stacks the work-type CPU columns the run sampled, in a fixed order', () => {
    const withMessages: RunResult = {
      ...result,
      timeseries: {
        columns: ['timeMs', 'cpu.handshakeOffered', 'cpu.messages', 'cpu.heartbeat'],
        rows: [0, 1, 2].map((k) => [k * 1000, 0.1, 0.2 * k, 0.05]),
      },
    };
    const spec = cpuByWorkChart(withMessages);
    expect(vlSchemaErrors(spec)).toEqual([]);
    expect(vlCompileWarnings(spec)).toEqual([]);
    expect(JSON.stringify(spec)).toContain('"domain":["handshakes (offered)","messages","heartbeats"]');
    expect(JSON.stringify(spec)).toContain('"stack":"zero"');
  });

  it('draws handshakes alone when the experiment has no messages', () => {
    const plain: RunResult = { ...result, timeseries: { columns: ['timeMs', 'cpu.handshakeOffered'], rows: [[1000, 0.3]] } };
    expect(JSON.stringify(cpuByWorkChart(plain))).toContain('"domain":["handshakes (offered)"]');
  });
});
