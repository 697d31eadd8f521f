import { describe, expect, it } from 'vitest';
import { formatIssues, parseExperiment, runExperiment } from '../../src/experiment/index.js';
import type { RunResult } from '../../src/metrics/index.js';

interface Options {
  /** The broker-crash fault's fields, as YAML flow; '' for no broker crash. */
  crash?: string;
  shards?: number;
  /** Extra faults, as YAML list items. */
  faults?: string[];
}

/** 2,000 clients connected at t = 0, one subscription each on 100 channels, 50 backend publishes a second. */
const yaml = ({ crash = 'atMs: 30000, restartAfterMs: 30000', shards = 1, faults = [] }: Options): string => `
name: broker-crash
question: what does losing the broker do?
seed: 21
durationMs: 120000
fleet: { servers: 4, server: { profile: node-ws-plain } }
balancer: { profile: haproxy, strategy: least-connections }
clients:
  initial: 2000
  arrivals: { poisson: { ratePerSec: 0.001 } }
  sessionMs: forever
  reconnect: { full-jitter: { baseMs: 1000, capMs: 10000 } }
heartbeat: { ping-pong: { intervalMs: 5000, timeoutMs: 5000 } }
messages:
  channels: 100
  popularityExponent: 0
  backendPerSec: 50
  broker: { targets: subscribed, shards: ${String(shards)} }
  resume: history
  history: { maxMessages: unbounded, ttlMs: forever }
faults:
${[...(crash === '' ? [] : [`  - broker-crash: { ${crash} }`]), ...faults].join('\n') || '  []'}
`;

function run(options: Options): RunResult {
  const loaded = parseExperiment(yaml(options));
  if (!loaded.ok) throw new Error(formatIssues(loaded.issues));
  return runExperiment(loaded.experiment);
}

/** The time-series column `name` summed over rows with timeMs in (fromMs, toMs]. */
function sumOver(r: RunResult, name: string, fromMs: number, toMs: number): number {
  const t = r.timeseries.columns.indexOf('timeMs');
  const c = r.timeseries.columns.indexOf(name);
  expect(c).toBeGreaterThanOrEqual(0);
  return r.timeseries.rows.filter((row) => (row[t] as number) > fromMs && (row[t] as number) <= toMs).reduce((a, row) => a + (row[c] as number), 0);
}

describe('the broker-crash fault', () => {
  const baseline = run({ crash: '' });
  const crashed = run({});

  it('refuses the publishes made while it is down and counts them once each, with the deliveries they would have made', () => {
    const s = crashed.summary;
    // Poisson publishes at 50/s over the 30 s outage: mean 1,500, sd about 39.
    const refused = s['messages.lostAtBroker'] as number;
    expect(Math.abs(refused - 1500)).toBeLessThan(5 * 39);
    // Every publish goes somewhere, accepted or refused: the same stream as the run without the fault.
    expect((s['messages.published'] as number) + refused).toBe(baseline.summary['messages.published']);
    // 2,000 subscriptions over 100 channels: about 20 recipients per refused message.
    expect((s['messages.lostAtBroker.recipients'] as number) / refused).toBeGreaterThan(15);
    expect((s['messages.lostAtBroker.recipients'] as number) / refused).toBeLessThan(25);
    // A refused message has no serial: the live subscribers see no gap, so it is not in messages.lost.
    expect(s['messages.lost']).toBe(0);
    expect(s['messages.resumeGaps']).toBe(0);
    // Runs without the fault do not have the metric at all.
    expect(baseline.summary['messages.lostAtBroker']).toBeUndefined();
    expect(crashed.events.map((e) => `${e.kind} ${String(e.atMs)} ${e.detail}`)).toEqual([
      'broker:crash 30000 every shard: 0 queued messages lost',
      'broker:restart 60000 every shard, history lost',
    ]);
  });

  it('delivers nothing from the broker while it is down and resumes delivery once it is back', () => {
    expect(sumOver(crashed, 'messages.published', 31_000, 60_000)).toBe(0);
    // Anything written before the crash reaches its clients within the first second.
    expect(sumOver(crashed, 'messages.delivered', 31_000, 60_000)).toBe(0);
    expect(sumOver(crashed, 'messages.delivered', 0, 30_000)).toBeGreaterThan(20 * 50 * 25);
    expect(sumOver(crashed, 'messages.delivered', 61_000, 120_000)).toBeGreaterThan(20 * 50 * 50);
  });

  it('leaves every connection open: the WebSocket servers are up, so nobody reconnects', () => {
    const s = crashed.summary;
    expect(s['connections.dropped']).toBe(0);
    expect(s['connect.attempts']).toBe(baseline.summary['connect.attempts']);
    expect(s['clients.connected.final']).toBe(2000);
    expect(s.availability).toBe(baseline.summary.availability);
  });

  it('crashing one shard of four loses only the channels on it', () => {
    const one = run({ crash: 'atMs: 30000, restartAfterMs: 30000, shard: 1', shards: 4 });
    const refused = one.summary['messages.lostAtBroker'] as number;
    // A quarter of 1,500: mean 375, sd about 19.
    expect(Math.abs(refused - 375)).toBeLessThan(5 * 19);
    // The other three shards keep delivering.
    expect(sumOver(one, 'messages.delivered', 31_000, 60_000)).toBeGreaterThan(20 * 50 * 0.75 * 25);
    expect(one.events.find((e) => e.kind === 'broker:crash')?.detail).toBe('shard 1: 0 queued messages lost');
  });

  it('a client away across the restart cannot replay what was published before it unless the history was kept', () => {
    // Every server dies at 25 s and is back at 65 s: every client misses 25–30 s and resumes after the broker's restart at 60 s.
    const down = [0, 1, 2, 3].map((server) => `  - crash: { server: ${String(server)}, atMs: 25000, restartAfterMs: 40000, host: up }`);
    const lost = run({ faults: down });
    const kept = run({ crash: 'atMs: 30000, restartAfterMs: 30000, keepsHistory: true', faults: down });
    for (const r of [lost, kept]) {
      expect(r.summary['messages.resumes']).toBe(2000);
      expect(r.summary['clients.connected.final']).toBe(2000);
    }
    // History lost: each client missed 5 s × 0.5 messages/s on its channel before the crash (mean 5,000 in all),
    // and a channel with any such message is a gap (1 − e^−2.5 of them: about 1,840 clients).
    expect(lost.summary['messages.lost']).toBeGreaterThan(4000);
    expect(lost.summary['messages.lost']).toBeLessThan(6000);
    expect(lost.summary['messages.resumeGaps']).toBeGreaterThan(1600);
    // What was published after the restart is in the new history: replayed either way.
    expect(lost.summary['messages.replayed']).toBeGreaterThan(0);
    // History kept: every missed message is replayed.
    expect(kept.summary['messages.resumeGaps']).toBe(0);
    expect(kept.summary['messages.lost']).toBe(0);
    expect((kept.summary['messages.replayed'] as number) - (lost.summary['messages.replayed'] as number)).toBe(lost.summary['messages.lost']);
    expect(kept.events.find((e) => e.kind === 'broker:restart')?.detail).toBe('every shard, history kept');
  });

  it('is deterministic: the same seed gives the same bytes', () => {
    expect(JSON.stringify(run({}))).toBe(JSON.stringify(crashed));
  });

  it('is refused with a located message for a shard that does not exist, or without a broker', () => {
    const loaded = parseExperiment(yaml({ crash: 'atMs: 30000, shard: 4', shards: 4 }));
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(formatIssues(loaded.issues)).toMatch(/faults\[0\]\.broker-crash\.shard: expected a shard index below messages\.broker\.shards \(4\), got 4/);
    const noBroker = parseExperiment(yaml({}).replace(/messages:\n(?: {2}.*\n)+/, 'messages: null\n'));
    expect(noBroker.ok).toBe(false);
    if (!noBroker.ok) expect(formatIssues(noBroker.issues)).toMatch(/faults\[0\]\.broker-crash: expected messages/);
  });
});
