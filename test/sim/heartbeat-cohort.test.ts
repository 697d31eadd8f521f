import { describe, expect, it } from 'vitest';
import { parseExperiment } from '../../src/experiment/index.js';
import { toSimConfig } from '../../src/experiment/to-sim.js';
import { simulate } from '../../src/sim/index.js';
import type { RunResult, Summary } from '../../src/metrics/index.js';

/**
 * The cohort heartbeat (`heartbeatModel: cohort`) against the per-connection one, the exact reference,
 * on small fleets that exercise every way out of a cohort: a crash with history resume, slow consumers
 * (pings behind data), a saturated CPU with late pongs, flaps and departures, long polling,
 * autoscaling, a partition, a stopped process, a silent disconnect, the proxy's idle timeout fed by
 * pings, ws-interval's fixed cycle, a warm start, and a reconnect storm behind fan-out batches where a
 * ping's phase decides when it goes out. The cohort keeps each member's own cycle on its process's run
 * queue, so it is exact: every summary value but the events processed is equal, and so is every
 * time-series cell (the heartbeat's CPU to float rounding, summed in another order), while the cohort
 * run processes at most the stated share of the per-connection run's events.
 */
const base = (body: string): string => `
name: hb-cohort
question: q
lookAt: l
seed: 11
durationMs: 120000
sampleIntervalMs: 5000
fleet:
  servers: 3
  server: { profile: node-ws-plain }
  network: { profile: broadband }
balancer: { profile: haproxy, strategy: least-connections }
clients:
  profile: browser
  reconnect: { full-jitter: { baseMs: 500, capMs: 10000 } }
  arrivals: { ramp: { clients: 1500, overMs: 10000 } }
  sessionMs: forever
heartbeat: { ping-pong: { intervalMs: 5000, timeoutMs: 4000 } }
${body}
`;

const feed = (rate = 2, extra = ''): string => `messages:
  channels: 1
  bytes: 200
  backendPerSec: ${String(rate)}
  resume: history
  history: { maxMessages: unbounded, ttlMs: 60000 }${extra}`;

const storm = base(`${feed(1)}\nfaults:\n  - crash: { server: 0, atMs: 45000, restartAfterMs: 20000 }`)
  .replace('profile: node-ws-plain }', 'profile: node-ws-plain, messageOutCostMs: 0.1, pingCostMs: 0.3, pongCostMs: 0.3 }')
  .replace('clients: 1500, overMs: 10000', 'clients: 6000, overMs: 10000')
  .replace('durationMs: 120000\nsampleIntervalMs: 5000', 'durationMs: 90000\nsampleIntervalMs: 1000')
  .replace('capMs: 10000', 'capMs: 5000');

interface Case {
  yaml: string;
  /** Share of the per-connection run's events the cohort run may process (the point of it). */
  maxEventShare?: number;
}

const cases: Record<string, Case> = {
  'a steady feed': { yaml: base(feed()), maxEventShare: 0.5 },
  'no messages': { yaml: base(''), maxEventShare: 0.5 },
  'a crash with history resume': { yaml: base(`${feed()}\nfaults:\n  - crash: { server: 0, atMs: 60000, restartAfterMs: 10000 }`), maxEventShare: 0.6 },
  'slow consumers: pings behind data': {
    yaml: base(feed(20)).replace('sessionMs: forever', 'sessionMs: forever\n  consumePerSec: { empirical: { values: [2, 1000], weights: [1, 4] } }'),
  },
  'a saturated CPU with late pongs': {
    yaml: base(`${feed(20)}\nfaults:\n  - crash: { server: 0, atMs: 40000 }`).replace('profile: node-ws-plain }', 'profile: node-ws-plain, messageOutCostMs: 0.06 }'),
  },
  'flaps and departures': { yaml: base(feed()).replace('sessionMs: forever', 'sessionMs: { exponential: { meanMs: 60000 } }\n  flapsPerHour: 120') },
  'long polling': { yaml: base(`${feed()}\npolling:\n  share: 0.2\n  sessions: local`) },
  autoscaling: { yaml: base(`${feed()}\nautoscaling: { metric: connections, target: 400, min: 2, max: 6, provisionMs: 20000 }`).replace('servers: 3', 'servers: 2') },
  'a partition': { yaml: base(`${feed()}\nfaults:\n  - partition: { share: 0.3, atMs: 50000, durationMs: 20000 }`) },
  'a stopped process': { yaml: base(`${feed()}\nfaults:\n  - hang: { server: 1, atMs: 50000, durationMs: 15000 }`) },
  'a silent disconnect': { yaml: base(`${feed()}\nfaults:\n  - disconnect: { share: 0.5, server: 2, atMs: 50000, fin: false }`) },
  "the proxy's idle timeout, kept open by pings": { yaml: base('').replace('profile: haproxy,', 'profile: haproxy, idleTimeoutMs: 7000,') },
  'ws-interval': { yaml: base(feed()).replace('{ ping-pong: { intervalMs: 5000, timeoutMs: 4000 } }', '{ ws-interval: { intervalMs: 6000 } }') },
  'a warm start': { yaml: base(feed()).replace('arrivals: { ramp: { clients: 1500, overMs: 10000 } }', 'initial: 1500\n  arrivals: { ramp: { clients: 100, overMs: 10000 } }') },
  // Fan-out batches hold each core for about 0.2 s a second and pings cost 0.3 ms: pings due during a
  // batch wait for it and leave together, so they bunch, and a crashed server's clients reconnect behind
  // both. A fluid of pings gets the handshake waits and the connect p99 wrong here (about half).
  'a reconnect storm behind fan-out batches': { yaml: storm, maxEventShare: 0.6 },
};

function run(yaml: string, model: 'per-connection' | 'cohort'): { result: RunResult; json: string } {
  const loaded = parseExperiment(yaml, { sets: [`heartbeatModel=${model}`] });
  if (!loaded.ok) throw new Error(loaded.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'));
  const result = simulate(toSimConfig(loaded.experiment)).result;
  return { result, json: JSON.stringify(result) };
}

const withoutEvents = (s: Summary): Summary => Object.fromEntries(Object.entries(s).filter(([key]) => key !== 'events.processed'));

describe('heartbeatModel: cohort against per-connection', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, () => {
      const exact = run(c.yaml, 'per-connection').result;
      const fast = run(c.yaml, 'cohort').result;
      expect(withoutEvents(fast.summary)).toEqual(withoutEvents(exact.summary));
      const { columns, rows } = exact.timeseries;
      expect(fast.timeseries.columns).toEqual(columns);
      expect(fast.timeseries.rows.length).toBe(rows.length);
      rows.forEach((row, r) => {
        const other = fast.timeseries.rows[r] as readonly number[];
        row.forEach((v, k) => {
          const w = other[k] as number;
          expect(v === w || Math.abs(v - w) <= 1e-9 * Math.max(Math.abs(v), Math.abs(w)), `${String(columns[k])} at row ${String(r)}: ${String(v)} vs ${String(w)}`).toBe(true);
        });
      });
      if (c.maxEventShare !== undefined) expect(fast.summary['events.processed'] as number).toBeLessThan(c.maxEventShare * (exact.summary['events.processed'] as number));
    });
  }

  it('the storm case exercises phases: pings bunch behind the batches (per second, the busiest second sends three times the quietest)', () => {
    const { columns, rows } = run(storm, 'per-connection').result.timeseries;
    const k = columns.indexOf('heartbeat.pings');
    // Seconds 20 to 44: every client connected, before the crash.
    const perSecond = rows.slice(20, 44).map((row) => row[k] as number);
    expect(Math.max(...perSecond)).toBeGreaterThan(3 * Math.min(...perSecond));
  });

  it('is deterministic: the same seed gives the same bytes', () => {
    const yaml = (cases['a crash with history resume'] as Case).yaml;
    expect(run(yaml, 'cohort').json).toBe(run(yaml, 'cohort').json);
  });
});
