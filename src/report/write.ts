import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { RunResult, Summary, Table } from '../metrics/index.js';
import { charts } from './fleet-charts.js';
import { renderPng, renderSvg } from './render.js';

export interface ResultFolder {
  dir: string;
  files: string[];
  charts: string[];
}

/** Numbers as CSV cells: rounded like the summary, so files stay short and stable. */
function cell(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(9)));
}

export function tableCsv(table: Table): string {
  return stringify([table.columns, ...table.rows.map((r) => r.map(cell))]);
}

export function summaryCsv(summary: Summary): string {
  return stringify([['metric', 'value'], ...Object.entries(summary).map(([k, v]) => [k, cell(v)])]);
}

/**
 * Writes a run's folder: resolved experiment, time series, summary and charts.
 * Everything goes to a sibling temp folder first and is renamed into place, so a failed
 * run leaves no partial output.
 */
export async function writeResultFolder(dir: string, resolvedYaml: string, result: RunResult, chartList: readonly string[]): Promise<ResultFolder> {
  const tmp = `${dir}.partial-${String(process.pid)}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, 'charts'), { recursive: true });
  const files: Record<string, string | Uint8Array> = {
    'experiment.resolved.yaml': resolvedYaml,
    'timeseries.csv': tableCsv(result.timeseries),
    'summary.json': JSON.stringify(result.summary, null, 2) + '\n',
    'summary.csv': summaryCsv(result.summary),
    'events.csv': stringify([['atMs', 'kind', 'detail'], ...result.events.map((e) => [cell(e.atMs), e.kind, e.detail])]),
  };
  try {
    for (const name of chartList) {
      const entry = charts[name];
      if (entry === undefined) throw new TypeError(`Expected a chart name from ${Object.keys(charts).join(', ')}, got ${name}`);
      const spec = entry.build(result);
      const svg = await renderSvg(spec);
      files[`charts/${name}.vl.json`] = JSON.stringify(spec, null, 2) + '\n';
      files[`charts/${name}.svg`] = svg;
      files[`charts/${name}.png`] = renderPng(svg, { scale: 2 });
    }
    for (const [name, content] of Object.entries(files)) writeFileSync(join(tmp, name), content);
    mkdirSync(dirname(dir), { recursive: true });
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
  return { dir, files: Object.keys(files).sort(), charts: chartList.map((n) => join(dir, 'charts', `${n}.png`)) };
}
