import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/metrics/index.js';
import type { LaneHelper, SimConfig } from '../../src/sim/index.js';
import { repoRoot } from './cli.js';

/**
 * The lane worker (src/experiment/lane-worker.ts) advances the cohort heartbeat's lanes on a second
 * thread while the simulation's thread runs everything else. It must never change a result: each run
 * below, on small fleets that exercise every way a member leaves its lane (a crash with history
 * resume, pongs read late on a saturated CPU, a backlog that hands a whole process back, several
 * processes per server, long polling, growth of every buffer while the worker holds them), gives the
 * same summary, time series, events and distributions with the worker as without, and the worker did
 * a share of the pings and pongs. The worker is a .js file, so this runs the built package.
 */
interface Built {
  parseExperiment: (yaml: string, file: string) => { ok: true; experiment: unknown } | { ok: false; issues: unknown };
  toSimConfig: (e: unknown) => SimConfig;
  runSimulation: (config: SimConfig, options: { laneHelper?: LaneHelper }) => RunResult;
  LaneWorker: new () => LaneHelper & { readonly workerJobs: number; close(): void };
}

async function built(): Promise<Built> {
  const url = (path: string): string => pathToFileURL(join(repoRoot, 'dist', 'src', path)).href;
  const experiment = (await import(url('experiment/index.js'))) as Pick<Built, 'parseExperiment'>;
  const toSim = (await import(url('experiment/to-sim.js'))) as Pick<Built, 'toSimConfig'>;
  const sim = (await import(url('sim/index.js'))) as Pick<Built, 'runSimulation'>;
  const helper = (await import(url('experiment/lane-helper.js'))) as Pick<Built, 'LaneWorker'>;
  return { ...experiment, ...toSim, ...sim, ...helper };
}

const base = (body: string, server = 'profile: node-ws-plain', clients = 20_000): string => `
name: lane-worker
question: q
lookAt: l
seed: 5
durationMs: 120000
sampleIntervalMs: 1000
fleet:
  servers: 4
  server: { ${server} }
  network: { profile: broadband }
balancer: { profile: haproxy, count: 2, strategy: least-connections }
clients:
  profile: browser
  reconnect: { full-jitter: { baseMs: 500, capMs: 5000 } }
  arrivals: { ramp: { clients: ${String(clients)}, overMs: 20000 } }
  sessionMs: forever
heartbeat: { ping-pong: { intervalMs: 5000, timeoutMs: 4000 } }
heartbeatModel: cohort
${body}
`;

const feed = (perSec = 2): string => `messages:
  channels: 1
  bytes: 200
  backendPerSec: ${String(perSec)}
  resume: history
  history: { maxMessages: unbounded, ttlMs: 60000 }`;

interface Case {
  yaml: string;
  /** Whether the heartbeat closes connections (pongs read after their deadline). */
  timeouts: boolean;
}

const cases: Record<string, Case> = {
  'a crash with history resume': { yaml: base(`${feed()}\nfaults:\n  - crash: { server: 0, atMs: 60000, restartAfterMs: 20000 }`), timeouts: false },
  // Three servers left carry 4,000 clients at 5 messages a second and 0.06 ms a write: 1.2 cores' work.
  'late pongs and backlogs on a saturated CPU': {
    yaml: base(`${feed(5)}\nfaults:\n  - crash: { server: 1, atMs: 50000 }`, 'profile: node-ws-plain, messageOutCostMs: 0.06', 12_000),
    timeouts: true,
  },
  'several processes per server, and long polling': { yaml: base(`${feed()}\npolling:\n  share: 0.2\n  sessions: local`, 'profile: node-ws-plain, processes: 3', 6_000), timeouts: false },
};

describe('the lane worker', () => {
  for (const [name, { yaml, timeouts }] of Object.entries(cases)) {
    it(`gives the same results as the simulation's thread alone: ${name}`, async () => {
      const b = await built();
      const parsed = b.parseExperiment(yaml, 'lane-worker.yaml');
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
      const config = b.toSimConfig(parsed.experiment);
      const alone = b.runSimulation(config, {});
      const worker = new b.LaneWorker();
      let helped: RunResult;
      try {
        helped = b.runSimulation(config, { laneHelper: worker });
      } finally {
        worker.close();
      }
      expect(worker.workerJobs).toBeGreaterThan(0);
      expect(alone.summary['heartbeat.pings']).toBeGreaterThan(0);
      expect((alone.summary['heartbeat.timeouts'] as number) > 0).toBe(timeouts);
      expect(JSON.stringify(helped.summary)).toBe(JSON.stringify(alone.summary));
      expect(JSON.stringify(helped.timeseries)).toBe(JSON.stringify(alone.timeseries));
      expect(JSON.stringify(helped.events)).toBe(JSON.stringify(alone.events));
      expect(JSON.stringify(helped.distributions)).toBe(JSON.stringify(alone.distributions));
    }, 120_000);
  }
});
