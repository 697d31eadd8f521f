import { describe, expect, it } from 'vitest';
import { parseExperiment } from '../../src/experiment/index.js';
import { toSimConfig } from '../../src/experiment/to-sim.js';
import { simulate } from '../../src/sim/index.js';

/**
 * The cohort fan-out against the exact one (`batched`, one write per subscriber) on small fleets
 * that exercise every way out of a cohort: a crash with history resume, slow consumers under each
 * kind of policy, a saturated CPU with late pongs, flaps, departures, long polling, autoscaling,
 * an idle timeout and a shedder reading last-data times, and a message size that changes. Counts
 * must be equal, every latency within the histogram's bucket (2^-9) and the sampled series equal.
 */
const base = (body: string): string => `
name: cohort
question: q
lookAt: l
seed: 7
durationMs: 80000
sampleIntervalMs: 5000
fleet:
  servers: 3
  server: { profile: node-ws-plain }
  network: { profile: broadband }
balancer: { profile: haproxy, strategy: least-connections }
clients:
  profile: browser
  arrivals: { ramp: { clients: 600, overMs: 10000 } }
  sessionMs: forever
heartbeat: { ping-pong: { intervalMs: 25000, timeoutMs: 20000 } }
${body}
`;

/** The messages section: one channel at 5 messages/s, history resume, and any fields replaced or added. */
const feed = (fields: Record<string, string> = {}): string => {
  const all: Record<string, string> = {
    channels: '1',
    bytes: '200',
    backendPerSec: '5',
    resume: 'history',
    history: '{ maxMessages: unbounded, ttlMs: 60000 }',
    ...fields,
  };
  return `messages:\n${Object.entries(all)
    .map(([k, v]) => `  ${k}: ${v}`)
    .join('\n')}`;
};

const slowShare = 'sessionMs: forever\n  consumePerSec: { empirical: { values: [2, 1000], weights: [1, 4] } }';

const cases: Record<string, string> = {
  'a steady feed': base(feed()),
  'a crash with history resume': base(`${feed()}\nfaults:\n  - crash: { server: 0, atMs: 40000, restartAfterMs: 10000 }`),
  'slow consumers, unbounded': base(feed({ backpressure: 'unbounded', backendPerSec: '20' })).replace('sessionMs: forever', slowShare),
  'slow consumers, disconnected at a limit': base(feed({ backpressure: '{ disconnect: { limitBytes: 8192 } }', backendPerSec: '20' })).replace('sessionMs: forever', slowShare),
  'slow consumers, conflated': base(feed({ backpressure: '{ conflate: { limitBytes: 8192 } }', backendPerSec: '20' })).replace('sessionMs: forever', slowShare),
  'a saturated CPU with late pongs': base(feed({ backendPerSec: '20' })).replace('profile: node-ws-plain }', 'profile: node-ws-plain, messageOutCostMs: 0.3 }'),
  'flaps and departures': base(feed()).replace('sessionMs: forever', 'sessionMs: { exponential: { meanMs: 60000 } }\n  flapsPerHour: 120'),
  'long polling': base(`${feed()}\npolling:\n  share: 0.2\n  sessions: local`),
  autoscaling: base(`${feed()}\nautoscaling: { metric: connections, target: 0.3, min: 2, max: 6, provisionMs: 20000 }`).replace('servers: 3', 'servers: 2'),
  'idle timeouts and shedding by last data': base(feed({ backendPerSec: '0.2', idleTimeoutMs: '4000' })).replace(
    'profile: node-ws-plain }',
    'profile: node-ws-plain, shedding: { limit: 150, intervalMs: 1000, strategy: idle-first } }',
  ),
  'three thousand clients (per-slot columns grow during the run) and a crash': base(
    `${feed({ backendPerSec: '2' })}\nfaults:\n  - crash: { server: 1, atMs: 30000, restartAfterMs: 5000 }`,
  )
    .replace('clients: 600, overMs: 10000', 'clients: 3000, overMs: 20000')
    .replace('durationMs: 80000', 'durationMs: 60000'),
  'a message size that changes': base(feed({ bytes: '{ uniform: { minMs: 100, maxMs: 300 } }' })),
  // The last sample is at 80 s: what cohorts consume after it must still count when the run ends.
  'a run that ends between two samples': base(feed()).replace('durationMs: 80000', 'durationMs: 82500'),
};

function run(yaml: string, fanout: 'cohort' | 'batched') {
  const loaded = parseExperiment(yaml, { sets: [`messages.fanout=${fanout}`] });
  if (!loaded.ok) throw new Error(loaded.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'));
  const run = simulate(toSimConfig(loaded.experiment));
  return { result: run.result, cohortWrites: run.fleet.pubsub?.cohorts.written ?? 0, offered: run.fleet.pubsub?.counters.offered ?? 0 };
}

const latencyKey = /latencyMs\.(p50|p90|p99|max|mean)$/;

describe('cohort fan-out against one write per subscriber', () => {
  for (const [name, yaml] of Object.entries(cases)) {
    it(name, () => {
      const exact = run(yaml, 'batched');
      const fast = run(yaml, 'cohort');
      expect(exact.cohortWrites).toBe(0);
      const a = exact.result.summary as Record<string, number>;
      const b = fast.result.summary as Record<string, number>;
      expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
      for (const key of Object.keys(a)) {
        const x = a[key] as number;
        const y = b[key] as number;
        if (latencyKey.test(key)) expect(Math.abs(y - x), key).toBeLessThanOrEqual(Math.abs(x) * 2 ** -9 + 1e-9);
        else expect(y, key).toBe(x);
      }
      const rows = exact.result.timeseries.rows;
      const cols = exact.result.timeseries.columns;
      rows.forEach((row, r) => {
        row.forEach((v, j) => {
          const w = fast.result.timeseries.rows[r]?.[j] as number;
          if ((cols[j] as string).includes('latency')) expect(Math.abs(w - v), `${cols[j]} at row ${r}`).toBeLessThanOrEqual(Math.abs(v) * 2 ** -9 + 1e-9);
          else expect(w, `${cols[j]} at row ${r}`).toBe(v);
        });
      });
    });
  }

  it("takes most deliveries as a cohort when subscribers keep up, and none when sizes vary", () => {
    const steady = run(cases['a steady feed'] as string, 'cohort');
    expect(steady.cohortWrites / steady.offered).toBeGreaterThan(0.9);
    const crash = run(cases['a crash with history resume'] as string, 'cohort');
    expect(crash.cohortWrites / crash.offered).toBeGreaterThan(0.8);
    const varying = run(cases['a message size that changes'] as string, 'cohort');
    expect(varying.cohortWrites).toBe(0);
  });
});
