import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { LaneWorker } from '../src/experiment/lane-helper.js';
import type { loadExperiment, toSimConfig } from '../src/index.js';
import type { simulate } from '../src/sim/index.js';

/**
 * The built package (`npm run bench` builds it first): the lane worker is a .js file, so the run uses
 * the code `wsfleet run` uses, not the sources tsx loads.
 */
interface Built {
  loadExperiment: typeof loadExperiment;
  toSimConfig: typeof toSimConfig;
  simulate: typeof simulate;
  LaneWorker: typeof LaneWorker;
}

async function built(): Promise<Built> {
  const url = (path: string): string => new URL(`../dist/src/${path}`, import.meta.url).href;
  const index = (await import(url('index.js'))) as Pick<Built, 'loadExperiment' | 'toSimConfig'>;
  const sim = (await import(url('sim/index.js'))) as Pick<Built, 'simulate'>;
  const helper = (await import(url('experiment/lane-helper.js'))) as Pick<Built, 'LaneWorker'>;
  return { ...index, ...sim, ...helper };
}

/** What the child prints as one JSON line on stdout. */
export interface MillionChildReport {
  /** Wall time of the simulation alone (not loading, not writing), in milliseconds. */
  wallMs: number;
  /** Peak resident set size of this process, in KiB. */
  maxRssKiB: number;
  /** Engine events dispatched. */
  events: number;
  /** Messages handed to client applications (summary `messages.delivered`). */
  delivered: number;
  /** Of the writes to subscribers, those the cohort fan-out made (the rest one by one). */
  cohortShare: number;
  virtualMs: number;
  clients: number;
  connectedFinal: number;
  /** Pings and pongs the lane worker submitted (0 without one). */
  workerJobs: number;
}

/**
 * Runs experiments/million.yaml once in this process at `--scale` with `messages.fanout` and
 * `heartbeatModel` set, and prints its report; bench/million.ts spawns it so each run's peak RSS is
 * its own. Arguments: scale fanout heartbeatModel worker (\`on\`: the cohort heartbeat's lanes also
 * advance on a second thread, as \`wsfleet run\` does on a machine with two cores; \`off\`: one thread).
 */
async function main(argv: readonly string[]): Promise<void> {
  const { loadExperiment, toSimConfig, simulate, LaneWorker } = await built();
  const [scale = '1', fanout = 'cohort', heartbeatModel = 'cohort', worker = 'on'] = argv;
  const file = fileURLToPath(new URL('../experiments/million.yaml', import.meta.url));
  const loaded = loadExperiment(file, { scale: Number(scale), sets: [`messages.fanout=${fanout}`, `heartbeatModel=${heartbeatModel}`] });
  if (!loaded.ok) throw new Error(`experiments/million.yaml did not load: ${JSON.stringify(loaded.issues)}`);
  const config = toSimConfig(loaded.experiment);
  const laneWorker = worker === 'on' ? new LaneWorker() : null;
  const start = performance.now();
  const run = simulate(config, laneWorker === null ? {} : { laneHelper: laneWorker });
  const wallMs = performance.now() - start;
  laneWorker?.close();
  const s = run.result.summary;
  const rows = run.result.timeseries.rows;
  const pubsub = run.fleet.pubsub;
  const report: MillionChildReport = {
    wallMs,
    maxRssKiB: process.resourceUsage().maxRSS,
    events: s['events.processed'] ?? NaN,
    delivered: s['messages.delivered'] ?? NaN,
    cohortShare: pubsub === null || pubsub.counters.offered === 0 ? 0 : pubsub.cohorts.written / pubsub.counters.offered,
    virtualMs: rows[rows.length - 1]?.[0] ?? NaN,
    clients: config.clients.arrivals.kind === 'ramp' ? config.clients.arrivals.clients : NaN,
    connectedFinal: s['clients.connected.final'] ?? NaN,
    workerJobs: laneWorker?.workerJobs ?? 0,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

await main(process.argv.slice(2));
