import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_LINE, wsfleet } from './cli.js';

let work: string;
let summary: Record<string, number | null>;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'wsfleet-alerts-'));
  const r = wsfleet(['run', 'experiments/monitoring-alerting.yaml', '--out', join(work, 'run'), '--quiet']);
  expect(r.status, r.stderr).toBe(0);
  summary = JSON.parse(readFileSync(join(work, 'run', 'summary.json'), 'utf8')) as Record<string, number | null>;
}, 120_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('monitoring-alerting', () => {
  it('catches the hung server by its run queue first of the per-server rules; neither up nor the servers’ heartbeat sees a hang', () => {
    const perServer = ['run-queue-backlog', 'cpu-saturated'].map((r) => summary[`alerts.${r}.detectMs.fault1`]);
    expect(perServer.every((d) => typeof d === 'number')).toBe(true);
    expect(summary['alerts.run-queue-backlog.detectMs.fault1']).toBe(Math.min(...(perServer as number[])));
    // Fleet-wide symptoms fire too, without naming the server: its clients leave by their own watchdog.
    expect(typeof summary['alerts.connections-dropped.detectMs.fault1']).toBe('number');
    expect(typeof summary['alerts.connect-failures.detectMs.fault1']).toBe('number');
    // A stopped process runs no timers, so the servers count no heartbeat timeout; and it is up.
    expect(summary['alerts.heartbeat-timeouts.detectMs.fault1']).toBeNull();
    expect(summary['alerts.server-down.detectMs.fault1']).toBeNull();
  });

  it('catches the crash by the up check after its `for:` of 30 s, and by dropped connections at the next scrape', () => {
    expect(summary['alerts.server-down.detectMs.fault2']).toBeGreaterThanOrEqual(30_000);
    expect(summary['alerts.server-down.detectMs.fault2']).toBeLessThanOrEqual(35_000);
    expect(summary['alerts.connections-dropped.detectMs.fault2']).toBeLessThanOrEqual(5_000);
  });

  it('logs firings in events.csv and shows them in report.html and the charts', () => {
    expect(readFileSync(join(work, 'run', 'events.csv'), 'utf8')).toMatch(/^\d+,alert:fired,run-queue-backlog \(server 2\)$/m);
    expect(readFileSync(join(work, 'run', 'report.html'), 'utf8')).toContain('<caption>Alerts: first firing');
    expect(readFileSync(join(work, 'run', 'charts', 'by-server-queue.vl.json'), 'utf8')).toContain('alert run-queue-backlog (server 2)');
  });
});

describe('invalid alert rules', () => {
  it.each([
    ['alerts=[{ name: a, metric: connect.failed, above: 1, below: 2 }]', /alerts\[0\]\.above: expected exactly one of: above, below/],
    ['alerts=[{ name: a, metric: cpu, above: 1 }]', /alerts\[0\]\.metric: expected a fleet column/],
    ['alerts=[{ name: a, scope: server, metric: clients.connected, above: 1 }]', /alerts\[0\]\.metric: expected a server column/],
    ['alerts=[{ name: a, metric: connect.failed, above: 1 }, { name: a, metric: connect.failed, below: 1 }]', /alerts\[1\]\.name: expected a unique name/],
    ['alerts=[{ name: a, metric: messages.latencyP99Ms, above: 100 }]', /alerts\[0\]\.metric: expected a messages: section/],
  ])('%s', (set, message) => {
    const out = join(work, 'bad');
    const r = wsfleet(['run', 'experiments/monitoring-alerting.yaml', '--set', set, '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(existsSync(out)).toBe(false);
  });
});

describe('alerts on message columns', () => {
  it('are evaluated in an experiment with messages', () => {
    const out = join(work, 'messages');
    const r = wsfleet(['run', 'experiments/slow-consumers.yaml', '--scale', '0.05', '--set', 'sweep.replications=1', '--set', 'alerts=[{ name: slow-delivery, metric: messages.latencyP99Ms, above: 1000 }]', '--out', out, '--quiet'], 120_000);
    expect(r.status, r.stderr).toBe(0);
    const stats = readFileSync(join(out, 'summary.csv'), 'utf8');
    expect(stats).toContain('alerts.slow-delivery.firings');
  }, 120_000);
});
