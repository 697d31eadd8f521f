import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from '../experiment/index.js';
import { normaliseDir, planFolderFiles, singleRunFiles, updateFolder } from '../report/index.js';
import { isPlanFolder, readPlanFolder } from './plan.js';
import { InputError } from './errors.js';
import { loadResolved } from './result-files.js';
import { parseDistributions, parseEvents, parseSummary, parseTimeseries, readResultFile } from './result-files.js';
import { assembleSweep, readRunRecords } from './sweep-folder.js';

/** The files `wsfleet report` draws: charts and pages, at the top or in a variant's folder. */
const REPORT_FILE = /^(?:variants\/[^/]+\/)?(?:charts\/[^/]+|report\.html)$/;

/** A single run's result, read back from its files. */
function readRun(dir: string): RunResult {
  const read = (name: string): string => readResultFile(dir, name);
  const result: RunResult = {
    summary: parseSummary(join(dir, 'summary.json'), read('summary.json')),
    timeseries: parseTimeseries(join(dir, 'timeseries.csv'), read('timeseries.csv')),
    events: parseEvents(join(dir, 'events.csv'), read('events.csv')),
  };
  if (existsSync(join(dir, 'distributions.csv'))) result.distributions = parseDistributions(join(dir, 'distributions.csv'), read('distributions.csv'));
  return result;
}

/**
 * Redraws charts and report.html of a result folder from its files; nothing is run again, and
 * only those files are written: data files and anything else in the folder stay as they are.
 */
export async function reportCommand(dirArg: string, options: { json?: boolean; quiet?: boolean }): Promise<void> {
  const dir = normaliseDir(dirArg);
  const { experiment, yaml } = loadResolved(dir);
  let files;
  if (isPlanFolder(dir)) {
    const { plan, chosen } = readPlanFolder(dir);
    files = await planFolderFiles(plan, chosen, yaml);
  } else if (experiment.sweep !== undefined) {
    if (existsSync(join(dir, 'shard.json'))) {
      throw new InputError(`✖ ${dir}: a shard or interrupted sweep (shard.json); expected a whole sweep: join shards first with wsfleet merge\nNothing was written.`);
    }
    files = await assembleSweep(experiment, yaml, readRunRecords(dir));
  } else {
    files = await singleRunFiles(yaml, readRun(dir), experiment.charts);
  }
  const written = updateFolder(dir, files, (path) => REPORT_FILE.test(path));
  const charts = written.filter((f) => /^charts\/.+\.png$/.test(f));
  if (options.json) process.stdout.write(JSON.stringify({ dir, report: join(dir, 'report.html'), charts: charts.map((c) => join(dir, c)) }) + '\n');
  else if (!options.quiet) process.stdout.write(`Redrew ${String(charts.length)} charts and report.html in ${dir}/\n`);
}
