import { performance } from 'node:perf_hooks';
import { formatIssues, isLoopback, type RealStack, loadExperiment, RedisBroker, resolvedExperimentYaml, runRealExperiment, toRealConfig, type Experiment, type InputIssue, type RealConfig } from '../experiment/index.js';
import { chartNames, human, normaliseDir, writeResultFolder } from '../report/index.js';
import type { SummaryKey } from '../experiment/index.js';
import { InputError } from './errors.js';
import { checkOutDir, defaultOutDir } from './out-dir.js';
import { textTable } from './table.js';

export interface RealCommandOptions {
  out?: string;
  seed?: number;
  set: string[];
  redis?: string;
  swarms?: number;
  /** The software on the sockets; default the file's validate.stack, else ws. */
  stack?: RealStack;
  json?: boolean;
  quiet?: boolean;
  /** Replace the out folder even when it holds files wsfleet did not write. */
  force?: boolean;
}

const HEADLINE: [SummaryKey, string][] = [
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
  if (redisUrl !== null && experiment.messages === null) {
    throw new InputError(`✖ --redis ${redisUrl}: ${file} has no messages: section, so there is nothing for Redis to carry; expected an experiment with messages, or no --redis\nNothing was run or written.`);
  }
  const mapped = toRealConfig(experiment, file, { redisUrl, ...(options.stack === undefined ? {} : { stack: options.stack }), ...(options.swarms === undefined ? {} : { swarms: options.swarms }) });
  if (!mapped.ok) throw new InputError(`${formatIssues(mapped.issues.map((i) => blameSet(i, options.set)))}\nNothing was run or written.`);
  return { experiment, config: mapped.config };
}

/** A real-mode refusal of a value that a `--set` flag wrote (at the path or inside it) names that flag. */
function blameSet(issue: InputIssue, sets: readonly string[]): InputIssue {
  const path = issue.path.join('.');
  const flag = [...sets].reverse().find((s) => {
    const at = s.slice(0, Math.max(0, s.indexOf('=')));
    return at === path || at.startsWith(`${path}.`) || path.startsWith(`${at}.`);
  });
  return flag === undefined ? issue : { source: `--set ${flag}`, path: issue.path, message: issue.message };
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
  const dir = options.out === undefined ? defaultOutDir(experiment, options, '-real') : normaliseDir(options.out);
  checkOutDir(dir, options.force === true);
  const started = performance.now();
  const result = await runRealExperiment(config, options.quiet || options.json ? undefined : (line) => process.stderr.write(line + '\n'));
  const wallMs = performance.now() - started;
  const written = await writeResultFolder(dir, resolvedExperimentYaml(experiment), result, experiment.charts, { force: options.force === true });
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
      `Results in ${written.dir}/ (summary.json, summary.csv, timeseries.csv, events.csv, distributions.csv, experiment.resolved.yaml)`,
      ...written.charts.map((c) => `Chart: ${c}`),
    ].join('\n') + '\n',
  );
}
