import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { expandGrid } from '../../src/experiment/index.js';
import { sweepCurve, type VariantData } from '../../src/report/chart-requests.js';
import { chartCaption, displayUnit, shortVariantLabels, spansDecades, unitOf } from '../../src/report/readable.js';
import { charts } from '../../src/report/fleet-charts.js';
import { compareChart, seriesByVariantChart } from '../../src/report/sweep-charts.js';
import type { VlSpec } from '../../src/report/types.js';

interface SweepFile {
  sweep?: { grid: Record<string, unknown[]>; compare?: string[] };
}
const sweeps = readdirSync('experiments')
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => ({ file: f, data: parse(readFileSync(join('experiments', f), 'utf8')) as SweepFile }))
  .filter((s) => s.data.sweep !== undefined);

const valuesOf = (grid: Record<string, unknown[]>) =>
  expandGrid(grid).map((v) => Object.fromEntries(v.overrides.map((o) => [o.path.join('.'), o.value])));

/** Every axis title in a spec, layers included. */
function axisTitles(spec: VlSpec): string[] {
  const out: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node !== null && typeof node === 'object') {
      const enc = (node as { encoding?: Record<string, { title?: unknown }> }).encoding;
      for (const ch of ['x', 'y'] as const) {
        const t = enc?.[ch]?.title;
        if (typeof t === 'string') out.push(t);
      }
      for (const v of Object.values(node)) visit(v);
    }
  };
  visit(spec);
  return out;
}

describe('variant labels keep what differs, named', () => {
  it('drop the common path and name a one-path sweep’s values', () => {
    expect(shortVariantLabels([{ 'clients.reconnect.full-jitter.baseMs': 250 }, { 'clients.reconnect.full-jitter.baseMs': 1000 }])).toEqual(['baseMs=250', 'baseMs=1000']);
    expect(
      shortVariantLabels([
        { 'a.b.baseMs': 1, 'a.b.capMs': 5 },
        { 'a.b.baseMs': 1, 'a.b.capMs': 9 },
      ]),
    ).toEqual(['capMs=5', 'capMs=9']);
  });

  it('use longer path suffixes where two paths end alike', () => {
    expect(shortVariantLabels([{ 'x.timeoutMs': 1, 'y.timeoutMs': 2 }, { 'x.timeoutMs': 3, 'y.timeoutMs': 4 }])).toEqual(['x.timeoutMs=1, y.timeoutMs=2', 'x.timeoutMs=3, y.timeoutMs=4']);
  });

  it.each(sweeps.map((s) => [s.file, s.data] as const))('%s: no two variants of a chart share a label', (_, data) => {
    const labels = shortVariantLabels(valuesOf(data.sweep?.grid ?? {}));
    expect(new Set(labels).size).toBe(labels.length);
    for (const label of labels) expect(label).toMatch(/=/);
  });
});

describe('charts name their units', () => {
  it('milliseconds read as seconds past 10 s, bytes as kB/MB/GB', () => {
    expect(displayUnit('ms', [120, 900])).toEqual({ factor: 1, label: 'ms' });
    expect(displayUnit('ms', [210_000])).toEqual({ factor: 1 / 1000, label: 's' });
    expect(displayUnit('bytes', [12_000_000])).toEqual({ factor: 1e-6, label: 'MB' });
    expect(displayUnit('share', [0.5]).label).toBe('share 0–1');
    expect(unitOf('recovery.ms99')).toBe('ms');
    expect(unitOf('server.3.memoryBytes')).toBe('bytes');
    expect(unitOf('clients.connected')).toBe('count');
    expect(spansDecades([1, 50])).toBe(false);
    expect(spansDecades([1, 7_900_000])).toBe(true);
  });

  it.each(sweeps.map((s) => [s.file, s.data] as const))('%s: every compared metric’s chart has its unit on the axis and values as the tables print them', (_, data) => {
    const values = valuesOf(data.sweep?.grid ?? {});
    const labels = shortVariantLabels(values);
    for (const metric of data.sweep?.compare ?? []) {
      const unit = unitOf(metric);
      expect(unit, `${metric} is in the catalogue`).toBeDefined();
      const stats = labels.map((short, k) => ({ variant: `full ${String(k)}`, short, mean: 1000 * (k + 1), ci95: 10, n: 2 }));
      const spec = compareChart(metric, stats);
      const titles = axisTitles(spec);
      expect(titles.length).toBeGreaterThan(0);
      for (const t of titles) expect(t).toMatch(/\((ms|s|count|share 0–1|ratio|per second|bytes|kB|MB|GB)\)$/);
      const data2 = (spec as { data: { values: { variant: string; label: string }[] } }).data.values;
      expect(new Set(data2.map((d) => d.variant)).size).toBe(labels.length);
      expect(data2[0]?.label).toMatch(/±/);
    }
  });

  it('a sweep curve names the swept parameter and the metric’s unit; a by-variant series names its unit and marks faults', () => {
    const variants: VariantData[] = [250, 1000, 4000].map((b) => ({ label: `baseMs=${String(b)}`, values: { 'clients.reconnect.full-jitter.baseMs': b }, metrics: { 'recovery.ms99': { mean: b * 30, ci95: 100, n: 2 } } }));
    const curve = sweepCurve('recovery.ms99', 'clients.reconnect.full-jitter.baseMs', variants);
    expect(axisTitles(curve)).toEqual(expect.arrayContaining(['baseMs (ms)', 'recovery.ms99 (s)']));
    const table = { columns: ['timeMs', 'clients.connected'], rows: [[0, 1], [1000, 2]] };
    const series = seriesByVariantChart('clients.connected', [{ variant: 'a=1', table }, { variant: 'a=2', table }], [{ atMs: 500, label: 'crash server 0' }]);
    expect(axisTitles(series)).toContain('clients.connected (count)');
    expect(JSON.stringify(series)).toContain('crash server 0');
  });

  it('captions say what a chart shows, from the chart registry or the catalogue', () => {
    expect(chartCaption('connections-by-server', charts)).toBe('Open connections on each server over time, with faults marked');
    expect(chartCaption('compare-connect.attempts', charts)).toMatch(/^connect\.attempts for each variant, mean and 95 % confidence interval: .+/);
    expect(chartCaption('compare-connect.attempts', charts)).not.toContain('in the interval');
    expect(chartCaption('series-clients.connected', charts)).toContain('clients with an open connection');
  });

  it('values spanning orders of magnitude get a logarithmic axis', () => {
    const spec = compareChart('connections.idleClosed.proxy', [
      { variant: 'a', mean: 3, ci95: 0, n: 1 },
      { variant: 'b', mean: 7_900_000, ci95: 0, n: 1 },
    ]);
    expect(JSON.stringify(spec)).toContain('"type":"symlog"');
  });
});
