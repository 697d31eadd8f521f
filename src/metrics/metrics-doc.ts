/**
 * docs/metrics.md, generated from the catalogue (`npm run docs:metrics`); a test checks the
 * committed file equals this text.
 */
import { DISTRIBUTION_METRICS, LATENCY_METRICS, LATENCY_STATS, METRIC_GROUPS, METRIC_PATTERNS, SUMMARY_METRICS, type MetricGroup, type MetricInfo } from './catalogue.js';
import { FLEET_COLUMN_INFO, SERVER_COLUMN_INFO } from './columns.js';
import { UNITS, type ColumnInfo, type Condition } from './units.js';

const CONDITIONS: Record<Condition, string> = {
  messages: 'with messages:',
  polling: 'with polling:',
  'scale-out': 'after a server joins',
  alerts: 'with alerts:',
  sweep: 'in sweeps',
  'broker-crash': 'with a broker-crash fault',
  'client-cpu': 'with clients.cpu',
  browser: 'with clients.browser',
};

const cell = (s: string): string => s.replaceAll('|', '\\|');
const worlds = (i: { worlds: readonly string[]; when?: Condition }): string => `${i.worlds.join(', ')}${i.when === undefined ? '' : ` (${CONDITIONS[i.when]})`}`;

function table(header: string[], rows: string[][]): string[] {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}

type Named = [string, MetricInfo];

function allMetrics(): Named[] {
  const stats = Object.keys(LATENCY_STATS).join(', ');
  return [
    ...Object.entries(SUMMARY_METRICS as Record<string, MetricInfo>),
    ...Object.entries(LATENCY_METRICS as Record<string, MetricInfo>).map(([k, i]): Named => [`${k}.{${stats}}`, i]),
    ...METRIC_PATTERNS.map((p): Named => [p.pattern, p]),
  ];
}

function groupSection(group: MetricGroup, metrics: Named[]): string[] {
  const own = metrics.filter(([, i]) => i.group === group);
  if (own.length === 0) return [];
  return [`### ${METRIC_GROUPS[group]}`, '', ...table(['metric', 'unit', 'written by', 'meaning'], own.map(([k, i]) => [`\`${k}\``, UNITS[i.unit], worlds(i), i.doc])), ''];
}

function columnRows(info: Record<string, ColumnInfo>, prefix: string): string[][] {
  return Object.entries(info).map(([k, i]) => [`\`${prefix}${k}\``, UNITS[i.unit], worlds(i), i.doc]);
}

/** The whole document. */
export function metricsMarkdown(): string {
  const metrics = allMetrics();
  const simOnly = metrics.flatMap(([k, i]) => ('notReal' in i ? [[`\`${k}\``, i.notReal]] : []));
  const socketIo = metrics.flatMap(([k, i]) => (i.socketIo === undefined ? [] : [[`\`${k}\``, i.socketIo]]));
  return [
    '# Metrics',
    '',
    '<!-- Generated from src/metrics/catalogue.ts and src/metrics/columns.ts by `npm run docs:metrics`; do not edit. -->',
    '',
    'Every metric a result folder holds, with its unit and the worlds that write it: `sim` (`wsfleet run`) and `real` (`wsfleet real`, real sockets on 127.0.0.1).',
    'Counts are over the whole run unless the name says otherwise; shares are 0–1.',
    '',
    '## Summary metrics (summary.json, summary.csv)',
    '',
    'Latency families write six keys each (`.mean`, `.p50`, `.p90`, `.p99`, `.max` in ms, and `.count`). A sweep writes `variants.<n>.<metric>.mean` and `.ci95` for every metric of its runs.',
    '',
    ...(Object.keys(METRIC_GROUPS) as MetricGroup[]).flatMap((g) => groupSection(g, metrics)),
    '## Distributions (distributions.csv)',
    '',
    `One row per metric and percentile: ${DISTRIBUTION_METRICS.map((m) => `\`${m}\` (${LATENCY_METRICS[m].worlds.join(', ')})`).join(', ')}.`,
    '',
    '## Time series (timeseries.csv)',
    '',
    'One row per sample interval after `timeMs`; counts of events are per interval.',
    '',
    ...table(['column', 'unit', 'written by', 'meaning'], [...columnRows(FLEET_COLUMN_INFO, ''), ...columnRows(SERVER_COLUMN_INFO, 'server.<id>.')]),
    '',
    '## Not measured in real mode',
    '',
    'Real mode writes the same files as the sim (summary.json, summary.csv, timeseries.csv, events.csv, distributions.csv). These sim metrics are absent from its summary, and why:',
    '',
    ...table(['metric', 'why not on real sockets'], simOnly),
    '',
    '## On the socket-io stack',
    '',
    'Real mode with `--stack socket-io` (or `validate.stack: socket-io`) writes every metric the bundled fleet writes, from socket.io-client’s and the Socket.IO server’s events; these it measures differently or cannot measure:',
    '',
    ...table(['metric', 'on the socket-io stack'], socketIo),
    '',
  ].join('\n');
}
