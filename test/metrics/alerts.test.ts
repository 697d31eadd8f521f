import { describe, expect, it } from 'vitest';
import { alertEvents, alertSummary, evaluateAlerts, type AlertRule, type Table } from '../../src/metrics/index.js';

/** Rows every 5 s: fleet failures, and per server cpu and up. */
function table(rows: [failed: number, cpu0: number, up0: number, cpu1: number, up1: number][]): Table {
  return {
    columns: ['timeMs', 'connect.failed', 'server.0.cpu', 'server.0.up', 'server.1.cpu', 'server.1.up'],
    rows: rows.map((r, k) => [k * 5000, ...r]),
  };
}

const rule = (r: Partial<AlertRule>): AlertRule => ({ name: 'r', metric: 'connect.failed', scope: 'fleet', forMs: 0, above: 10, ...r });

describe('alert evaluation over scrapes', () => {
  const t = table([
    [0, 0.1, 1, 0.1, 1],
    [20, 0.95, 1, 0.1, 1],
    [30, 0.95, 1, 0.1, 1],
    [40, 0.95, 1, 0.1, 0],
    [5, 0.2, 1, 0.1, 0],
    [50, 0.2, 1, 0.1, 1],
  ]);

  it('fires at the first breaching scrape without `for`, and resolves at the first scrape without the breach', () => {
    expect(evaluateAlerts(t, [rule({})])).toEqual([
      { rule: 'r', target: 'fleet', firedMs: 5000, resolvedMs: 20000 },
      { rule: 'r', target: 'fleet', firedMs: 25000 },
    ]);
  });

  it('fires only once the breach has held for `forMs` at every scrape', () => {
    expect(evaluateAlerts(t, [rule({ forMs: 10000 })])).toEqual([{ rule: 'r', target: 'fleet', firedMs: 15000, resolvedMs: 20000 }]);
    expect(evaluateAlerts(t, [rule({ forMs: 15000 })])).toEqual([]);
  });

  it('evaluates a server rule per server, and a server that is down is not scraped', () => {
    const firings = evaluateAlerts(t, [rule({ scope: 'server', metric: 'cpu', above: 0.9 })]);
    expect(firings).toEqual([{ rule: 'r', target: 'server 0', firedMs: 5000, resolvedMs: 20000 }]);
    const low = evaluateAlerts(t, [rule({ scope: 'server', metric: 'cpu', above: undefined, below: 0.15 })]);
    // Server 1 is down at 15 s and 20 s: no samples, so its low CPU does not breach then.
    expect(low.filter((f) => f.target === 'server 1')).toEqual([
      { rule: 'r', target: 'server 1', firedMs: 0, resolvedMs: 15000 },
      { rule: 'r', target: 'server 1', firedMs: 25000 },
    ]);
  });

  it('watches `up` itself even when the server is down', () => {
    expect(evaluateAlerts(t, [rule({ scope: 'server', metric: 'up', above: undefined, below: 1, forMs: 5000 })])).toEqual([
      { rule: 'r', target: 'server 1', firedMs: 20000, resolvedMs: 25000 },
    ]);
  });

  it('aggregates a server column over the servers that are up', () => {
    const mean = evaluateAlerts(t, [rule({ metric: 'cpu', aggregate: 'mean', above: 0.5 })]);
    expect(mean).toEqual([{ rule: 'r', target: 'fleet', firedMs: 5000, resolvedMs: 20000 }]);
    // At 15 s only server 0 is up, so the mean is its 0.95.
    expect(evaluateAlerts(t, [rule({ metric: 'cpu', aggregate: 'mean', above: 0.9 })])).toEqual([{ rule: 'r', target: 'fleet', firedMs: 15000, resolvedMs: 20000 }]);
  });
});

describe('time to detect', () => {
  const firings = [
    { rule: 'down', target: 'server 5', firedMs: 450_000 },
    { rule: 'queue', target: 'server 2', firedMs: 195_000 },
    { rule: 'drops', target: 'fleet', firedMs: 205_000 },
    { rule: 'drops', target: 'fleet', firedMs: 425_000 },
  ];
  const rules = ['down', 'queue', 'drops', 'quiet'].map((name) => rule({ name }));
  const faults = [
    { label: 'hang server 2', atMs: 180_000, target: 'server 2' },
    { label: 'crash server 5', atMs: 420_000, target: 'server 5' },
  ];
  const summary = alertSummary(rules, firings, faults);

  it('counts a per-server firing only for the server the fault hit, and a fleet firing for any', () => {
    expect(summary['alerts.down.detectMs.fault1']).toBeNaN();
    expect(summary['alerts.down.detectMs.fault2']).toBe(30_000);
    expect(summary['alerts.queue.detectMs.fault1']).toBe(15_000);
    expect(summary['alerts.drops.detectMs.fault1']).toBe(25_000);
    expect(summary['alerts.drops.detectMs.fault2']).toBe(5_000);
  });

  it('reports firings and the first firing, NaN for a rule that never fired', () => {
    expect(summary['alerts.drops.firings']).toBe(2);
    expect(summary['alerts.drops.firstFiredMs']).toBe(205_000);
    expect(summary['alerts.quiet.firings']).toBe(0);
    expect(summary['alerts.quiet.firstFiredMs']).toBeNaN();
  });

  it('does not credit a firing after the next fault to the earlier one', () => {
    const late = alertSummary([rule({ name: 'drops' })], [{ rule: 'drops', target: 'fleet', firedMs: 425_000 }], faults);
    expect(late['alerts.drops.detectMs.fault1']).toBeNaN();
  });

  it('turns firings into fired and resolved events', () => {
    expect(alertEvents([{ rule: 'queue', target: 'server 2', firedMs: 195_000, resolvedMs: 280_000 }])).toEqual([
      { atMs: 195_000, kind: 'alert:fired', detail: 'queue (server 2)', rule: 'queue', target: 'server 2' },
      { atMs: 280_000, kind: 'alert:resolved', detail: 'queue (server 2)', rule: 'queue', target: 'server 2' },
    ]);
  });
});
