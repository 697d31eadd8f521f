import { describe, expect, it } from 'vitest';
import { parseExperiment } from '../../src/experiment/index.js';
import { toSimConfig } from '../../src/experiment/to-sim.js';
import { simulate } from '../../src/sim/index.js';
import { CpuQueue } from '../../src/sim/cpu.js';
import type { Summary } from '../../src/metrics/index.js';

/**
 * The cohort heartbeat (`heartbeatModel: cohort`) against the per-connection one, the exact reference,
 * on small fleets that exercise every way out of a cohort: a crash with history resume, slow consumers
 * (pings behind data), a saturated CPU with late pongs, flaps and departures, long polling,
 * autoscaling, a partition, a stopped process, a silent disconnect, the proxy's idle timeout fed by
 * pings, ws-interval's fixed cycle and a warm start. The cohort is not exact (a ping that waits behind
 * other work does not shift its later ones, and its pings are a fluid of CPU work rather than jobs), so
 * the test states how close each outcome is: what decides a run (who is connected, messages
 * delivered and lost, heartbeat closes) within 1–2 % or a few connections (equal where nothing is
 * closed), ping counts within 3 %, latencies within 5 % or 10 ms, and the cohort run's events at most
 * half the per-connection run's where heartbeats are most of them.
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

interface Case {
  yaml: string;
  /** Heartbeat closes may differ by this many, or 2 % (0: equal when there are none). */
  timeouts?: number;
  /** Connected clients at the end may differ by this many, or 1 %. */
  connected?: number;
  /** Latency percentiles may differ by this share (default 5 %). */
  latency?: number;
  /** Share of the per-connection run's events the cohort run may process (the point of it). */
  maxEventShare?: number;
}

const cases: Record<string, Case> = {
  'a steady feed': { yaml: base(feed()), maxEventShare: 0.5 },
  'no messages': { yaml: base(''), maxEventShare: 0.5 },
  'a crash with history resume': { yaml: base(`${feed()}\nfaults:\n  - crash: { server: 0, atMs: 60000, restartAfterMs: 10000 }`), maxEventShare: 0.6 },
  'slow consumers: pings behind data': {
    yaml: base(feed(20)).replace('sessionMs: forever', 'sessionMs: forever\n  consumePerSec: { empirical: { values: [2, 1000], weights: [1, 4] } }'),
    timeouts: 3,
  },
  'a saturated CPU with late pongs': {
    yaml: base(`${feed(20)}\nfaults:\n  - crash: { server: 0, atMs: 40000 }`).replace('profile: node-ws-plain }', 'profile: node-ws-plain, messageOutCostMs: 0.06 }'),
    // Both collapse (a few dozen of 1,500 connected at the end): the survivors differ by chance.
    timeouts: 60,
    connected: 60,
    latency: 0.15,
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
};

function run(yaml: string, model: 'per-connection' | 'cohort'): { summary: Summary; json: string } {
  const loaded = parseExperiment(yaml, { sets: [`heartbeatModel=${model}`] });
  if (!loaded.ok) throw new Error(loaded.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'));
  const result = simulate(toSimConfig(loaded.experiment)).result;
  return { summary: result.summary, json: JSON.stringify(result) };
}

const near = (a: number, b: number, rel: number, abs: number): boolean => Math.abs(a - b) <= Math.max(abs, rel * Math.max(Math.abs(a), Math.abs(b)));

describe('heartbeatModel: cohort against per-connection', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, () => {
      const exact = run(c.yaml, 'per-connection').summary;
      const fast = run(c.yaml, 'cohort').summary;
      const k = (key: keyof Summary): [number, number] => [exact[key] as number, fast[key] as number];

      const [timeoutsE, timeoutsF] = k('heartbeat.timeouts');
      expect(near(timeoutsE, timeoutsF, 0.02, c.timeouts ?? 0), `heartbeat.timeouts ${String(timeoutsE)} vs ${String(timeoutsF)}`).toBe(true);
      const [connE, connF] = k('clients.connected.final');
      expect(near(connE, connF, 0.01, c.connected ?? 0), `connected ${String(connE)} vs ${String(connF)}`).toBe(true);
      for (const key of ['heartbeat.pings', 'heartbeat.pongs'] as const) {
        const [a, b] = k(key);
        expect(near(a, b, 0.03, 5), `${key} ${String(a)} vs ${String(b)}`).toBe(true);
      }
      expect(near(...k('availability'), 0.005, 0), 'availability').toBe(true);
      if (exact['messages.delivered'] !== undefined) {
        expect(near(...k('messages.delivered'), 0.01, 5), 'messages.delivered').toBe(true);
        expect(near(...k('messages.lost'), 0.05, 5), 'messages.lost').toBe(true);
        for (const key of ['messages.latencyMs.p50', 'messages.latencyMs.p99'] as const) expect(near(...k(key), c.latency ?? 0.05, 10), `${key} ${k(key).join(' vs ')}`).toBe(true);
      }
      for (const key of ['connect.latencyMs.p50', 'connect.latencyMs.p99'] as const) expect(near(...k(key), c.latency ?? 0.05, 10), `${key} ${k(key).join(' vs ')}`).toBe(true);
      expect(near(...k('servers.cpu.utilization.mean'), 0.05, 0.002), 'cpu utilization').toBe(true);
      if (c.maxEventShare !== undefined) expect(fast['events.processed'] as number).toBeLessThan(c.maxEventShare * (exact['events.processed'] as number));
    });
  }

  it('is deterministic: the same seed gives the same bytes', () => {
    const yaml = (cases['a crash with history resume'] as Case).yaml;
    expect(run(yaml, 'cohort').json).toBe(run(yaml, 'cohort').json);
  });
});

describe('CpuQueue fluid', () => {
  it('a fluid at rate r does the work of many tiny jobs at that rate: a job behind it waits as long', () => {
    // 0.01 ms jobs every 0.05 ms (r = 0.2) against the same work as a fluid; a 30 ms job at 100 ms holds
    // the core; a 1 ms job at 110 ms waits for it and for the fluid that arrived meanwhile.
    const discrete = new CpuQueue(1);
    const fluid = new CpuQueue(1);
    fluid.setFluidRate(0, 0.2);
    let bigDone = NaN;
    let smallDone = NaN;
    for (let t = 0; t <= 200; t += 0.05) {
      if (Math.abs(t - 100) < 1e-9) bigDone = discrete.submit(100, 30);
      if (Math.abs(t - 110) < 1e-9) smallDone = discrete.submit(110, 1);
      discrete.submit(t, 0.01);
    }
    const bigFluid = fluid.submit(100, 30);
    const smallFluid = fluid.submit(110, 1);
    expect(bigFluid).toBeCloseTo(bigDone, 1);
    // Behind the big job: the 30 ms job, then the tiny jobs that came while it ran (20 ms × 0.2 after 110 is still queued).
    expect(Math.abs(smallFluid - smallDone)).toBeLessThan(0.05);
    expect(Math.abs(fluid.busyMs(200) - discrete.busyMs(200))).toBeLessThan(0.05);
  });

  it('a fluid alone keeps the core busy r of the time and delays nothing submitted to an idle core', () => {
    const q = new CpuQueue(2);
    q.setFluidRate(0, 0.5);
    expect(q.busyMs(1000)).toBeCloseTo(500, 9);
    expect(q.submit(1000, 2)).toBe(1002);
  });
});
