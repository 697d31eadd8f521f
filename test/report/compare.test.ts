import { describe, expect, it } from 'vitest';
import { atCap, capOf, compareCells, compareText, runCaps, sweepNotReached, versusBest } from '../../src/report/compare.js';
import { compareChart } from '../../src/report/sweep-charts.js';
import { summaryTables } from '../../src/report/summary-tables.js';
import { describeMetric } from '../../src/metrics/index.js';

const join = { kind: 'server:join', atMs: 60_000 };
const crash = { kind: 'server:crash', atMs: 90_000 };
const yaml = (durationMs: number): string => `name: x\ndurationMs: ${String(durationMs)}\n`;

interface Row {
  variant: string;
  mean: number | null;
  label: string;
  tone: string;
}
const rows = (spec: unknown): Row[] => (spec as { data: { values: Row[] } }).data.values;

describe('capped metrics: "never" is not a measurement', () => {
  it('the catalogue marks which metrics are capped and from what', () => {
    expect(describeMetric('recovery.ms99')?.capped).toBe('disruptive-fault');
    expect(describeMetric('recovery.ms95')?.capped).toBe('disruptive-fault');
    expect(describeMetric('scaleOut.msToFairShare')?.capped).toBe('server-join');
    expect(describeMetric('connect.latencyMs.p99')?.capped).toBeUndefined();
  });

  it('the cap is the run length less the start event; a value there means not reached', () => {
    expect(capOf('scaleOut.msToFairShare', [crash, join], 900_000)).toBe(840_000);
    expect(capOf('recovery.ms99', [join, crash], 300_000)).toBe(210_000);
    expect(capOf('recovery.ms99', [join], 300_000)).toBeUndefined();
    expect(capOf('availability', [crash], 300_000)).toBeUndefined();
    expect(atCap(840_000, 840_000)).toBe(true);
    expect(atCap(365_000, 840_000)).toBe(false);
    expect(atCap(Number.NaN, 840_000)).toBe(false);
    // A value and an event time rounded to 9 significant digits still meet at the cap; a step short of it does not.
    expect(atCap(839_999.9999, 840_000.0001)).toBe(true);
    expect(atCap(839_990, 840_000)).toBe(false);
    expect(runCaps({ 'recovery.ms99': 210_000, 'recovery.ms95': 12_000, availability: 0.9 }, [crash], 300_000)).toEqual({ 'recovery.ms99': 210_000, 'recovery.ms95': 210_000 });
  });

  it('a sweep counts, per variant, the replications that stopped at the cap', () => {
    const records = [
      { variant: 0, replication: 0, summary: { 'scaleOut.msToFairShare': 365_000 }, events: [join], resolvedYaml: yaml(900_000) },
      { variant: 1, replication: 0, summary: { 'scaleOut.msToFairShare': 840_000 }, events: [join], resolvedYaml: yaml(900_000) },
      { variant: 1, replication: 1, summary: { 'scaleOut.msToFairShare': 840_000 } },
      { variant: 2, replication: 0, summary: { 'scaleOut.msToFairShare': 840_000 }, events: [join], resolvedYaml: yaml(900_000) },
      { variant: 2, replication: 1, summary: { 'scaleOut.msToFairShare': 500_000 } },
    ];
    const never = sweepNotReached(records);
    expect(never.has(0)).toBe(false);
    expect(never.get(1)?.['scaleOut.msToFairShare']).toEqual({ runs: 2, of: 2, cap: 840_000 });
    expect(never.get(2)?.['scaleOut.msToFairShare']).toEqual({ runs: 1, of: 2, cap: 840_000 });
  });

  it('tables say "not reached", or a lower bound when only some runs stopped at the cap', () => {
    expect(compareText({ mean: 840_000, ci95: 0, n: 1 }, { runs: 1, of: 1, cap: 840_000 })).toBe('not reached (> 840,000)');
    expect(compareText({ mean: 670_000, ci95: 20_000, n: 2 }, { runs: 1, of: 2, cap: 840_000 })).toBe('≥ 670,000 ± 20,000 (not reached in 1 of 2)');
    const [table] = summaryTables({ 'recovery.ms99': 210_000, 'recovery.ms95': 12_000 }, { 'recovery.ms99': 210_000, 'recovery.ms95': 210_000 });
    expect(table?.rows.find((r) => r[0] === 'recovery.ms99')?.[1]).toBe('not reached (> 210,000)');
    expect(table?.rows.find((r) => r[0] === 'recovery.ms95')?.[1]).toBe('12,000');
  });

  it('the compare chart draws no bar for a variant that never got there, and says so; sticky and round-robin no longer look like a measurement', () => {
    const never = { runs: 1, of: 1, cap: 840_000 };
    const spec = compareChart('scaleOut.msToFairShare', [
      { variant: 'least-connections', mean: 365_000, ci95: 0, n: 1 },
      { variant: 'sticky', mean: 840_000, ci95: 0, n: 1, notReached: never },
      { variant: 'round-robin', mean: 840_000, ci95: 0, n: 1, notReached: never },
      { variant: 'half', mean: 600_000, ci95: 0, n: 1, notReached: { runs: 1, of: 2, cap: 840_000 } },
    ]);
    const [lc, sticky, rr, half] = rows(spec);
    expect(lc).toMatchObject({ mean: 365, label: '365', tone: 'measured' });
    expect(sticky).toMatchObject({ mean: null, label: 'not reached (> 840 s)' });
    expect(rr).toMatchObject({ mean: null, label: 'not reached (> 840 s)' });
    expect(half).toMatchObject({ mean: 600, tone: 'partial' });
    expect(half?.label).toMatch(/^≥ 600 \(not reached in 1 of 2\)$/);
    expect(JSON.stringify((spec as { title: unknown }).title)).toContain('not reached');
  });
});

describe('differences to the best variant are called significant or not', () => {
  it('the best follows the catalogue’s direction; overlapping 95 % intervals are not significant', () => {
    // balancing-algorithms: round-robin's p99 790 ± 1,143 ms against power-of-d's 263 ± 171 ms.
    const p99 = [
      { mean: 790, ci95: 1143, n: 3 },
      { mean: 263, ci95: 171, n: 3 },
      { mean: 7840, ci95: 585, n: 3 },
    ];
    expect(versusBest('connect.latencyMs.p99', p99)).toEqual(['overlaps', 'best', 'apart']);
    expect(versusBest('availability', [{ mean: 0.99, ci95: 0.001, n: 3 }, { mean: 0.9, ci95: 0.01, n: 3 }])).toEqual(['best', 'apart']);
    expect(describeMetric('connect.latencyMs.count')?.better).toBeUndefined();
  });

  it('says nothing without replications, an interval or a direction', () => {
    expect(versusBest('connect.latencyMs.p99', [{ mean: 1, ci95: 0, n: 1 }, { mean: 2, ci95: 0, n: 1 }])).toEqual([undefined, undefined]);
    expect(versusBest('connect.latencyMs.p99', [{ mean: 1, ci95: Number.NaN, n: 2 }, { mean: 2, ci95: 1, n: 2 }])).toEqual([undefined, undefined]);
    expect(versusBest('events.processed', [{ mean: 1, ci95: 0.1, n: 2 }, { mean: 2, ci95: 0.1, n: 2 }])).toEqual([undefined, undefined]);
  });

  it('tables and bar labels carry the verdict', () => {
    expect(compareCells('connect.latencyMs.p99', [{ mean: 790, ci95: 1143, n: 3 }, { mean: 263, ci95: 171, n: 3 }, { mean: 7840, ci95: 585, n: 3 }])).toEqual([
      '790 ± 1,143 (≈ best, not significant)',
      '263 ± 171 (best)',
      '7,840 ± 585',
    ]);
    const spec = compareChart('connect.latencyMs.p99', [
      { variant: 'round-robin', mean: 790, ci95: 1143, n: 3 },
      { variant: 'power-of-d', mean: 263, ci95: 171, n: 3 },
    ]);
    expect(rows(spec).map((r) => r.label)).toEqual(['790 ± 1,143 (≈ best, not significant)', '263 ± 171 (best)']);
    expect(JSON.stringify((spec as { title: unknown }).title)).toContain('not significant');
  });
});
