import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogueKeys, describeMetric, DISTRIBUTION_METRICS, LATENCY_METRICS, METRIC_PATTERNS, metricsMarkdown, splitSweepKey, SUMMARY_METRICS, type MetricInfo } from '../../src/metrics/index.js';
import { summaryTables } from '../../src/report/summary-tables.js';

const root = join(import.meta.dirname, '..', '..');
const goldenDir = join(root, 'test', 'golden');

/** Every single-run key the sim wrote for the experiment goldens; a sweep's keys with their variant prefix removed. */
function goldenKeys(): Map<string, string> {
  const keys = new Map<string, string>();
  for (const f of readdirSync(goldenDir).filter((n) => n.endsWith('.summary.json'))) {
    for (const key of Object.keys(JSON.parse(readFileSync(join(goldenDir, f), 'utf8')) as object)) {
      keys.set(splitSweepKey(key)?.metric ?? key, f);
    }
  }
  return keys;
}

describe('the metric catalogue', () => {
  const written = goldenKeys();

  it('describes every key the sim writes for every experiment golden', () => {
    const unknown = [...written].filter(([key]) => describeMetric(key) === undefined).map(([key, file]) => `${key} (${file})`);
    expect(unknown).toEqual([]);
    expect(written.size).toBeGreaterThan(100);
  });

  it('has every metric it marks sim in some golden summary', () => {
    const missing = catalogueKeys('sim').filter((key) => !written.has(key));
    expect(missing).toEqual([]);
    const patterns = METRIC_PATTERNS.filter((p) => ![...written.keys()].some((key) => p.regex.test(key))).map((p) => p.pattern);
    expect(patterns).toEqual([]);
  });

  it('gives every metric real mode does not write a reason, and none to those it writes', () => {
    for (const [key, info] of Object.entries({ ...SUMMARY_METRICS, ...LATENCY_METRICS } as Record<string, MetricInfo>)) {
      const realToo = (info.worlds as readonly string[]).includes('real');
      expect('notReal' in info, key).toBe(!realToo);
    }
  });

  it('resolves latency statistics, alert patterns and sweep keys, and rejects unknown names', () => {
    expect(describeMetric('connect.latencyMs.p99')).toMatchObject({ group: 'connects', unit: 'ms', worlds: ['sim', 'real'] });
    expect(describeMetric('handshake.waitMs.count')).toMatchObject({ unit: 'count', notReal: expect.stringContaining('accept queue') as string });
    expect(describeMetric('alerts.server-down.detectMs.fault2')).toMatchObject({ name: 'alerts.<rule>.detectMs.fault<k>', unit: 'ms' });
    expect(splitSweepKey('variants.12.recovery.ms95.ci95')).toEqual({ variant: 12, metric: 'recovery.ms95', stat: 'ci95' });
    for (const bad of ['connect.latencyMs.p42', 'clients.arived', 'alerts.Bad_Rule.firings', 'toString', 'constructor']) expect(describeMetric(bad), bad).toBeUndefined();
  });

  it('keeps distributions among the latency families', () => {
    for (const m of DISTRIBUTION_METRICS) expect(LATENCY_METRICS[m].cdf).toBe(true);
  });

  it('docs/metrics.md is the generated text (npm run docs:metrics rewrites it)', () => {
    expect(readFileSync(join(root, 'docs', 'metrics.md'), 'utf8')).toBe(metricsMarkdown());
  });

  it('report.html groups a summary in catalogue order, with units and meanings, unknown keys last', () => {
    const tables = summaryTables({ availability: 0.99, 'clients.arrived': 10, 'connect.latencyMs.p99': 40, 'connect.attempts': 12, 'zz.custom': 1 });
    expect(tables.map((t) => t.caption)).toEqual(['Summary: Clients (summary.csv)', 'Summary: Connect attempts (summary.csv)', 'Summary: Other (summary.csv)']);
    expect(tables[0]?.rows.map((r) => r[0])).toEqual(['clients.arrived', 'availability']);
    expect(tables[1]?.rows).toEqual([
      ['connect.attempts', '12', 'count', 'connect attempts'],
      ['connect.latencyMs.p99', '40', 'ms', 'from the start of an attempt to the open connection: 99th percentile'],
    ]);
    expect(tables[2]?.rows).toEqual([['zz.custom', '1', '', '']]);
  });
});
