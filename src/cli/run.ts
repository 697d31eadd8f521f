import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { formatIssues, loadExperiment, resolvedExperimentYaml, runExperiment } from '../experiment/index.js';
import { chartNames } from '../report/fleet-charts.js';
import type { Summary } from '../metrics/index.js';
import { InputError } from './errors.js';
import { checkChartsBeforeRun, checkNamesAgainstResult } from './chart-checks.js';
import { runSweep, sweepDir, type Shard } from './sweep.js';
import { Progress } from './progress.js';
import { checkOutDir } from './out-dir.js';
import { human, textTable } from './table.js';
import { checkProfilePath, startCpuProfile } from './cpu-profile.js';

export interface RunCommandOptions {
  out?: string;
  seed?: number;
  set: string[];
  json?: boolean;
  quiet?: boolean;
  /** Worker threads for sweeps. @default one per core */
  jobs?: number;
  /** Run only this slice of a sweep's runs. */
  shard?: Shard;
  /** Multiplies client counts and arrival rates. */
  scale?: number;
  /** Record a V8 CPU profile of the run: true writes `profile.cpuprofile` into the result folder, a string names the file. */
  profile?: boolean | string;
}

/** The metrics printed after a run, with their labels. */
const HEADLINE: [string, string][] = [
  ['clients.connected.final', 'clients connected at the end'],
  ['clients.connected.mean', 'clients connected, time average'],
  ['availability', 'availability (share of client-time connected)'],
  ['connect.attempts', 'connect attempts'],
  ['connect.succeeded', '  succeeded'],
  ['connect.refused', '  refused'],
  ['connect.failed', '  failed'],
  ['connect.latencyMs.p50', 'connect latency p50 (ms)'],
  ['connect.latencyMs.p99', 'connect latency p99 (ms)'],
  ['handshake.waitMs.mean', 'handshake wait for a core, mean (ms)'],
  ['connections.dropped', 'connections dropped'],
  ['heartbeat.timeouts', 'heartbeat timeouts'],
  ['servers.connections.imbalance', 'connection imbalance at the end (max/mean)'],
  ['servers.cpu.utilization.mean', 'server CPU utilisation, mean'],
  ['events.processed', 'events processed'],
];

export async function runCommand(file: string, options: RunCommandOptions): Promise<void> {
  const loaded = loadExperiment(file, {
    sets: options.set,
    chartNames: chartNames(),
    ...(options.scale === undefined ? {} : { scale: options.scale }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  if (!loaded.ok) throw new InputError(`${formatIssues(loaded.issues)}\nNothing was run or written.`);
  const { experiment } = loaded;
  checkOutDir(sweepDir(experiment, options.out, options.shard));
  if (options.shard !== undefined && experiment.sweep === undefined) {
    throw new InputError(`✖ --shard ${String(options.shard.index)}/${String(options.shard.count)}: ${file} has no sweep block; expected a sweep to split\nNothing was run or written.`);
  }
  checkChartsBeforeRun(file, experiment);
  if (experiment.sweep !== undefined && options.profile !== undefined) {
    throw new InputError(`✖ --profile: ${file} is a sweep, whose runs go to worker threads; expected a single run (profile one variant with --set)\nNothing was run or written.`);
  }
  if (typeof options.profile === 'string') checkProfilePath(options.profile);
  if (experiment.sweep !== undefined) {
    await runSweep(file, experiment, options);
    return;
  }
  const profiler = options.profile === undefined ? null : await startCpuProfile();
  const started = performance.now();
  const progress = new Progress(1, experiment.durationMs, { quiet: options.quiet === true || options.json === true });
  const result = runExperiment(experiment, {
    onProgress: (nowMs) => {
      progress.update(0, nowMs);
    },
  });
  progress.finish();
  checkNamesAgainstResult(file, experiment, result);
  const wallMs = performance.now() - started;
  const dir = options.out ?? join('results', `${experiment.name}-${String(experiment.seed)}`);
  // The renderer (vega, resvg) loads only when there is something to draw.
  const { writeResultFolder } = await import('../report/write.js');
  const written = await writeResultFolder(dir, resolvedExperimentYaml(experiment), result, experiment.charts);
  await profiler?.stop(typeof options.profile === 'string' ? options.profile : join(written.dir, 'profile.cpuprofile'));
  if (options.json) {
    process.stdout.write(JSON.stringify({ dir: written.dir, summary: result.summary }) + '\n');
    return;
  }
  if (options.quiet) return;
  process.stdout.write(report(experiment.name, experiment.durationMs, wallMs, result.summary, written.dir, written.charts));
}

function report(name: string, durationMs: number, wallMs: number, summary: Summary, dir: string, charts: string[]): string {
  const rows = HEADLINE.filter(([key]) => key in summary).map(([key, label]) => [label, human(summary[key] as number)]);
  const alerts = Object.keys(summary).flatMap((k) => /^alerts\.([^.]+)\.firstFiredMs$/.exec(k)?.[1] ?? []);
  for (const rule of alerts) {
    const first = summary[`alerts.${rule}.firstFiredMs`] as number;
    rows.push([`alert ${rule} first fired (s)`, Number.isNaN(first) ? 'never' : human(first / 1000)]);
  }
  const lines = [
    `${name}: simulated ${human(durationMs / 1000)} s in ${human(wallMs / 1000)} s of wall time`,
    '',
    textTable(rows),
    '',
    `Results in ${dir}/ (summary.json, summary.csv, timeseries.csv, experiment.resolved.yaml)`,
    ...charts.map((c) => `Chart: ${relative(process.cwd(), c) || c}`),
  ];
  return lines.join('\n') + '\n';
}
