import { loadavg } from 'node:os';
import { round, type Comparison } from './measure.js';

/** One benchmark's result, printed as a table row or one JSON line. */
export interface BenchRow {
  name: string;
  /** Units of work per timed run (dispatched events, plus reschedules for timer-churn). */
  events: number;
  /** Units of work summed over all of the engine's timed runs. */
  totalEvents: number;
  eventsPerSec: number;
  baselineEventsPerSec: number;
  ratio: number;
  pendingTimers?: number;
  bytesPerPendingTimer?: number;
  baselineBytesPerPendingTimer?: number;
  /** Whole-run figures of a benchmark that runs once in a child process (fleet-100k). */
  wallMs?: number;
  peakRssBytes?: number;
  virtualMs?: number;
  clientsConnected?: number;
  /** Messages handed to client applications per second of wall time, peak RSS per client, and the cohort fan-out's share of writes (million). */
  deliveriesPerSec?: number;
  bytesPerClient?: number;
  cohortShare?: number;
  /** Timed runs of each side, in milliseconds, in the order they ran. */
  engineMs: number[];
  baselineMs: number[];
  /** Whether each engine run produced the same model output as the baseline run with the same index; null when there is no such pairing. */
  checksMatch: boolean | null;
  goal: string | null;
  goalMet: boolean | null;
  /** One-minute load average when the row was made (this process counts about 1); high values mean noisy figures. */
  loadAvg1m: number;
}

/** Optional memory figures a benchmark may add to its row. */
export type MemoryFields = Partial<Pick<BenchRow, 'pendingTimers' | 'bytesPerPendingTimer' | 'baselineBytesPerPendingTimer'>>;

/** Optional whole-run figures a benchmark may add to its row. */
export type RunFields = Partial<Pick<BenchRow, 'wallMs' | 'peakRssBytes' | 'virtualMs' | 'clientsConnected' | 'deliveriesPerSec' | 'bytesPerClient' | 'cohortShare'>>;

/** A target a row must meet, with its description. */
export interface Goal {
  text: string;
  met: (row: BenchRow) => boolean;
}

/** Builds a row from a comparison, rounding rates, and judges it against its goal. */
export function makeRow(name: string, c: Comparison, goal: Goal | null, extra: MemoryFields & RunFields = {}): BenchRow {
  const row: BenchRow = {
    name,
    events: c.eventsPerRun,
    totalEvents: c.totalEvents,
    eventsPerSec: Math.round(c.eventsPerSec),
    baselineEventsPerSec: Math.round(c.baselineEventsPerSec),
    ratio: round(c.ratio, 3),
    ...extra,
    engineMs: c.engineMs,
    baselineMs: c.baselineMs,
    checksMatch: c.checksMatch,
    goal: goal?.text ?? null,
    goalMet: null,
    loadAvg1m: round(loadavg()[0] ?? NaN, 2),
  };
  row.goalMet = goal === null ? null : goal.met(row);
  return row;
}

const HEADERS = ['benchmark', 'events/run', 'engine ev/s', 'baseline ev/s', 'ratio', 'B/timer eng|base', 'wall | peak RSS', 'runs', 'load', 'check', 'goal', 'met'];

/** Columns from this one on are left-aligned text. */
const FIRST_TEXT_COLUMN = HEADERS.indexOf('goal');

/** Renders rows as an aligned, human-readable table. */
export function formatTable(rows: readonly BenchRow[]): string {
  const cells = [HEADERS, ...rows.map(rowCells)];
  const widths = HEADERS.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]): string =>
    r.map((c, i) => (i === 0 || i >= FIRST_TEXT_COLUMN ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(HEADERS), rule, ...rows.map((r) => line(rowCells(r)))].join('\n');
}

function rowCells(r: BenchRow): string[] {
  const bytes =
    r.bytesPerPendingTimer === undefined
      ? '-'
      : `${r.bytesPerPendingTimer.toFixed(1)} | ${(r.baselineBytesPerPendingTimer ?? NaN).toFixed(1)}`;
  return [
    r.name,
    millions(r.events),
    millions(r.eventsPerSec),
    millions(r.baselineEventsPerSec),
    r.ratio.toFixed(2),
    bytes,
    r.wallMs === undefined ? '-' : `${(r.wallMs / 1000).toFixed(1)} s | ${((r.peakRssBytes ?? NaN) / 1e6).toFixed(0)} MB`,
    String(r.engineMs.length),
    r.loadAvg1m.toFixed(1),
    r.checksMatch === null ? '-' : r.checksMatch ? 'same' : 'DIFFERS',
    r.goal ?? '-',
    r.goalMet === null ? '-' : r.goalMet ? 'yes' : 'NO',
  ];
}

function millions(n: number): string {
  return `${(n / 1e6).toFixed(2)} M`;
}
