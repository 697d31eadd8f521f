import { runEvent, type TypedRunEvent } from './events.js';
import type { Summary, Table } from './result.js';

/** An alerting rule over sampled metrics, like a Prometheus rule with `for:`. */
export interface AlertRule {
  name: string;
  /** A fleet column (`clients.connected`) or, for `server` scope or with `aggregate`, a per-server column (`cpu`). */
  metric: string;
  /** `server`: one alert per server; `fleet`: one alert for the fleet. */
  scope: 'server' | 'fleet';
  /** Combines a per-server metric into one fleet value, over the servers that are up. */
  aggregate?: 'sum' | 'mean' | 'max' | 'min' | undefined;
  above?: number | undefined;
  below?: number | undefined;
  /** The condition must hold at every scrape for this long before the alert fires, in ms. */
  forMs: number;
}

/** One alert firing: which rule, for which server (or the fleet), and when it fired and resolved. */
export interface AlertFiring {
  rule: string;
  target: string;
  firedMs: number;
  /** When the condition stopped holding; absent if it still held at the end. */
  resolvedMs?: number;
}

/** A fault to measure detection against. */
export interface FaultMark {
  label: string;
  atMs: number;
  /** The server it hits (`server 3`), when it hits a known one. */
  target?: string | undefined;
}

/** A series to watch: a name (`fleet` or `server 3`) and its value at each row (NaN: not scraped). */
interface Watched {
  target: string;
  value: (row: readonly number[]) => number;
}

const AGGREGATES = {
  sum: (v: number[]) => v.reduce((a, b) => a + b, 0),
  mean: (v: number[]) => (v.length > 0 ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN),
  max: (v: number[]) => (v.length > 0 ? Math.max(...v) : Number.NaN),
  min: (v: number[]) => (v.length > 0 ? Math.min(...v) : Number.NaN),
};

/** Per-server columns of a metric, with the matching `up` column: a server that is down is not scraped. */
function serverColumns(table: Table, metric: string): { id: string; value: number; up: number }[] {
  const pattern = new RegExp(`^server\\.(\\d+)\\.${metric.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  return table.columns.flatMap((column, value) => {
    const id = pattern.exec(column)?.[1];
    return id === undefined ? [] : [{ id, value, up: table.columns.indexOf(`server.${id}.up`) }];
  });
}

function watched(table: Table, rule: AlertRule): Watched[] {
  const scraped = (row: readonly number[], c: { value: number; up: number }): number =>
    c.up >= 0 && row[c.up] === 0 && rule.metric !== 'up' ? Number.NaN : (row[c.value] ?? Number.NaN);
  if (rule.scope === 'server') {
    return serverColumns(table, rule.metric).map((c) => ({ target: `server ${c.id}`, value: (row) => scraped(row, c) }));
  }
  if (rule.aggregate !== undefined) {
    const columns = serverColumns(table, rule.metric);
    const combine = AGGREGATES[rule.aggregate];
    return [{ target: 'fleet', value: (row) => combine(columns.map((c) => scraped(row, c)).filter((v) => !Number.isNaN(v))) }];
  }
  const c = table.columns.indexOf(rule.metric);
  if (c < 0) throw new TypeError(`Expected \`metric\` to name a time-series column, got '${rule.metric}'`);
  return [{ target: 'fleet', value: (row) => row[c] ?? Number.NaN }];
}

/**
 * Evaluates rules at every row of a sampled time series, as a monitoring stack scraping at the
 * sample interval would: a breach starts a pending alert, which fires once the breach has held
 * for `forMs` at every scrape since, and resolves at the first scrape without it. A missing
 * sample (NaN, or a server that is down) is no breach.
 */
export function evaluateAlerts(table: Table, rules: readonly AlertRule[]): AlertFiring[] {
  const firings: AlertFiring[] = [];
  for (const rule of rules) {
    for (const w of watched(table, rule)) {
      let pendingSince: number | undefined;
      let open: AlertFiring | undefined;
      for (const row of table.rows) {
        const t = row[0] ?? 0;
        const v = w.value(row);
        const breach = (rule.above !== undefined && v > rule.above) || (rule.below !== undefined && v < rule.below);
        if (!breach) {
          pendingSince = undefined;
          if (open) open.resolvedMs = t;
          open = undefined;
          continue;
        }
        pendingSince ??= t;
        if (open === undefined && t - pendingSince >= rule.forMs) {
          open = { rule: rule.name, target: w.target, firedMs: t };
          firings.push(open);
        }
      }
    }
  }
  return firings.sort((a, b) => a.firedMs - b.firedMs || a.rule.localeCompare(b.rule) || a.target.localeCompare(b.target, 'en', { numeric: true }));
}

/**
 * The firing that detects a fault: the first at or after it and before the next fault starts;
 * a per-server alert counts only for the server the fault hit.
 */
export function detection(own: readonly AlertFiring[], fault: FaultMark, faults: readonly FaultMark[]): AlertFiring | undefined {
  const next = faults.reduce((m, f) => (f.atMs > fault.atMs ? Math.min(m, f.atMs) : m), Infinity);
  return own.find((f) => f.firedMs >= fault.atMs && f.firedMs < next && (f.target === 'fleet' || fault.target === undefined || f.target === fault.target));
}

/**
 * Per rule: `alerts.<rule>.firings`, `.firstFiredMs` (NaN when it never fired) and, for each fault,
 * `.detectMs.fault<k>`: from the fault to the {@link detection} (NaN when none).
 */
export function alertSummary(rules: readonly AlertRule[], firings: readonly AlertFiring[], faults: readonly FaultMark[]): Summary {
  const out: Summary = {};
  for (const rule of rules) {
    const own = firings.filter((f) => f.rule === rule.name);
    out[`alerts.${rule.name}.firings`] = own.length;
    out[`alerts.${rule.name}.firstFiredMs`] = own[0]?.firedMs ?? Number.NaN;
    faults.forEach((fault, k) => {
      const found = detection(own, fault, faults);
      out[`alerts.${rule.name}.detectMs.fault${String(k + 1)}`] = found === undefined ? Number.NaN : found.firedMs - fault.atMs;
    });
  }
  return out;
}

/** Firings and resolutions as run events (`alert:fired`, `alert:resolved`), for events.csv and chart markers. */
export function alertEvents(firings: readonly AlertFiring[]): TypedRunEvent[] {
  return firings.flatMap((f) => [
    runEvent.alert('alert:fired', f.firedMs, f.rule, f.target),
    ...(f.resolvedMs === undefined ? [] : [runEvent.alert('alert:resolved', f.resolvedMs, f.rule, f.target)]),
  ]);
}
