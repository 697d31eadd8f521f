import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { formatIssues, isLoopback, loadExperiment, RedisBroker, resolvedExperimentYaml, runRealExperiment, toRealConfig, type Experiment, type RealConfig } from '../experiment/index.js';
import { chartNames, human, writeResultFolder } from '../report/index.js';
import { InputError } from './errors.js';
import { checkOutDir } from './out-dir.js';
import { textTable } from './table.js';

export interface RealCommandOptions {
  out?: string;
  seed?: number;
  set: string[];
  redis?: string;
  swarms?: number;
  json?: boolean;
  quiet?: boolean;
}

const HEADLINE: [string, string][] = [
  ['clients.connected.final', 'clients connected at the end'],
  ['availability', 'availability (share of client-time connected)'],
  ['connect.attempts', 'connect attempts'],
  ['connect.succeeded', '  succeeded'],
  ['connect.refused', '  refused'],
  ['connect.failed', '  failed'],
  ['connect.latencyMs.p50', 'connect latency p50 (ms)'],
  ['connect.latencyMs.p99', 'connect latency p99 (ms)'],
  ['connections.dropped', 'connections dropped'],
  ['heartbeat.timeouts', 'heartbeat timeouts (server side)'],
  ['servers.connections.imbalance', 'connection imbalance at the end (max/mean)'],
  ['servers.cpu.utilization.mean', 'server CPU utilisation, mean'],
  ['recovery.ms95', 'recovery to 95 % after the fault (ms)'],
];

/** A `--redis` URL: redis:// on a loopback address, or an input error naming the flag. */
export function checkRedisUrl(url: string | undefined): string | null {
  if (url === undefined) return null;
  const parsed = URL.canParse(url) ? new URL(url) : null;
  if (parsed?.protocol !== 'redis:') throw new InputError(`✖ --redis ${url}: expected a URL such as redis://127.0.0.1:6379\nNothing was run or written.`);
  const host = parsed.hostname;
  if (!isLoopback(host)) throw new InputError(`✖ --redis ${url}: expected a loopback address (127.0.0.1, ::1 or localhost), got ${host}; real mode stays on this machine\nNothing was run or written.`);
  return url;
}

/** Loads an experiment and maps it to a real run, or throws an InputError listing every problem. */
export function loadRealExperiment(file: string, options: RealCommandOptions): { experiment: Experiment; config: RealConfig } {
  const redisUrl = checkRedisUrl(options.redis);
  const loaded = loadExperiment(file, { sets: options.set, chartNames: chartNames(), ...(options.seed === undefined ? {} : { seed: options.seed }) });
  if (!loaded.ok) throw new InputError(`${formatIssues(loaded.issues)}\nNothing was run or written.`);
  const { experiment } = loaded;
  if (experiment.sweep !== undefined) throw new InputError(`✖ ${file} sweep: expected no sweep in real mode (one run at a time)\nNothing was run or written.`);
  const mapped = toRealConfig(experiment, file, { redisUrl, ...(options.swarms === undefined ? {} : { swarms: options.swarms }) });
  if (!mapped.ok) throw new InputError(`${formatIssues(mapped.issues)}\nNothing was run or written.`);
  return { experiment, config: mapped.config };
}

/** A Redis that does not answer is a mistake in the command line: exit 2 before anything starts. */
export async function checkRedisReachable(config: RealConfig): Promise<void> {
  if (config.redisUrl === null || config.messages === null) return;
  if (!(await RedisBroker.reachable(config.redisUrl))) {
    throw new InputError(`✖ --redis ${config.redisUrl}: expected a Redis answering PING there; none did within 2 s\nNothing was run or written.`);
  }
}

export async function realCommand(file: string, options: RealCommandOptions): Promise<void> {
  const { experiment, config } = loadRealExperiment(file, options);
  await checkRedisReachable(config);
  const dir = options.out ?? join('results', `${experiment.name}-${String(experiment.seed)}-real`);
  checkOutDir(dir);
  const started = performance.now();
  const result = await runRealExperiment(config, options.quiet || options.json ? undefined : (line) => process.stderr.write(line + '\n'));
  const wallMs = performance.now() - started;
  const written = await writeResultFolder(dir, resolvedExperimentYaml(experiment), result, experiment.charts);
  if (options.json) {
    process.stdout.write(JSON.stringify({ dir: written.dir, summary: result.summary }) + '\n');
    return;
  }
  if (options.quiet) return;
  const rows = HEADLINE.filter(([key]) => key in result.summary).map(([key, label]) => [label, human(result.summary[key] as number)]);
  process.stdout.write(
    [
      `${experiment.name}: ran ${human(experiment.durationMs / 1000)} s on real sockets (127.0.0.1) in ${human(wallMs / 1000)} s`,
      '',
      textTable(rows),
      '',
      `Results in ${written.dir}/ (summary.json, summary.csv, timeseries.csv, events.csv, experiment.resolved.yaml)`,
      ...written.charts.map((c) => `Chart: ${c}`),
    ].join('\n') + '\n',
  );
}
