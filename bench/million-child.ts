import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadExperiment, toSimConfig } from '../src/index.js';
import { simulate } from '../src/sim/index.js';

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
}

/**
 * Runs experiments/million.yaml once in this process at `--scale` with `messages.fanout` and
 * `heartbeatModel` set, and prints its report; bench/million.ts spawns it so each run's peak RSS is
 * its own. Arguments: scale fanout heartbeatModel.
 */
function main(argv: readonly string[]): void {
  const [scale = '1', fanout = 'cohort', heartbeatModel = 'cohort'] = argv;
  const file = fileURLToPath(new URL('../experiments/million.yaml', import.meta.url));
  const loaded = loadExperiment(file, { scale: Number(scale), sets: [`messages.fanout=${fanout}`, `heartbeatModel=${heartbeatModel}`] });
  if (!loaded.ok) throw new Error(`experiments/million.yaml did not load: ${JSON.stringify(loaded.issues)}`);
  const config = toSimConfig(loaded.experiment);
  const start = performance.now();
  const run = simulate(config);
  const wallMs = performance.now() - start;
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
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main(process.argv.slice(2));
