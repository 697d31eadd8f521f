import { describeMetric, LATENCY_METRICS, LATENCY_STATS, METRIC_GROUPS, METRIC_PATTERNS, SUMMARY_METRICS, UNITS, type MetricGroup, type Summary } from '../metrics/index.js';
import { human } from './format.js';
import { atCap, NOT_REACHED_LEGEND } from './compare.js';
import type { HtmlTable } from './html.js';

/** Position of each catalogue entry, so a group's rows follow the catalogue rather than the alphabet. */
const ORDER = new Map<string, number>(
  [
    ...Object.keys(SUMMARY_METRICS),
    ...Object.keys(LATENCY_METRICS).flatMap((f) => Object.keys(LATENCY_STATS).map((s) => `${f}.${s}`)),
    ...METRIC_PATTERNS.map((p) => p.pattern),
  ].map((name, k) => [name, k]),
);

interface Row {
  key: string;
  group: MetricGroup | 'other';
  order: number;
  unit: string;
  doc: string;
}

function row(key: string): Row {
  const d = describeMetric(key);
  if (d === undefined) return { key, group: 'other', order: 0, unit: '', doc: '' };
  return { key, group: d.group, order: ORDER.get(d.name) ?? 0, unit: UNITS[d.unit], doc: d.doc };
}

/**
 * A single run's summary as one table per metric group, in the catalogue's group order, each row with
 * its unit and meaning; keys the catalogue does not know come last, under "Other". A capped metric at
 * its cap (`caps`, from {@link runCaps}) reads "not reached (> cap)".
 */
export function summaryTables(summary: Summary, caps: Readonly<Record<string, number>> = {}): HtmlTable[] {
  const value = (key: string): string => {
    const v = summary[key] as number;
    return atCap(v, caps[key]) ? `not reached (> ${human(v)})` : human(v);
  };
  const rows = Object.keys(summary).map(row);
  const groups: (MetricGroup | 'other')[] = [...(Object.keys(METRIC_GROUPS) as MetricGroup[]), 'other'];
  return groups.flatMap((group) => {
    const own = rows.filter((r) => r.group === group).sort((a, b) => a.order - b.order || a.key.localeCompare(b.key));
    if (own.length === 0) return [];
    return [
      {
        caption: `Summary: ${group === 'other' ? 'Other' : METRIC_GROUPS[group]} (summary.csv)`,
        header: ['metric', 'value', 'unit', 'meaning'],
        rows: own.map((r) => [r.key, value(r.key), r.unit, atCap(summary[r.key] as number, caps[r.key]) ? `${r.doc}; ${NOT_REACHED_LEGEND}` : r.doc]),
        textColumns: [2, 3],
      },
    ];
  });
}
