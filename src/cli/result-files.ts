/**
 * Reading a result folder's data files back, strictly: a damaged file is an input error naming the
 * file, and for CSV the row and column, never a silently empty table or a crash later on.
 */
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { formatIssues, loadExperiment, parseRunEvent, runRecordName, type Experiment, type CdfPoint, type RunRecord, type Summary, type Table, type TypedRunEvent } from '../experiment/index.js';
import { chartNames } from '../report/index.js';
import { InputError } from './errors.js';

/** A number as wsfleet writes CSV cells and summaries (NaN for a metric with no value). */
const NUMBER = /^(?:-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?|NaN|-?Infinity)$/i;

function fail(file: string, problem: string): never {
  throw new InputError(`✖ ${file}: ${problem}; expected the file as wsfleet wrote it (run the experiment again)\nNothing was written.`);
}

/** The text of a file of the folder, or an input error when it is missing or not a file. */
export function readResultFile(dir: string, name: string): string {
  const file = join(dir, name);
  if (!existsSync(file)) throw new InputError(`✖ ${file}: missing; expected a complete wsfleet result folder\nNothing was written.`);
  if (!lstatSync(file).isFile()) fail(file, 'not a file');
  return readFileSync(file, 'utf8');
}

/** CSV rows with the header first; a malformed or ragged file fails with its line. */
function csvRows(file: string, text: string): string[][] {
  let rows: string[][];
  try {
    rows = parse(text) as string[][];
  } catch (error) {
    fail(file, `invalid CSV: ${(error as Error).message}`);
  }
  if (rows.length === 0) fail(file, 'empty, no header row');
  return rows;
}

function numberCell(file: string, row: number, column: string, value: string | undefined): number {
  if (value === undefined || !NUMBER.test(value)) fail(file, `row ${String(row)}, column ${column}: expected a number, got '${value ?? ''}'`);
  return Number(value);
}

function expectHeader(file: string, header: string[] | undefined, expected: readonly string[]): void {
  if (header?.join(',') !== expected.join(',')) fail(file, `header is '${(header ?? []).join(',')}', expected '${expected.join(',')}'`);
}

/** timeseries.csv back into a table: every cell is a number. */
export function parseTimeseries(file: string, text: string): Table {
  const [columns = [], ...rows] = csvRows(file, text);
  if (columns.length === 0 || columns.some((c) => c === '')) fail(file, 'header has an empty column name');
  return { columns, rows: rows.map((r, k) => r.map((v, c) => numberCell(file, k + 2, columns[c] ?? String(c + 1), v))) };
}

/** events.csv: atMs, kind, detail. */
export function parseEvents(file: string, text: string): TypedRunEvent[] {
  const [header, ...rows] = csvRows(file, text);
  expectHeader(file, header, ['atMs', 'kind', 'detail']);
  return rows.map((r, k) => {
    const atMs = numberCell(file, k + 2, 'atMs', r[0]);
    const event = parseRunEvent(atMs, r[1] ?? '', r[2] ?? '');
    if (event === undefined) fail(file, `row ${String(k + 2)}: expected a known event kind with its detail, got '${r[1] ?? ''}' '${r[2] ?? ''}'`);
    return event;
  });
}

/** distributions.csv: metric, percentile, valueMs. */
export function parseDistributions(file: string, text: string): Record<string, CdfPoint[]> {
  const [header, ...rows] = csvRows(file, text);
  expectHeader(file, header, ['metric', 'percentile', 'valueMs']);
  const out: Record<string, CdfPoint[]> = {};
  rows.forEach((r, k) => {
    const metric = r[0] ?? '';
    if (!Object.hasOwn(out, metric)) out[metric] = [];
    out[metric]?.push({ percentile: numberCell(file, k + 2, 'percentile', r[1]), valueMs: numberCell(file, k + 2, 'valueMs', r[2]) });
  });
  return out;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A flat map of metric to number (NaN read from null), as summary.json and run records hold it. */
function checkSummary(file: string, value: unknown, where: string): Summary {
  if (!isMap(value)) fail(file, `${where} is not a map of metrics`);
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'number') fail(file, `${where}.${k}: expected a number or null, got ${typeof v === "string" ? `'${v}'` : typeof v}`);
  }
  return value as Summary;
}

function parseJson(file: string, text: string): unknown {
  try {
    // null is how wsfleet writes NaN (a metric with no value).
    return JSON.parse(text, (_k, v: unknown) => (v === null ? Number.NaN : v)) as unknown;
  } catch (error) {
    fail(file, `invalid JSON: ${(error as Error).message}`);
  }
}

/** summary.json: a flat map of metric to number, null for NaN. */
export function parseSummary(file: string, text: string): Summary {
  return checkSummary(file, parseJson(file, text), 'summary');
}

function checkTable(file: string, value: unknown): Table {
  const t = value as { columns?: unknown; rows?: unknown } | null;
  const columns = t?.columns;
  const rows = t?.rows;
  if (!isMap(t) || !Array.isArray(columns) || !columns.every((c) => typeof c === 'string') || !Array.isArray(rows)) fail(file, 'timeseries: expected { columns, rows }');
  rows.forEach((r: unknown, k) => {
    if (!Array.isArray(r) || r.length !== columns.length || !r.every((v) => typeof v === 'number')) {
      fail(file, `timeseries row ${String(k + 1)}: expected ${String(columns.length)} numbers`);
    }
  });
  return { columns: columns as string[], rows: rows as number[][] };
}

function checkEvents(file: string, value: unknown): TypedRunEvent[] {
  if (!Array.isArray(value)) fail(file, 'events: expected a list');
  return value.map((e: unknown, k) => {
    if (!isMap(e) || typeof e.atMs !== 'number' || typeof e.kind !== 'string' || typeof e.detail !== 'string') fail(file, `events[${String(k)}]: expected { atMs, kind, detail }`);
    const event = parseRunEvent(e.atMs, e.kind, e.detail);
    if (event === undefined) fail(file, `events[${String(k)}]: expected a known event kind with its detail, got '${e.kind}' '${e.detail}'`);
    return event;
  });
}

function checkDistributions(file: string, value: unknown): Record<string, CdfPoint[]> {
  if (!isMap(value)) fail(file, 'distributions: expected a map of metrics');
  const out: Record<string, CdfPoint[]> = {};
  for (const [metric, points] of Object.entries(value)) {
    if (!Array.isArray(points) || !points.every((p) => isMap(p) && typeof p.percentile === 'number' && typeof p.valueMs === 'number')) {
      fail(file, `distributions.${metric}: expected a list of { percentile, valueMs }`);
    }
    out[metric] = points as CdfPoint[];
  }
  return out;
}

/** A run record of `runs/`, checked field by field and against its file name. */
export function parseRunRecord(file: string, name: string, text: string): RunRecord {
  const v = parseJson(file, text);
  if (!isMap(v)) fail(file, 'expected a run record (a map)');
  const { variant, replication, label, seed } = v;
  const index = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 && n < 100_000;
  if (!index(variant) || !index(replication)) fail(file, 'expected variant and replication as whole numbers from 0');
  if (runRecordName(variant, replication) !== name) fail(file, `holds variant ${String(variant)} replication ${String(replication)}, whose file is ${runRecordName(variant, replication)}`);
  if (typeof label !== 'string' || typeof seed !== 'number') fail(file, 'expected a label and a seed');
  const record: RunRecord = { variant, replication, label, seed, summary: checkSummary(file, v.summary, 'summary') };
  if (v.resolvedYaml !== undefined) {
    if (typeof v.resolvedYaml !== 'string') fail(file, 'resolvedYaml: expected text');
    record.resolvedYaml = v.resolvedYaml;
  }
  if (v.timeseries !== undefined) record.timeseries = checkTable(file, v.timeseries);
  if (v.events !== undefined) record.events = checkEvents(file, v.events);
  if (v.distributions !== undefined) record.distributions = checkDistributions(file, v.distributions);
  return record;
}

/** Loads a result folder's resolved experiment; a folder that has none is a user mistake. */
export function loadResolved(dir: string): { experiment: Experiment; yaml: string } {
  const file = join(dir, 'experiment.resolved.yaml');
  if (!existsSync(file)) throw new InputError(`✖ ${dir}: expected a wsfleet result or shard folder with experiment.resolved.yaml\nNothing was written.`);
  const loaded = loadExperiment(file, { chartNames: chartNames() });
  if (!loaded.ok) throw new InputError(`${formatIssues(loaded.issues)}\nNothing was written.`);
  return { experiment: loaded.experiment, yaml: readFileSync(file, 'utf8') };
}
