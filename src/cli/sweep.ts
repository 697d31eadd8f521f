import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { defaultOutDir } from './out-dir.js';
import { join } from 'node:path';
import {
  defaultJobs,
  encodeRunRecord,
  estimateBatch,
  dedupeIssues,
  formatIssues,
  loadExperiment,
  planSweep as planSweepTasks,
  resolvedExperimentYaml,
  roundResult,
  runPool,
  runRecordName,
  variantStats,
  type Experiment,
  type SweepTask,
  type VariantStats,
} from '../experiment/index.js';
import type { RunRecord, RunResult } from '../experiment/index.js';
import { chartNames, commitFolder, compareCells, normaliseDir, sweepNotReached, type FolderFiles, type NotReached } from '../report/index.js';
import { InputError } from './errors.js';
import { checkNamesAgainstResult } from './chart-checks.js';
import { Progress } from './progress.js';
import { assembleSweep, flatSummary, readRunRecords } from './sweep-folder.js';
import { textTable } from './table.js';
import type { RunCommandOptions, Shard } from './run-options.js';
import { checkBudget } from './limits.js';
import { EXIT } from './errors.js';

export type { Shard } from './run-options.js';

/** Every variant × replication, loaded first so a bad grid value fails before any work; replications vary fastest. */
export function planSweep(file: string, base: Experiment, sets: readonly string[], scale = 1): SweepTask[] {
  const plan = planSweepTasks(base, (overrides, seed) => loadExperiment(file, { sets, overrides, seed, scale, chartNames: chartNames() }));
  if (!plan.ok) throw new InputError(`${formatIssues(dedupeIssues(plan.issues))}\nNothing was run or written.`);
  return plan.tasks;
}

/** Run `k` (in plan order) belongs to shard `((k mod count) + 1)`: shards get interleaved runs, so equal work. */
export function inShard(k: number, shard: Shard | undefined): boolean {
  return shard === undefined || k % shard.count === shard.index - 1;
}

/** What a finished run keeps: the summary always, the full run for the first replication (for every one with `all`). */
function toRecord(task: SweepTask, raw: RunResult, all: boolean): RunRecord {
  const record: RunRecord = { variant: task.variant, label: task.label, replication: task.replication, seed: task.seed, summary: raw.summary };
  if (task.replication > 0 && !all) return record;
  const { timeseries, events, distributions } = roundResult(raw);
  return { ...record, resolvedYaml: resolvedExperimentYaml(task.experiment), timeseries, events, ...(distributions === undefined ? {} : { distributions }) };
}

/** The default folder of a sweep, or of one shard of it. */
export function sweepDir(base: Experiment, options: Pick<RunCommandOptions, 'out' | 'shard' | 'set' | 'scale' | 'sweep'>): string {
  if (options.out !== undefined) return normaliseDir(options.out);
  const { shard } = options;
  return defaultOutDir(base, options, shard === undefined ? '' : `-shard-${String(shard.index)}-of-${String(shard.count)}`);
}

/**
 * Runs a sweep on the worker pool. Each finished run is written at once to a working folder, so
 * Ctrl-C keeps it; at the end the folder is assembled from those files (or kept as a shard).
 */
export async function runSweepCommand(file: string, base: Experiment, options: RunCommandOptions): Promise<void> {
  const sweep = base.sweep;
  if (sweep === undefined) throw new TypeError('Expected an experiment with a sweep block');
  const all = planSweep(file, base, options.set, options.scale);
  const tasks = all.filter((_, k) => inShard(k, options.shard));
  checkBudget(estimateBatch(tasks.map((t) => t.experiment), options.jobs ?? defaultJobs()), options.maxMemory, file);
  const dir = sweepDir(base, options);
  const work = `${dir}.runs-${String(process.pid)}`;
  const baseYaml = resolvedExperimentYaml(base);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'runs'), { recursive: true });
  writeFileSync(join(work, 'experiment.resolved.yaml'), baseYaml);
  const progress = new Progress(tasks.length, base.durationMs, { quiet: options.quiet === true || options.json === true });
  const abort = new AbortController();
  const onSigint = (): void => {
    abort.abort();
  };
  process.once('SIGINT', onSigint);
  // The wall-time limit stops the sweep as Ctrl-C does, with its own exit code.
  const wall = { limited: false };
  const wallTimer =
    options.maxWall === undefined
      ? undefined
      : setTimeout(() => {
          wall.limited = true;
          abort.abort();
        }, options.maxWall);
  let finished = 0;
  try {
    const outcome = await runPool(
      tasks.map((t) => t.experiment),
      {
        ...(options.jobs === undefined ? {} : { jobs: options.jobs }),
        signal: abort.signal,
        onProgress: (id, nowMs, events) => {
          progress.update(id, nowMs, events);
        },
        onDone: (id, result) => {
          const task = tasks[id] as SweepTask;
          if (finished === 0) checkNamesAgainstResult(file, base, result);
          writeFileSync(join(work, 'runs', runRecordName(task.variant, task.replication)), encodeRunRecord(toRecord(task, result, options.allReplications === true)));
          finished++;
          progress.done(id, `${task.label} #${String(task.replication + 1)}`);
        },
      },
    );
    progress.finish();
    if (outcome === 'aborted' || options.shard !== undefined) {
      keepShard(work, dir, base, options, tasks.length, finished, outcome === 'aborted');
      if (outcome === 'aborted') {
        const why = wall.limited ? `Stopped after --max-wall ${String((options.maxWall ?? 0) / 1000)} s of wall time` : 'Interrupted';
        process.stderr.write(`${why}: kept ${String(finished)} of ${String(tasks.length)} finished runs in ${join(dir, 'runs')}/; nothing else was written. Join them with other runs by wsfleet merge.\n`);
        process.exitCode = wall.limited ? EXIT.wallLimit : EXIT.interrupted;
      } else if (!options.quiet) {
        reportShard(dir, options, finished);
      }
      return;
    }
    const runs = readRunRecords(work);
    commitFolder(dir, await assembleSweep(base, baseYaml, runs), { force: options.force === true });
    rmSync(work, { recursive: true, force: true });
    const records = [...runs.values()].map((r) => r.record);
    const stats = variantStats(records);
    if (options.json) process.stdout.write(JSON.stringify({ dir, summary: flatSummary(stats) }) + '\n');
    else if (!options.quiet) process.stdout.write(report(base, stats, sweepNotReached(records), dir));
  } catch (error) {
    progress.finish();
    rmSync(work, { recursive: true, force: true });
    throw error;
  } finally {
    clearTimeout(wallTimer);
    process.removeListener('SIGINT', onSigint);
  }
}

/** The manifest of a partial folder: which experiment, which slice, and how much of it ran. */
export interface ShardManifest {
  experiment: string;
  shard: string;
  runs: number;
  finished: number;
  interrupted: boolean;
}

function keepShard(work: string, dir: string, base: Experiment, options: RunCommandOptions, runs: number, finished: number, interrupted: boolean): void {
  const { shard } = options;
  const manifest: ShardManifest = {
    experiment: base.name,
    shard: shard === undefined ? '1/1' : `${String(shard.index)}/${String(shard.count)}`,
    runs,
    finished,
    interrupted,
  };
  writeFileSync(join(work, 'shard.json'), JSON.stringify(manifest, null, 2) + '\n');
  const files: FolderFiles = {};
  for (const name of ['experiment.resolved.yaml', 'shard.json']) files[name] = readFileSync(join(work, name));
  for (const name of readdirSync(join(work, 'runs'))) files[`runs/${name}`] = readFileSync(join(work, 'runs', name));
  commitFolder(dir, files, { force: options.force === true });
  rmSync(work, { recursive: true, force: true });
}

function reportShard(dir: string, options: RunCommandOptions, finished: number): void {
  if (options.json) {
    process.stdout.write(JSON.stringify({ dir, shard: options.shard, runs: finished }) + '\n');
    return;
  }
  process.stdout.write(`Shard ${String(options.shard?.index)}/${String(options.shard?.count)}: ${String(finished)} runs in ${dir}/runs/. Join all shards with: wsfleet merge DIR... --out DIR\n`);
}

/** The compared metrics by variant, as report.html's table words them: "not reached", and each against the best. */
function report(base: Experiment, stats: VariantStats[], never: ReadonlyMap<number, Record<string, NotReached>>, dir: string): string {
  const metrics = base.sweep?.compare.length ? base.sweep.compare : ['availability', 'connect.latencyMs.p99'];
  const header = ['variant', ...metrics];
  const columns = metrics.map((m) => compareCells(m, stats.map((s) => s.metrics[m]), stats.map((s) => never.get(s.variant)?.[m])));
  const rows = stats.map((s, k) => [s.label, ...columns.map((c) => c[k] ?? '-')]);
  return `${base.name}: ${String(stats.length)} variants × ${String(base.sweep?.replications ?? 1)} replications\n\n${textTable([header, ...rows])}\n\nResults in ${dir}/ (summary.csv, sweep.csv, runs/, variants/, charts/)\n`;
}
