/**
 * Capacity of the real fleet on this machine: runs bench/real-capacity.yaml (10,000 clients by default)
 * on real sockets and prints what held, with the descriptor limits the children ran under.
 *
 *   npm run build && npx tsx bench/real-capacity.ts [--clients N] [--swarms N]
 */
import { loadExperiment, runRealExperiment, toRealConfig } from '../src/experiment/index.js';
import { descriptorLimits } from '../src/real/children.js';
import { chartNames } from '../src/report/fleet-charts.js';

const arg = (name: string, fallback: number): number => {
  const k = process.argv.indexOf(name);
  return k >= 0 ? Number(process.argv[k + 1]) : fallback;
};
const clients = arg('--clients', 10_000);
const file = new URL('./real-capacity.yaml', import.meta.url).pathname;
const loaded = loadExperiment(file, { chartNames: chartNames(), sets: [`clients.arrivals.ramp.clients=${String(clients)}`] });
if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
const mapped = toRealConfig(loaded.experiment, file, { swarms: arg('--swarms', 4) });
if (!mapped.ok) throw new Error(JSON.stringify(mapped.issues));
const limits = descriptorLimits();
const result = await runRealExperiment(mapped.config, (line) => process.stderr.write(line + '\n'));
const s = result.summary;
const connected = result.timeseries.columns.indexOf('clients.connected');
const peak = result.timeseries.rows.reduce((m, r) => Math.max(m, r[connected] ?? 0), 0);
process.stdout.write(
  JSON.stringify(
    {
      clients,
      connectedFinal: s['clients.connected.final'],
      connectedPeak: peak,
      attempts: s['connect.attempts'],
      failed: s['connect.failed'],
      connectP99Ms: s['connect.latencyMs.p99'],
      serverPeakRssBytes: s['servers.memory.peakBytes'],
      serverCpuMean: s['servers.cpu.utilization.mean'],
      descriptors: { soft: limits.soft, hard: limits.hard, children: limits.child },
      proxies: mapped.config.balancer.count,
      swarms: mapped.config.swarms,
    },
    null,
    2,
  ) + '\n',
);
