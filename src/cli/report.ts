import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { CdfPoint, RunEvent, RunResult, Summary, Table } from '../metrics/index.js';
import { commitFolder, singleRunFiles } from '../report/index.js';
import { InputError } from './errors.js';
import { loadResolved } from './merge.js';
import { assembleSweep, readRunRecords } from './sweep-folder.js';

function readFile(dir: string, name: string): string {
  const file = join(dir, name);
  if (!existsSync(file)) throw new InputError(`✖ ${file}: missing; expected a complete wsfleet result folder\nNothing was written.`);
  return readFileSync(file, 'utf8');
}

/** timeseries.csv back into a table: every cell is a number. */
export function parseTimeseries(text: string): Table {
  const [columns = [], ...rows] = parse(text) as string[][];
  return { columns, rows: rows.map((r) => r.map(Number)) };
}

function parseDistributions(text: string): Record<string, CdfPoint[]> {
  const out: Record<string, CdfPoint[]> = {};
  for (const row of parse(text, { columns: true }) as { metric: string; percentile: string; valueMs: string }[]) {
    (out[row.metric] ??= []).push({ percentile: Number(row.percentile), valueMs: Number(row.valueMs) });
  }
  return out;
}

function parseEvents(text: string): RunEvent[] {
  return (parse(text, { columns: true }) as { atMs: string; kind: string; detail: string }[]).map((e) => ({ atMs: Number(e.atMs), kind: e.kind, detail: e.detail }));
}

/** Redraws charts and report.html of a result folder from its files; nothing is run again. */
export async function reportCommand(dir: string, options: { json?: boolean; quiet?: boolean }): Promise<void> {
  const { experiment, yaml } = loadResolved(dir);
  let files;
  if (experiment.sweep !== undefined) {
    if (existsSync(join(dir, 'shard.json'))) {
      throw new InputError(`✖ ${dir}: a shard or interrupted sweep (shard.json); expected a whole sweep: join shards first with wsfleet merge\nNothing was written.`);
    }
    files = await assembleSweep(experiment, yaml, readRunRecords(dir));
  } else {
    const result: RunResult = {
      summary: JSON.parse(readFile(dir, 'summary.json'), (_k, v: unknown) => (v === null ? Number.NaN : v)) as Summary,
      timeseries: parseTimeseries(readFile(dir, 'timeseries.csv')),
      events: parseEvents(readFile(dir, 'events.csv')),
    };
    if (existsSync(join(dir, 'distributions.csv'))) result.distributions = parseDistributions(readFile(dir, 'distributions.csv'));
    files = await singleRunFiles(yaml, result, experiment.charts);
  }
  const written = commitFolder(dir, files);
  const charts = written.filter((f) => /^charts\/.+\.png$/.test(f));
  if (options.json) process.stdout.write(JSON.stringify({ dir, report: join(dir, 'report.html'), charts: charts.map((c) => join(dir, c)) }) + '\n');
  else if (!options.quiet) process.stdout.write(`Redrew ${String(charts.length)} charts and report.html in ${dir}/\n`);
}
