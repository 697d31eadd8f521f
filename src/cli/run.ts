import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { estimateRun, formatIssues, loadExperiment, resolvedExperimentYaml, runExperiment } from '../experiment/index.js';
import { chartNames, HEADLINE, human, writeResultFolder } from '../report/index.js';
import type { Summary } from '../experiment/index.js';
import { LaneWorker, laneWorkerWanted } from '../experiment/lane-helper.js';
import { InputError } from './errors.js';
import { checkChartsBeforeRun, checkNamesAgainstResult } from './chart-checks.js';
import { runSweepCommand, sweepDir } from './sweep.js';
import type { RunCommandOptions } from './run-options.js';
import { Progress } from './progress.js';
import { checkOutDir } from './out-dir.js';
import { checkBudget, WallLimitError } from './limits.js';
import { EXIT } from './errors.js';
import { textTable } from './table.js';

export type { RunCommandOptions } from './run-options.js';
import { checkProfilePath, startCpuProfile } from './cpu-profile.js';


export async function runCommand(file: string, options: RunCommandOptions): Promise<void> {
  const loaded = loadExperiment(file, {
    sets: options.set,
    chartNames: chartNames(),
    noSweep: options.sweep === false,
    ...(options.scale === undefined ? {} : { scale: options.scale }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  if (!loaded.ok) throw new InputError(`${formatIssues(loaded.issues)}\nNothing was run or written.`);
  const { experiment } = loaded;
  const dir = sweepDir(experiment, options);
  checkOutDir(dir, options.force === true);
  if (options.shard !== undefined && experiment.sweep === undefined) {
    throw new InputError(`✖ --shard ${String(options.shard.index)}/${String(options.shard.count)}: ${file} has no sweep block; expected a sweep to split\nNothing was run or written.`);
  }
  checkChartsBeforeRun(file, experiment);
  if (experiment.sweep !== undefined && options.profile !== undefined) {
    throw new InputError(`✖ --profile: ${file} is a sweep, whose runs go to worker threads; expected a single run (profile one variant with --no-sweep and --set)\nNothing was run or written.`);
  }
  if (typeof options.profile === 'string') checkProfilePath(options.profile);
  if (experiment.sweep !== undefined) {
    await runSweepCommand(file, experiment, options);
    return;
  }
  checkBudget(estimateRun(experiment), options.maxMemory, file);
  const profiler = options.profile === undefined ? null : await startCpuProfile();
  const started = performance.now();
  const deadline = started + (options.maxWall ?? Infinity);
  const progress = new Progress(1, experiment.durationMs, { quiet: options.quiet === true || options.json === true });
  let result;
  // The cohort heartbeat's lanes also advance on the second core; the result is the same without it.
  const laneWorker = laneWorkerWanted() ? new LaneWorker() : null;
  try {
    result = runExperiment(experiment, {
      onProgress: (nowMs, events) => {
        progress.update(0, nowMs, events);
        if (performance.now() > deadline) throw new WallLimitError(options.maxWall ?? 0);
      },
      ...(laneWorker === null ? {} : { laneHelper: laneWorker }),
    });
  } catch (error) {
    laneWorker?.close();
    progress.finish();
    if (!(error instanceof WallLimitError)) throw error;
    process.stderr.write(`Stopped: ${file} ran past --max-wall ${String((options.maxWall ?? 0) / 1000)} s of wall time; no result folder was written.\n`);
    process.exitCode = EXIT.wallLimit;
    return;
  }
  laneWorker?.close();
  progress.finish();
  if (laneWorker?.error != null) process.stderr.write(`wsfleet: warning: the lane worker stopped (${laneWorker.error.message}); the run finished on one thread, with the same results\n`);
  checkNamesAgainstResult(file, experiment, result);
  const wallMs = performance.now() - started;
  const written = await writeResultFolder(dir, resolvedExperimentYaml(experiment), result, experiment.charts, { force: options.force === true });
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
