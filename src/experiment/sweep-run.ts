import { meanCi, type MeanCi, type RunRecord, type RunResult, type Summary } from '../metrics/index.js';
import type { InputIssue } from './issues.js';
import { readExperiment, type ExperimentInput, type LoadOptions, type LoadResult } from './load.js';
import type { SetFlag } from './overrides.js';
import { runPool } from './pool.js';
import { runExperiment } from './run.js';
import type { Experiment } from './schema/experiment.js';
import { expandGrid, replicationSeed } from './sweep.js';

/** One run of a sweep: a variant at one replication. */
export interface SweepTask {
  variant: number;
  label: string;
  replication: number;
  seed: number;
  experiment: Experiment;
}

/** A variant's label and its metrics over replications. */
export interface VariantStats {
  variant: number;
  label: string;
  metrics: Record<string, MeanCi>;
}

/** Loads the experiment again with a variant's values and a replication's seed (undefined: the variant's own, to be checked). */
export type VariantLoader = (overrides: readonly SetFlag[], seed: number | undefined) => LoadResult;

/**
 * Every variant × replication, each loaded (so a bad grid value is found before any work),
 * replications varying fastest. Issues of every variant come back together. Replication r runs
 * with replicationSeed(seed, r) from the variant's seed: the grid's when it varies `seed`, the
 * experiment's otherwise (a grid value that is no seed is loaded as given, so the schema names it).
 */
export function planSweep(base: Experiment, load: VariantLoader): { ok: true; tasks: SweepTask[] } | { ok: false; issues: InputIssue[] } {
  const sweep = base.sweep;
  if (sweep === undefined) throw new TypeError('Expected an experiment with a sweep block');
  const issues: InputIssue[] = [];
  const tasks = expandGrid(sweep.grid).flatMap((variant) =>
    Array.from({ length: sweep.replications }, (_, replication) => {
      const grid = variant.overrides.find((o) => o.path.length === 1 && o.path[0] === 'seed');
      const from = grid === undefined ? base.seed : grid.value;
      // A grid value that is no seed is loaded as the grid gave it, so the issue points at the grid, not at a --seed.
      const valid = typeof from === 'number' && Number.isInteger(from) && from >= 0 && from < 2 ** 32;
      const loaded = load(variant.overrides, valid ? replicationSeed(from, replication) : undefined);
      if (!loaded.ok) issues.push(...loaded.issues);
      const experiment = loaded.ok ? loaded.experiment : base;
      return { variant: variant.index, label: variant.label, replication, seed: experiment.seed, experiment };
    }),
  );
  return issues.length > 0 ? { ok: false, issues } : { ok: true, tasks };
}

/** Per-variant means and 95 % confidence intervals, variants in grid order. */
export function variantStats(records: readonly Pick<RunRecord, 'variant' | 'label' | 'replication' | 'summary'>[]): VariantStats[] {
  const byVariant = new Map<number, Pick<RunRecord, 'label' | 'replication' | 'summary'>[]>();
  for (const r of records) byVariant.set(r.variant, [...(byVariant.get(r.variant) ?? []), r]);
  return [...byVariant.keys()]
    .sort((a, b) => a - b)
    .map((v) => {
      const runs = (byVariant.get(v) ?? []).sort((a, b) => a.replication - b.replication);
      const keys = Object.keys(runs[0]?.summary ?? {});
      return { variant: v, label: runs[0]?.label ?? '', metrics: Object.fromEntries(keys.map((k) => [k, meanCi(runs.map((r) => r.summary[k] ?? Number.NaN))])) };
    });
}

/** One finished run of a sweep, in memory. */
export interface SweepRun {
  variant: number;
  label: string;
  replication: number;
  seed: number;
  summary: Summary;
}

/** A finished sweep: the base experiment, every run's summary, and each variant's means with 95 % confidence intervals. */
export interface SweepResult {
  experiment: Experiment;
  runs: SweepRun[];
  variants: VariantStats[];
}

/** Options of {@link runSweep}: how to load the experiment, and where to run it. */
export interface RunSweepOptions extends LoadOptions {
  /** Worker threads; 1 runs every simulation in this thread, one after another. @default 1 */
  jobs?: number;
  /** Called after each run, in completion order. */
  onRun?: (run: SweepRun, result: RunResult) => void;
}

export type RunSweepResult = { ok: true; sweep: SweepResult } | { ok: false; issues: InputIssue[] };

/**
 * Loads an experiment with a `sweep:` block and runs every variant × replication, in this thread or
 * on `jobs` worker threads (the numbers are the same either way). Problems with the input come back as issues.
 */
export async function runSweep(input: ExperimentInput, options: RunSweepOptions = {}): Promise<RunSweepResult> {
  const { jobs = 1, onRun, ...load } = options;
  if (!(Number.isInteger(jobs) && jobs >= 1)) throw new TypeError(`Expected \`jobs\` to be a whole number from 1 and up, got ${String(jobs)}`);
  const base = readExperiment(input, load);
  if (!base.ok) return base;
  const name = 'file' in input ? input.file : (input.name ?? ('yaml' in input ? '<yaml>' : '<object>'));
  if (base.experiment.sweep === undefined) return { ok: false, issues: [{ source: name, path: ['sweep'], message: 'required: expected a sweep block (runExperiment runs a single experiment)' }] };
  const plan = planSweep(base.experiment, (overrides, seed) => readExperiment(input, { ...load, overrides: [...(load.overrides ?? []), ...overrides], seed }));
  if (!plan.ok) return plan;
  const runs: SweepRun[] = [];
  const done = (task: SweepTask, result: RunResult): void => {
    const run = { variant: task.variant, label: task.label, replication: task.replication, seed: task.seed, summary: result.summary };
    runs.push(run);
    onRun?.(run, result);
  };
  if (jobs === 1) {
    for (const task of plan.tasks) done(task, runExperiment(task.experiment));
  } else {
    await runPool(
      plan.tasks.map((t) => t.experiment),
      {
        jobs,
        onDone: (id, result) => {
          done(plan.tasks[id] as SweepTask, result);
        },
      },
    );
  }
  runs.sort((a, b) => a.variant - b.variant || a.replication - b.replication);
  return { ok: true, sweep: { experiment: base.experiment, runs, variants: variantStats(runs) } };
}
