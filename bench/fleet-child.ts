import { performance } from 'node:perf_hooks';
import { runSimulation } from '../src/sim/index.js';
import { fleet100kConfig, type FleetChildReport } from './fleet-config.js';

/** Runs the fleet-100k simulation once in this process and prints its report; bench/fleet.ts spawns it. Argument: the heartbeat model. */
function main(): void {
  const config = fleet100kConfig(process.argv[2] === 'cohort' ? 'cohort' : 'per-connection');
  const start = performance.now();
  const result = runSimulation(config);
  const wallMs = performance.now() - start;
  const rows = result.timeseries.rows;
  const report: FleetChildReport = {
    wallMs,
    maxRssKiB: process.resourceUsage().maxRSS,
    events: result.summary['events.processed'] ?? NaN,
    virtualMs: rows[rows.length - 1]?.[0] ?? NaN,
    connectedFinal: result.summary['clients.connected.final'] ?? NaN,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main();
