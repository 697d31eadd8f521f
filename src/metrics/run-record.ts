import { plainEvent, typedEvent, type TypedRunEvent } from './events.js';
import type { CdfPoint, RunEvent, RunResult, Summary, Table } from './result.js';

/**
 * One finished run of a sweep, as stored in `runs/*.json` of a result or shard folder. Folders are
 * assembled from these files only, so a merged folder and an unsharded one are built from the same bytes.
 * The first replication of each variant also keeps its time series, events and resolved experiment.
 */
export interface RunRecord {
  /** Variant index, from 0, in grid order. */
  variant: number;
  label: string;
  replication: number;
  seed: number;
  summary: Summary;
  resolvedYaml?: string;
  timeseries?: Table;
  events?: TypedRunEvent[];
  distributions?: Record<string, CdfPoint[]>;
}

/** The file name of a run record: variant and replication, zero-padded so names sort in run order. */
export function runRecordName(variant: number, replication: number): string {
  return `v${String(variant + 1).padStart(4, '0')}-r${String(replication).padStart(4, '0')}.json`;
}

/** Rounds like the CSV files (9 significant digits), so a value read back from CSV equals the one charted. */
export function roundCell(v: number): number {
  return Number.isFinite(v) && !Number.isInteger(v) ? Number(v.toPrecision(9)) : v;
}

/** A table with every cell rounded by {@link roundCell}. */
export function roundTable(table: Table): Table {
  return { columns: table.columns, rows: table.rows.map((r) => r.map(roundCell)) };
}

/** A result with every number as its CSV file holds it. */
export function roundResult(raw: RunResult): RunResult {
  const result: RunResult = { summary: raw.summary, timeseries: roundTable(raw.timeseries), events: raw.events.map((e) => ({ ...e, atMs: roundCell(e.atMs) })) };
  if (raw.distributions === undefined) return result;
  const distributions = Object.fromEntries(
    Object.entries(raw.distributions).map(([m, points]) => [m, points.map((p) => ({ percentile: p.percentile, valueMs: roundCell(p.valueMs) }))]),
  );
  return { ...result, distributions };
}

/** JSON text of a record; non-finite numbers become null and read back as NaN. */
export function encodeRunRecord(record: RunRecord): string {
  return JSON.stringify(record.events === undefined ? record : { ...record, events: record.events.map(plainEvent) }) + '\n';
}

/** Parses a record, checking its shape and reading its events' fields; throws a TypeError naming the problem. */
export function decodeRunRecord(text: string): RunRecord {
  const value = JSON.parse(text, (_key, v: unknown) => (v === null ? Number.NaN : v)) as Partial<RunRecord> | null;
  if (value === null || typeof value !== 'object' || typeof value.variant !== 'number' || typeof value.replication !== 'number') {
    throw new TypeError('Expected a run record with variant and replication numbers');
  }
  if (typeof value.summary !== 'object' || typeof value.label !== 'string' || typeof value.seed !== 'number') {
    throw new TypeError('Expected a run record with label, seed and summary');
  }
  if (value.events !== undefined) value.events = (value.events as RunEvent[]).map(typedEvent);
  return value as RunRecord;
}
