import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import {
  expandGrid,
  formatIssues,
  loadExperiment,
  replicationSeed,
  resolvedExperimentYaml,
  toSimConfig,
  variantFolder,
  type Experiment,
  type InputIssue,
  type Variant,
} from '../experiment/index.js';
import { runSimulation } from '../sim/index.js';
import { meanCi, type MeanCi, type RunResult, type Summary } from '../metrics/index.js';
import { chartNames } from '../report/fleet-charts.js';
import { InputError } from './errors.js';
import { human, textTable } from './table.js';
import type { RunCommandOptions } from './run.js';

interface VariantRuns {
  variant: Variant;
  runs: { replication: number; seed: number; experiment: Experiment; result?: RunResult }[];
}

/** Loads every variant × replication first, so a bad grid value fails before any work. */
function loadVariants(file: string, base: Experiment, options: RunCommandOptions): VariantRuns[] {
  const sweep = base.sweep;
  if (sweep === undefined) throw new TypeError('Expected an experiment with a sweep block');
  const issues: InputIssue[] = [];
  const out = expandGrid(sweep.grid).map((variant) => ({
    variant,
    runs: Array.from({ length: sweep.replications }, (_, replication) => {
      const seed = replicationSeed(base.seed, replication);
      const loaded = loadExperiment(file, { sets: options.set, overrides: variant.overrides, seed, chartNames: chartNames() });
      if (!loaded.ok) issues.push(...loaded.issues);
      return { replication, seed, experiment: loaded.ok ? loaded.experiment : base };
    }),
  }));
  if (issues.length > 0) throw new InputError(`${formatIssues(dedupe(issues))}\nNothing was run or written.`);
  return out;
}

function dedupe(issues: InputIssue[]): InputIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.source}|${i.path.join('.')}|${i.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** Runs a sweep: every variant of the grid, each replicated, written as one result folder. */
export async function runSweep(file: string, base: Experiment, options: RunCommandOptions): Promise<void> {
  const sweep = base.sweep;
  if (sweep === undefined) throw new TypeError('Expected an experiment with a sweep block');
  const variants = loadVariants(file, base, options);
  // The first run names the metrics, so a misspelt compare entry fails before the rest run.
  let checked = false;
  for (const v of variants) {
    for (const run of v.runs) {
      run.result = runSimulation(toSimConfig(run.experiment));
      if (!checked) checkCompare(file, sweep.compare, run.result.summary);
      checked = true;
    }
  }
  const stats = variants.map((v) => summarizeVariant(v));
  const { commitFolder, runFiles, chartFiles, compareChart, seriesByVariantChart } = await import('../report/index.js');
  const files: Record<string, string | Uint8Array> = { 'experiment.resolved.yaml': resolvedExperimentYaml(base) };
  for (const v of variants) {
    const run = v.runs[0];
    if (run?.result === undefined) continue;
    const own = await runFiles(resolvedExperimentYaml(run.experiment), run.result, run.experiment.charts);
    for (const [name, content] of Object.entries(own)) files[`variants/${variantFolder(v.variant)}/${name}`] = content;
  }
  files['sweep.csv'] = sweepCsv(variants);
  files['summary.csv'] = stringify([
    ['variant', 'metric', 'mean', 'ci95', 'n'],
    ...stats.flatMap((s) => Object.entries(s.metrics).map(([m, c]) => [s.label, m, String(c.mean), String(c.ci95), String(c.n)])),
  ]);
  files['summary.json'] = JSON.stringify(flatSummary(stats), null, 2) + '\n';
  for (const metric of sweep.compare) {
    Object.assign(files, await chartFiles(`compare-${metric}`, compareChart(metric, stats.map((s) => ({ variant: s.label, ...(s.metrics[metric] as MeanCi) })))));
  }
  for (const column of sweep.compareSeries) {
    const runs = variants.flatMap((v) => (v.runs[0]?.result ? [{ variant: v.variant.label, table: v.runs[0].result.timeseries }] : []));
    Object.assign(files, await chartFiles(`series-${column}`, seriesByVariantChart(column, runs)));
  }
  const dir = options.out ?? join('results', `${base.name}-${String(base.seed)}`);
  commitFolder(dir, files);
  if (options.json) process.stdout.write(JSON.stringify({ dir, summary: flatSummary(stats) }) + '\n');
  else if (!options.quiet) process.stdout.write(report(base, stats, dir));
}

function checkCompare(file: string, compare: readonly string[], summary: Summary): void {
  const unknown = compare.filter((m) => !(m in summary));
  if (unknown.length === 0) return;
  const known = Object.keys(summary).join(', ');
  throw new InputError(`✖ ${file} sweep.compare: unknown metric ${unknown.join(', ')}; expected one of: ${known}\nNothing was written.`);
}

interface VariantStats {
  label: string;
  metrics: Record<string, MeanCi>;
}

function summarizeVariant(v: VariantRuns): VariantStats {
  const summaries = v.runs.flatMap((r) => (r.result ? [r.result.summary] : []));
  const keys = Object.keys(summaries[0] ?? {});
  return { label: v.variant.label, metrics: Object.fromEntries(keys.map((k) => [k, meanCi(summaries.map((s) => s[k] as number))])) };
}

/** `variants.<n>.<metric>.mean` and `.ci95`: one flat object, like a single run's summary. */
function flatSummary(stats: VariantStats[]): Summary {
  const out: Summary = {};
  stats.forEach((s, k) => {
    for (const [m, c] of Object.entries(s.metrics)) {
      out[`variants.${String(k + 1)}.${m}.mean`] = Number(c.mean.toPrecision(9));
      out[`variants.${String(k + 1)}.${m}.ci95`] = Number(c.ci95.toPrecision(9));
    }
  });
  return out;
}

function sweepCsv(variants: VariantRuns[]): string {
  const keys = Object.keys(variants[0]?.runs[0]?.result?.summary ?? {});
  const rows = variants.flatMap((v) =>
    v.runs.map((r) => [String(v.variant.index + 1), v.variant.label, String(r.replication), String(r.seed), ...keys.map((k) => String(r.result?.summary[k] ?? ''))]),
  );
  return stringify([['variant', 'label', 'replication', 'seed', ...keys], ...rows]);
}

function report(base: Experiment, stats: VariantStats[], dir: string): string {
  const metrics = base.sweep?.compare.length ? base.sweep.compare : ['availability', 'connect.latencyMs.p99'];
  const header = ['variant', ...metrics];
  const rows = stats.map((s) => [s.label, ...metrics.map((m) => formatCi(s.metrics[m]))]);
  return `${base.name}: ${String(stats.length)} variants × ${String(base.sweep?.replications ?? 1)} replications\n\n${textTable([header, ...rows])}\n\nResults in ${dir}/ (summary.csv, sweep.csv, variants/, charts/)\n`;
}

function formatCi(c: MeanCi | undefined): string {
  if (c === undefined) return '-';
  return c.n > 1 ? `${human(c.mean)} ± ${human(c.ci95)}` : human(c.mean);
}
