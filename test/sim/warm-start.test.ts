import { describe, expect, it } from 'vitest';
import { RngStreams } from '../../src/engine/index.js';
import { estimateRun, formatIssues, parseExperiment, runExperiment, toRealConfig } from '../../src/experiment/index.js';

/** `initial` clients connected at t = 0 on four plain servers; a trickle of arrivals (one per 1,000 s). */
const yaml = (initial: number, durationMs: number, extra = ''): string => `
name: warm-start
question: does a fleet that starts warm behave as one that has been up for a while?
seed: 21
durationMs: ${String(durationMs)}
sampleIntervalMs: 1000
fleet: { servers: 4, server: { profile: node-ws-plain } }
balancer: { strategy: least-connections }
clients:
  initial: ${String(initial)}
  arrivals: { poisson: { ratePerSec: 0.001 } }
  sessionMs: forever
heartbeat: { ping-pong: { intervalMs: 25000, timeoutMs: 20000 } }
${extra}`;

function load(text: string) {
  const loaded = parseExperiment(text);
  if (!loaded.ok) throw new Error(formatIssues(loaded.issues));
  return loaded.experiment;
}
const run = (initial: number, durationMs: number, extra?: string) => runExperiment(load(yaml(initial, durationMs, extra)));

describe('clients.initial (a warm start)', () => {
  it('has every client connected at t = 0, spread by the balancer, without a handshake', () => {
    const r = run(10_000, 3000);
    const { columns, rows } = r.timeseries;
    const first = rows[0] as number[];
    expect(first[columns.indexOf('clients.connected')]).toBe(10_000);
    // Least-connections over four equal servers: 2,500 each.
    for (let s = 0; s < 4; s++) expect(first[columns.indexOf(`server.${String(s)}.connections`)]).toBe(2500);
    expect(r.summary['connect.attempts']).toBe(0);
    expect(r.summary.availability).toBe(1);
    expect(r.summary['clients.arrived']).toBe(10_000);
  });

  it('puts each heartbeat at a uniform phase: over half an interval, half the connections ping once', () => {
    // The first ping of a connection at phase u comes (1 − u) × 25 s into the run, so by 12.5 s a
    // Binomial(N, 1/2) number of them have pinged (sd √N / 2 = 70.7 for N = 20,000), and by 25 s all.
    const n = 20_000;
    const half = run(n, 12_500).summary['heartbeat.pings'] as number;
    expect(Math.abs(half - n / 2)).toBeLessThan(5 * 70.7);
    const quarter = run(n, 6250).summary['heartbeat.pings'] as number;
    expect(Math.abs(quarter - n / 4)).toBeLessThan(5 * Math.sqrt(n * 0.25 * 0.75));
    const full = run(n, 25_000);
    expect(full.summary['heartbeat.pings']).toBe(n);
    // The per-second pings column (sampled with or without messages) adds up to the count, and no
    // second carries more than twice the mean rate of 800 a second (all at once would be 20,000).
    const k = full.timeseries.columns.indexOf('heartbeat.pings');
    const perSecond = full.timeseries.rows.map((row) => row[k] as number);
    expect(perSecond.reduce((a, b) => a + b, 0)).toBe(n);
    expect(Math.max(...perSecond)).toBeLessThan(2 * (n / 25));
  });

  it('recovers the warm clients of a crashed server like any others', () => {
    const r = run(8000, 120_000, 'faults:\n  - crash: { server: 0, atMs: 30000 }\n');
    expect(r.summary['connections.dropped']).toBe(2000);
    expect(r.summary['clients.connected.final']).toBe(r.summary['clients.arrived']);
    expect(r.summary['recovery.minConnectedShare']).toBeLessThan(0.8);
  });

  it('places what the servers cannot hold as ordinary arrivals', () => {
    // A cap of 1,000 a server holds 4,000 of 5,000 at t = 0; the other 1,000 are refused as they connect.
    const r = run(5000, 5000, '').summary;
    const capped = runExperiment(load(yaml(5000, 5000).replace('profile: node-ws-plain }', 'profile: node-ws-plain, maxConnections: 1000 }'))).summary;
    expect(r['connect.attempts']).toBe(0);
    expect(capped['connect.attempts']).toBeGreaterThanOrEqual(1000);
    expect(capped['clients.connected.final']).toBe(4000);
  });

  it('changes nothing when 0, is deterministic, and counts in the size budget', () => {
    const withZero = run(0, 60_000).summary;
    const without = runExperiment(load(yaml(0, 60_000).replace('  initial: 0\n', ''))).summary;
    expect(withZero).toEqual(without);
    expect(run(3000, 30_000).summary).toEqual(run(3000, 30_000).summary);
    const budget = (initial: number): number => estimateRun(load(yaml(initial, 60_000))).memoryBytes;
    expect(budget(1_000_000)).toBeGreaterThan(budget(0) + 100e6);
  });

  it('translates to real mode: the warm clients first, at t = 0, with the heartbeat phases the sim draws', () => {
    const real = toRealConfig(load(yaml(100, 10_000)), 'warm.yaml');
    if (!real.ok) throw new Error(formatIssues(real.issues));
    const { arrivalsMs, warmPhases } = real.config.clients;
    expect(arrivalsMs.slice(0, 100)).toEqual(new Array<number>(100).fill(0));
    const phases = new RngStreams(21).stream('warm-start');
    expect(warmPhases).toEqual(Array.from({ length: 100 }, () => phases.next()));
  });
});
