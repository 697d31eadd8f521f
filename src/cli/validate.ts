import { stringify } from 'csv-stringify/sync';
import { compareSummaries, DEFAULT_VALIDATION_METRICS, resolvedExperimentYaml, runExperiment, runRealExperiment } from '../experiment/index.js';
import * as report from '../report/index.js';
import { InputError } from './errors.js';
import { checkOutDir, defaultOutDir } from './out-dir.js';
import { checkRedisReachable, loadRealExperiment, type RealCommandOptions } from './real.js';
import { human, textTable } from './table.js';

export interface ValidateCommandOptions extends RealCommandOptions {
  metric: string[];
}

/**
 * Runs one experiment in the sim and on real sockets and writes `validation.csv` (metric, sim, real,
 * relative_error), the side-by-side chart, and both result folders (`sim/`, `real/`).
 */
export async function validateCommand(file: string, options: ValidateCommandOptions): Promise<void> {
  const { experiment, config } = loadRealExperiment(file, options);
  await checkRedisReachable(config);
  const metrics = options.metric.length > 0 ? options.metric : [...DEFAULT_VALIDATION_METRICS];
  const dir = options.out === undefined ? defaultOutDir(experiment, options, '-validation') : report.normaliseDir(options.out);
  checkOutDir(dir, options.force === true);
  // Real mode evaluates no alerts, so neither does the sim side of the comparison.
  const sim = runExperiment(experiment, { alerts: false });
  const unknown = metrics.filter((m) => !(m in sim.summary));
  if (unknown.length > 0) throw new InputError(`✖ --metric ${unknown.join(', ')}: expected summary metrics of a run, such as ${DEFAULT_VALIDATION_METRICS.join(', ')}\nNothing was run or written.`);
  const real = await runRealExperiment(config, options.quiet || options.json ? undefined : (line) => process.stderr.write(line + '\n'));
  const { rows, missing } = compareSummaries(sim.summary, real.summary, metrics);
  const resolved = resolvedExperimentYaml(experiment);
  const prefix = (folder: string, files: Record<string, string | Uint8Array>) => Object.fromEntries(Object.entries(files).map(([k, v]) => [`${folder}/${k}`, v]));
  const files = {
    ...prefix('sim', await report.runFiles(resolved, sim, experiment.charts)),
    ...prefix('real', await report.runFiles(resolved, real, experiment.charts)),
    'experiment.resolved.yaml': resolved,
    'validation.csv': stringify([['metric', 'sim', 'real', 'relative_error'], ...rows.map((r) => [r.metric, report.cell(r.sim), report.cell(r.real), report.cell(r.relativeError)])]),
    ...(await report.chartFiles('validation', report.validationChart(`${experiment.name}: sim vs real`, rows))),
    ...(await report.chartFiles('validation-connected', report.seriesByVariantChart('clients.connected', [{ variant: 'sim', table: sim.timeseries }, { variant: 'real', table: real.timeseries }]))),
  };
  report.commitFolder(dir, files, { force: options.force === true });
  if (options.json) {
    process.stdout.write(JSON.stringify({ dir, rows, missing }) + '\n');
    return;
  }
  if (options.quiet) return;
  const table = [['metric', 'sim', 'real', 'relative error'], ...rows.map((r) => [r.metric, human(r.sim), human(r.real), Number.isFinite(r.relativeError) ? `${(r.relativeError * 100).toFixed(1)} %` : '∞'])];
  process.stdout.write(`${experiment.name}: sim vs real\n\n${textTable(table)}\n${missing.length > 0 ? `\nNot measured in real mode: ${missing.join(', ')}\n` : ''}\nResults in ${dir}/ (validation.csv, charts/validation.png, sim/, real/)\n`);
}
