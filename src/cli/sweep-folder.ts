/**
 * A sweep's result folder, assembled from run records only:
 *
 *   runs/*.json ──readRunRecords──► RunRecord[] ──assembleSweep──► FolderFiles
 *
 * `wsfleet run`, `wsfleet merge` and `wsfleet report` all go through here, so an unsharded sweep,
 * merged shards and a re-rendered folder are the same bytes.
 */
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { expandGrid, variantFolder, variantStats, type Experiment, type VariantStats } from '../experiment/index.js';
import type { MeanCi, RunRecord, RunResult, Summary } from '../experiment/index.js';
import { chartFiles, compareCells, compareChart, COMPARE_TABLE_NOTE, markers, runFiles, seriesByVariantChart, shortVariantLabels, sweepCharts, sweepNotReached, sweepStory, withReport, type FolderFiles, type HtmlTable, type NotReached } from '../report/index.js';
import { InputError } from './errors.js';
import { parseRunRecord } from './result-files.js';

/** Run records of a folder's `runs/`, by file name, with their exact text. */
export function readRunRecords(dir: string): Map<string, { text: string; record: RunRecord }> {
  const runs = join(dir, 'runs');
  const out = new Map<string, { text: string; record: RunRecord }>();
  if (!existsSync(runs)) return out;
  if (!lstatSync(runs).isDirectory()) throw new InputError(`✖ ${runs}: expected a folder of run records\nNothing was written.`);
  for (const name of readdirSync(runs).filter((f) => f.endsWith('.json')).sort()) {
    const file = join(runs, name);
    if (!lstatSync(file).isFile()) throw new InputError(`✖ ${file}: expected a run record file\nNothing was written.`);
    const text = readFileSync(file, 'utf8');
    out.set(name, { text, record: parseRunRecord(file, name, text) });
  }
  return out;
}

/** `variants.<n>.<metric>.mean` and `.ci95`: one flat object, like a single run's summary. */
export function flatSummary(stats: readonly VariantStats[]): Summary {
  const out: Summary = {};
  stats.forEach((s, k) => {
    for (const [m, c] of Object.entries(s.metrics)) {
      out[`variants.${String(k + 1)}.${m}.mean`] = Number(c.mean.toPrecision(9));
      out[`variants.${String(k + 1)}.${m}.ci95`] = Number(c.ci95.toPrecision(9));
    }
  });
  return out;
}

/** Builds every file of a sweep folder from the base experiment and the run records (sorted by name). */
export async function assembleSweep(base: Experiment, baseYaml: string, runs: ReadonlyMap<string, { text: string; record: RunRecord }>): Promise<FolderFiles> {
  const sweep = base.sweep;
  if (sweep === undefined) throw new TypeError('Expected an experiment with a sweep block');
  const names = [...runs.keys()].sort();
  const records = names.map((n) => (runs.get(n) as { record: RunRecord }).record);
  const stats = variantStats(records);
  const never = sweepNotReached(records);
  const files: FolderFiles = { 'experiment.resolved.yaml': baseYaml };
  for (const name of names) files[`runs/${name}`] = (runs.get(name) as { text: string }).text;
  const firsts = records.filter((r) => r.replication === 0 && r.timeseries !== undefined);
  for (const r of records.filter((x) => x.timeseries !== undefined)) {
    // The first replication's folder has its charts; later ones kept with --all-replications, their data only.
    const own = await runFiles(r.resolvedYaml ?? '', recordResult(r), r.replication === 0 ? base.charts : []);
    const folder = variantFolder({ index: r.variant, label: r.label, overrides: [] });
    const at = r.replication === 0 ? `variants/${folder}` : `variants/${folder}/replications/r${String(r.replication).padStart(4, '0')}`;
    for (const [name, content] of Object.entries(own)) files[`${at}/${name}`] = content;
  }
  files['sweep.csv'] = sweepCsv(records);
  files['summary.csv'] = stringify([
    ['variant', 'metric', 'mean', 'ci95', 'n'],
    ...stats.flatMap((s) => Object.entries(s.metrics).map(([m, c]) => [s.label, m, String(c.mean), String(c.ci95), String(c.n)])),
  ]);
  files['summary.json'] = JSON.stringify(flatSummary(stats), null, 2) + '\n';
  const grid = expandGrid(sweep.grid);
  const valuesOf = (variant: number): Record<string, unknown> => Object.fromEntries((grid[variant]?.overrides ?? []).map((o) => [o.path.join('.'), o.value]));
  // Charts label variants by what differs between them; tables and files keep the full labels.
  const shortLabels = shortVariantLabels(stats.map((s) => valuesOf(s.variant)));
  const short = new Map(stats.map((s, k) => [s.variant, shortLabels[k] ?? s.label]));
  for (const metric of sweep.compare) {
    Object.assign(files, await chartFiles(`compare-${metric}`, compareChart(metric, stats.map((s) => ({ variant: s.label, short: short.get(s.variant) ?? s.label, ...(s.metrics[metric] as MeanCi), notReached: never.get(s.variant)?.[metric] })))));
  }
  const faults = firsts[0] === undefined ? [] : markers(recordResult(firsts[0]));
  for (const column of sweep.compareSeries) {
    const series = firsts.map((r) => ({ variant: short.get(r.variant) ?? r.label, table: r.timeseries ?? { columns: [], rows: [] } }));
    Object.assign(files, await chartFiles(`series-${column}`, seriesByVariantChart(column, series, faults)));
  }
  const variants = stats.map((s) => {
    const first = firsts.find((r) => r.variant === s.variant);
    return { label: short.get(s.variant) ?? s.label, values: valuesOf(s.variant), metrics: s.metrics, first: first && recordResult(first) };
  });
  for (const { name, spec } of sweepCharts(base.charts, variants)) Object.assign(files, await chartFiles(name, spec));
  const subtitle = `sweep · ${String(stats.length)} variants × ${String(sweep.replications)} replications · seed ${String(base.seed)} · mean ± 95 % confidence interval`;
  const story = sweepStory(firsts[0]?.events ?? [], sweep.compare, stats.map((s) => ({ label: short.get(s.variant) ?? s.label, metrics: s.metrics, notReached: never.get(s.variant) })));
  return withReport(files, subtitle, sweepTables(base, stats, never), story);
}

/** The headline metrics by variant, then every metric by variant number; capped values read "not reached", each against the best variant. */
function sweepTables(base: Experiment, stats: readonly VariantStats[], never: ReadonlyMap<number, Record<string, NotReached>>): HtmlTable[] {
  const headline = base.sweep?.compare.length ? base.sweep.compare : ['availability', 'connect.latencyMs.p99'];
  const metrics = Object.keys(stats[0]?.metrics ?? {});
  const cells = (m: string): string[] => compareCells(m, stats.map((s) => s.metrics[m]), stats.map((s) => never.get(s.variant)?.[m]));
  const byMetric = new Map([...new Set([...headline, ...metrics])].map((m) => [m, cells(m)]));
  return [
    { caption: `Compared metrics by variant (summary.csv). ${COMPARE_TABLE_NOTE}`, header: ['variant', ...headline], rows: stats.map((s, k) => [`${String(k + 1)}. ${s.label}`, ...headline.map((m) => byMetric.get(m)?.[k] ?? '-')]) },
    { caption: 'Every metric by variant number', header: ['metric', ...stats.map((_, k) => String(k + 1))], rows: metrics.map((m) => [m, ...(byMetric.get(m) ?? [])]) },
  ];
}

/** The run a record keeps (first replications only). */
function recordResult(r: RunRecord): RunResult {
  const result: RunResult = { summary: r.summary, timeseries: r.timeseries ?? { columns: [], rows: [] }, events: r.events ?? [] };
  return r.distributions === undefined ? result : { ...result, distributions: r.distributions };
}

function sweepCsv(records: readonly RunRecord[]): string {
  const keys = Object.keys(records[0]?.summary ?? {});
  const rows = records.map((r) => [String(r.variant + 1), r.label, String(r.replication), String(r.seed), ...keys.map((k) => String(r.summary[k] ?? ''))]);
  return stringify([['variant', 'label', 'replication', 'seed', ...keys], ...rows]);
}
