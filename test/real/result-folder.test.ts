import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { catalogueKeys, describeMetric, DISTRIBUTION_METRICS, LATENCY_METRICS } from '../../src/metrics/index.js';
import { wsfleet } from '../cli/cli.js';
import { experimentFile, smallExperiment } from './helpers.js';

describe('wsfleet real writes the files of a sim result folder', () => {
  it('a short run with messages, a heartbeat, a crash and some long-polling clients: distributions.csv and every metric the catalogue marks real', () => {
    const { file, cleanup } = experimentFile(
      smallExperiment({
        durationMs: 5000,
        heartbeat: { 'ping-pong': { intervalMs: 500, timeoutMs: 500 } },
        clients: { arrivals: { ramp: { clients: 40, overMs: 300 } }, reconnect: { constant: { delayMs: 300 } } },
        faults: [{ crash: { server: 0, atMs: 2000, restartAfterMs: 1000 } }],
        messages: { channels: 4, popularityExponent: 0, bytes: 64, backendPerSec: 40, resume: 'history', history: { maxMessages: 10_000, ttlMs: 120_000 } },
        polling: { share: 0.25, holdMs: 500, sessionTimeoutMs: 2000 },
      }),
    );
    try {
      const out = join(file, '..', 'out');
      const r = wsfleet(['real', file, '--out', out, '--quiet'], 90_000);
      expect(r.status, r.stderr).toBe(0);
      for (const f of ['experiment.resolved.yaml', 'summary.json', 'summary.csv', 'timeseries.csv', 'events.csv', 'distributions.csv', 'report.html']) expect(existsSync(join(out, f)), f).toBe(true);

      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Record<string, number>;
      // Every real metric but those written only after a server joins (this run has no autoscaler).
      expect(catalogueKeys('real').filter((k) => !(k in summary) && describeMetric(k)?.when !== 'scale-out')).toEqual([]);
      // Nothing real mode writes is missing from the catalogue or marked sim-only there.
      expect(Object.keys(summary).filter((k) => !(describeMetric(k)?.worlds as readonly string[] | undefined)?.includes('real'))).toEqual([]);
      expect(summary['heartbeat.pongs']).toBeGreaterThan(0);
      expect(summary['messages.resumes']).toBeGreaterThan(0);
      expect(summary['balancer.cpu.utilization.mean']).toBeGreaterThan(0);
      expect(summary['polling.requests']).toBeGreaterThan(0);

      const rows = parse(readFileSync(join(out, 'distributions.csv'), 'utf8'), { columns: true }) as { metric: string; percentile: string; valueMs: string }[];
      const realDistributions = DISTRIBUTION_METRICS.filter((m) => (LATENCY_METRICS[m].worlds as readonly string[]).includes('real'));
      expect([...new Set(rows.map((row) => row.metric))]).toEqual(realDistributions);
      const p99 = rows.find((row) => row.metric === 'connect.latencyMs' && row.percentile === '99');
      expect(Number(p99?.valueMs)).toBeGreaterThan(0);

      // The folder redraws from its own files, events read back with their fields.
      const again = wsfleet(['report', out, '--quiet']);
      expect(again.status, again.stderr).toBe(0);
    } finally {
      cleanup();
    }
  }, 120_000);
});
