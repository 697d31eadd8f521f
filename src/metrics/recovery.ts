import type { CapStart, MetricValues } from './catalogue.js';
import type { TypedRunEvent } from './events.js';
import type { Table } from './result.js';

/** Faults after which connected clients are expected to dip and come back. */
const RECOVERY_FAULTS = new Set(['server:crash', 'server:oom', 'server:hang', 'server:drain', 'fleet:partition', 'fleet:disconnect', 'balancer:crash']);

/**
 * When the interval of a capped metric starts in a run: the first disruptive fault, or the first
 * server join; undefined when the run has no such event (the metric is then 0 or absent, never capped).
 */
export function capStartMs(start: CapStart, events: readonly { kind: string; atMs: number }[]): number | undefined {
  return events.find((e) => (start === 'server-join' ? e.kind === 'server:join' : RECOVERY_FAULTS.has(e.kind)))?.atMs;
}

/**
 * Recovery after the first disruptive fault, read off the time series: the lowest share of the
 * pre-fault connected count, and how long after the fault until 95 % and 99 % of it were connected
 * again, searching from the trough (clients notice some faults late). A fleet that never got back
 * within the run reports the time to the end (a lower bound); without a fault, or when connected
 * clients never dropped below the share, the time is 0.
 */
export function recoveryMetrics(table: Table, events: readonly TypedRunEvent[], endMs: number): MetricValues {
  const none = { 'recovery.minConnectedShare': 1, 'recovery.ms95': 0, 'recovery.ms99': 0 };
  const faultAt = capStartMs('disruptive-fault', events);
  const fault = faultAt === undefined ? undefined : { atMs: faultAt };
  const t = table.columns.indexOf('timeMs');
  const col = table.columns.indexOf('clients.connected');
  if (fault === undefined || t < 0 || col < 0) return none;
  const before = table.rows.filter((r) => (r[t] as number) <= fault.atMs).at(-1);
  const baseline = before?.[col] ?? 0;
  if (baseline <= 0) return none;
  const after = table.rows.filter((r) => (r[t] as number) > fault.atMs);
  const timeTo = (share: number): number => {
    const dip = after.findIndex((r) => (r[col] as number) < share * baseline);
    if (dip < 0) return 0;
    const back = after.slice(dip).find((r) => (r[col] as number) >= share * baseline);
    return (back?.[t] ?? endMs) - fault.atMs;
  };
  const lowest = after.reduce((m, r) => Math.min(m, r[col] as number), baseline);
  return {
    'recovery.minConnectedShare': lowest / baseline,
    'recovery.ms95': timeTo(0.95),
    'recovery.ms99': timeTo(0.99),
  };
}

/**
 * After a scale-out, how long until the joined servers carry their share: until their mean
 * connections per unit of weight reach 90 % of the fleet's.
 */
export function scaleOutMetrics(table: Table, events: readonly TypedRunEvent[], weights: readonly number[], endMs: number): MetricValues {
  const joins = events.filter((e) => e.kind === 'server:join');
  const firstAt = capStartMs('server-join', events);
  if (firstAt === undefined) return {};
  const first = { atMs: firstAt };
  const joined = new Set(joins.map((e) => e.server));
  const t = table.columns.indexOf('timeMs');
  const cols = weights.map((_, id) => table.columns.indexOf(`server.${String(id)}.connections`));
  const shareAt = (row: number[]): number => {
    const perWeight = (ids: number[]) => ids.reduce((a, id) => a + (row[cols[id] as number] as number) / (weights[id] as number), 0) / Math.max(1, ids.length);
    const all = weights.map((_, id) => id);
    const fleet = perWeight(all);
    return fleet > 0 ? perWeight(all.filter((id) => joined.has(id))) / fleet : 0;
  };
  const rows = table.rows.filter((r) => (r[t] as number) >= first.atMs);
  const fair = rows.find((r) => shareAt(r) >= 0.9);
  const last = table.rows.at(-1);
  return {
    'scaleOut.msToFairShare': (fair?.[t] ?? endMs) - first.atMs,
    'scaleOut.joinedShare.final': last === undefined ? 0 : shareAt(last),
  };
}
