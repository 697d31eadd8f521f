import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { roundResult, type CdfPoint, type RunResult, type Summary, type Table } from '../metrics/index.js';
import { parse } from 'yaml';
import { human } from './format.js';
import { reportHtml, type HtmlTable } from './html.js';
import { summaryTables } from './summary-tables.js';
import { runCaps } from './compare.js';
import { runStory } from './story.js';
import { runCharts, type ChartRequest } from './chart-requests.js';
import type { VlSpec } from './types.js';
import { commitFolder, type FolderFiles } from './folder.js';

export type { FolderFiles };

/** Numbers as CSV cells: rounded like the summary, so files stay short and stable. */
export function cell(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(9)));
}

export function tableCsv(table: Table): string {
  return stringify([table.columns, ...table.rows.map((r) => r.map(cell))]);
}

export function summaryCsv(summary: Summary): string {
  return stringify([['metric', 'value'], ...Object.entries(summary).map(([k, v]) => [k, cell(v)])]);
}

/** A chart's spec, SVG and PNG under `charts/`. */
export async function chartFiles(name: string, spec: VlSpec): Promise<FolderFiles> {
  // The renderer (vega, resvg) loads only when there is something to draw.
  const { renderPng, renderSvg } = await import('./render.js');
  const svg = await renderSvg(spec);
  return {
    [`charts/${name}.vl.json`]: JSON.stringify(spec, null, 2) + '\n',
    [`charts/${name}.svg`]: svg,
    [`charts/${name}.png`]: renderPng(svg, { scale: 2 }),
  };
}

/**
 * The files of one run: resolved experiment, time series, summary, events and the named charts.
 * Charts are drawn from the values as rounded in the CSV files, so `wsfleet report` redraws them
 * from those files byte for byte.
 */
export async function runFiles(resolvedYaml: string, raw: RunResult, chartList: readonly ChartRequest[]): Promise<FolderFiles> {
  const result = roundResult(raw);
  const files: FolderFiles = {
    'experiment.resolved.yaml': resolvedYaml,
    'timeseries.csv': tableCsv(result.timeseries),
    'summary.json': JSON.stringify(result.summary, null, 2) + '\n',
    'summary.csv': summaryCsv(result.summary),
    'events.csv': stringify([['atMs', 'kind', 'detail'], ...result.events.map((e) => [cell(e.atMs), e.kind, e.detail])]),
  };
  if (result.distributions !== undefined) files['distributions.csv'] = distributionsCsv(result.distributions);
  for (const { name, spec } of runCharts(chartList, result)) Object.assign(files, await chartFiles(name, spec));
  return files;
}

/** distributions.csv: one row per metric and percentile. */
export function distributionsCsv(distributions: Record<string, CdfPoint[]>): string {
  return stringify([['metric', 'percentile', 'valueMs'], ...Object.entries(distributions).flatMap(([m, points]) => points.map((p) => [m, cell(p.percentile), cell(p.valueMs)]))]);
}

export interface ResultFolder {
  dir: string;
  files: string[];
  charts: string[];
}

/** The specs of the folder's top-level charts, in the order they were added. */
function chartSpecs(files: FolderFiles): { name: string; spec: VlSpec }[] {
  return Object.entries(files).flatMap(([path, content]) => {
    const m = /^charts\/(.+)\.vl\.json$/.exec(path);
    return m ? [{ name: m[1] as string, spec: JSON.parse(String(content)) as VlSpec }] : [];
  });
}

/** Adds report.html, drawn from the folder's resolved experiment and chart specs, with the given tables and "what happened" sentences. */
export function withReport(files: FolderFiles, subtitle: string, tables: HtmlTable[], story: readonly string[] = []): FolderFiles {
  const resolvedYaml = String(files['experiment.resolved.yaml'] ?? '');
  return { ...files, 'report.html': reportHtml({ resolvedYaml, subtitle, tables, charts: chartSpecs(files), story }) };
}

/** The summary of one run as one plain page table (summary.csv order); report.html groups it with {@link summaryTables}. */
export function summaryTable(summary: Summary): HtmlTable {
  return { caption: 'Summary (summary.csv)', header: ['metric', 'value'], rows: Object.entries(summary).map(([k, v]) => [k, human(v)]) };
}

/** Alert rules of a run, from its `alerts.<rule>.*` metrics: firings, first firing and detection after each fault. */
export function alertTable(summary: Summary): HtmlTable | undefined {
  const rules = [...new Set(Object.keys(summary).flatMap((k) => /^alerts\.([^.]+)\.firings$/.exec(k)?.[1] ?? []))];
  if (rules.length === 0) return undefined;
  const faults = [...new Set(Object.keys(summary).flatMap((k) => /^alerts\.[^.]+\.detectMs\.(fault\d+)$/.exec(k)?.[1] ?? []))];
  const seconds = (ms: number | undefined): string => (ms === undefined || Number.isNaN(ms) ? 'never' : `${human(ms / 1000)} s`);
  return {
    caption: 'Alerts: first firing, and time to detect after each fault (– or never: did not fire)',
    header: ['rule', 'firings', 'first fired', ...faults.map((f) => `detect ${f.replace('fault', 'fault ')}`)],
    rows: rules.map((r) => [r, human(summary[`alerts.${r}.firings`] ?? 0), seconds(summary[`alerts.${r}.firstFiredMs`]), ...faults.map((f) => seconds(summary[`alerts.${r}.detectMs.${f}`]))]),
  };
}

/** A single run's folder files with report.html. */
export async function singleRunFiles(resolvedYaml: string, result: RunResult, chartList: readonly ChartRequest[], extraTables: HtmlTable[] = []): Promise<FolderFiles> {
  const e = (parse(resolvedYaml) ?? {}) as { seed?: number; durationMs?: number };
  const subtitle = `one run · seed ${String(e.seed)} · ${human((e.durationMs ?? 0) / 1000)} s of virtual time`;
  const alerts = alertTable(result.summary);
  const durationMs = e.durationMs ?? Number.NaN;
  // Events as events.csv holds them, so `wsfleet report` tells the same story from the files.
  const { events } = roundResult(result);
  const caps = runCaps(result.summary, events, durationMs);
  const tables = [...(alerts ? [alerts] : []), ...summaryTables(result.summary, caps), ...extraTables];
  return withReport(await runFiles(resolvedYaml, result, chartList), subtitle, tables, runStory(result.summary, events, durationMs));
}

/** Writes a single run's folder. */
export async function writeResultFolder(dir: string, resolvedYaml: string, result: RunResult, chartList: readonly ChartRequest[], options: { force?: boolean } = {}): Promise<ResultFolder> {
  const files = commitFolder(dir, await singleRunFiles(resolvedYaml, result, chartList), options);
  return { dir, files, charts: files.filter((f) => /^charts\/[^/]+\.png$/.test(f)).map((f) => join(dir, f)) };
}

/** Every replication's summary, one row each: replication (from 0), seed, then every metric of the first. */
export function replicationsCsv(seeds: readonly number[], summaries: readonly Summary[]): string {
  const keys = Object.keys(summaries[0] ?? {});
  return stringify([['replication', 'seed', ...keys], ...summaries.map((s, r) => [String(r), String(seeds[r] ?? ''), ...keys.map((k) => { const v = s[k]; return v === undefined ? '' : cell(v); })])]);
}
