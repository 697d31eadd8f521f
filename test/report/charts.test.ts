import { describe, expect, it } from 'vitest';
import { seriesScheme, tidyTimeSeries, timeSeriesChart, type TimeSeriesChartOptions } from '../../src/report/charts.js';
import type { Table, VlSpec } from '../../src/report/types.js';
import { serverChartOptions, serverTable } from './fixtures.js';
import { vlCompileWarnings, vlSchemaErrors } from './vl-schema.js';

const twoSeries = [
  { column: 'a', label: 'server a' },
  { column: 'b', label: 'server b' },
];

describe('tidyTimeSeries', () => {
  it('turns N rows × K series into N×K points with time in seconds', () => {
    const table: Table = { columns: ['timeMs', 'a', 'b'], rows: [[0, 1, 2], [500, 3, 4], [1500, 5, 6]] };
    expect(tidyTimeSeries(table, twoSeries, 'timeMs')).toEqual([
      { t: 0, series: 'server a', value: 1 },
      { t: 0, series: 'server b', value: 2 },
      { t: 0.5, series: 'server a', value: 3 },
      { t: 0.5, series: 'server b', value: 4 },
      { t: 1.5, series: 'server a', value: 5 },
      { t: 1.5, series: 'server b', value: 6 },
    ]);
  });

  it('keeps the N×K shape for large tables', () => {
    const points = tidyTimeSeries(serverTable(12, 100), serverChartOptions(12).series, 'timeMs');
    expect(points).toHaveLength(100 * 12);
    expect(points.at(-1)).toMatchObject({ t: 99, series: 'server 11' });
  });

  it('turns non-finite and missing values into null so the line breaks', () => {
    const table: Table = { columns: ['timeMs', 'a', 'b'], rows: [[0, Number.NaN, Infinity], [1000, 7]] };
    expect(tidyTimeSeries(table, twoSeries, 'timeMs').map((p) => p.value)).toEqual([null, null, 7, null]);
  });

  it('reads time from another column when asked', () => {
    const table: Table = { columns: ['a', 'atMs'], rows: [[1, 2000]] };
    expect(tidyTimeSeries(table, [{ column: 'a', label: 'x' }], 'atMs')).toEqual([{ t: 2, series: 'x', value: 1 }]);
  });

  it('rejects unknown columns and duplicate labels with a TypeError naming the option', () => {
    const table: Table = { columns: ['timeMs', 'a'], rows: [] };
    expect(() => tidyTimeSeries(table, [{ column: 'z', label: 'z' }], 'timeMs')).toThrow(/`series\[\]\.column`.*'z'/);
    expect(() => tidyTimeSeries(table, [], 'tMs')).toThrow(TypeError);
    const twice = [{ column: 'a', label: 'x' }, { column: 'a', label: 'x' }];
    expect(() => tidyTimeSeries(table, twice, 'timeMs')).toThrow(/unique.*'x'/);
  });
});

describe('timeSeriesChart', () => {
  const cases: [string, Table, TimeSeriesChartOptions][] = [
    ['one series, no markers', serverTable(1), { ...serverChartOptions(1), markers: [] }],
    ['five series with a marker', serverTable(5), serverChartOptions(5)],
    ['twenty series', serverTable(20), serverChartOptions(20)],
    ['custom time column', { columns: ['atMs', 'v'], rows: [[0, 1], [10, 2]] },
      { title: 't', seriesTitle: 's', yTitle: 'y', xColumn: 'atMs', series: [{ column: 'v', label: 'v' }] }],
  ];

  it.each(cases)('emits a spec valid against the vega-lite schema (%s)', (_name, table, options) => {
    expect(vlSchemaErrors(timeSeriesChart(table, options))).toEqual([]);
  });

  it.each(cases)('compiles without vega-lite warnings (%s)', (_name, table, options) => {
    expect(vlCompileWarnings(timeSeriesChart(table, options))).toEqual([]);
  });

  it('inlines tidy data and titles the x axis in seconds', () => {
    const spec = timeSeriesChart(serverTable(3, 4), serverChartOptions(3));
    const json = JSON.stringify(spec);
    expect(json).toContain('"values":[{"t":0,"series":"server 0","value":1000}');
    expect(json).toContain('"title":"time (s)"');
    expect(json).toContain('"font":"DejaVu Sans"');
    expect(json).not.toMatch(/"url"/);
  });

  it('keeps the legend in the given series order', () => {
    const options = serverChartOptions(12);
    const labels = options.series.map((s) => s.label);
    expect(JSON.stringify(timeSeriesChart(serverTable(12), options))).toContain(`"domain":${JSON.stringify(labels)}`);
  });

  it('ends labels of markers in the right half at their rule so they stay inside the chart', () => {
    const markers = [{ atMs: 10_000, label: 'early' }, { atMs: 55_000, label: 'late' }];
    const options = { ...serverChartOptions(2), markers };
    const json = JSON.stringify(timeSeriesChart(serverTable(2), options));
    expect(json).toContain('{"data":{"values":[{"t":10,"label":"early","row":0}]},"mark":{"type":"text","align":"left"');
    expect(json).toContain('{"data":{"values":[{"t":55,"label":"late","row":1}]},"mark":{"type":"text","align":"right"');
  });

  it('puts successive marker labels on alternating rows; one that would overprint on both rows is left off, its rule kept and named in the tooltip', () => {
    const markers = [{ atMs: 30_000, label: 'crash' }, { atMs: 31_000, label: 'restart' }, { atMs: 32_000, label: 'again' }, { atMs: 45_000, label: 'late' }];
    const spec = timeSeriesChart(serverTable(2), { ...serverChartOptions(2), markers });
    const json = JSON.stringify(spec);
    expect(json).toContain('"label":"crash","row":0');
    expect(json).toContain('"label":"restart","row":1');
    // "again" ends at its rule 1 s right of "crash", which starts 1 s left of it: it would overprint both rows.
    expect(json).toContain('"label":"again","row":-1');
    expect(json).toContain('"label":"late","row":1');
    expect(json).toContain('"dy":-18');
    const layers = (spec as { layer: { mark: { type: string }; data?: { values: { label?: string }[] }; encoding?: { tooltip?: unknown } }[] }).layer;
    const texts = layers.filter((l) => l.mark.type === 'text').flatMap((l) => l.data?.values.map((v) => v.label) ?? []);
    expect(texts.sort()).toEqual(['crash', 'late', 'restart']);
    const rule = layers.find((l) => l.mark.type === 'rule');
    expect(rule?.data?.values.map((v) => v.label)).toEqual(['crash', 'restart', 'again', 'late']);
    expect(rule?.encoding?.tooltip).toEqual({ field: 'label', type: 'nominal' });
  });

  it('labels the first of a burst of alert firings and leaves the rest to their rules and tooltips', () => {
    const markers = [
      { atMs: 20_000, label: 'alert a', tone: 'alert' as const },
      { atMs: 20_500, label: 'alert b', tone: 'alert' as const },
      { atMs: 20_000, label: 'alert c', tone: 'alert' as const },
      { atMs: 40_000, label: 'alert d', tone: 'alert' as const },
    ];
    const spec = timeSeriesChart(serverTable(2), { ...serverChartOptions(2), markers });
    const layers = (spec as { layer: { mark: { type: string; angle?: number }; data?: { values: { label?: string }[] } }[] }).layer;
    const upright = layers.find((l) => l.mark.type === 'text' && l.mark.angle === 270);
    expect(upright?.data?.values.map((v) => v.label)).toEqual(['alert a, alert c', 'alert d']);
    const rule = layers.filter((l) => l.mark.type === 'rule').at(-1);
    expect(rule?.data?.values.map((v) => v.label)).toEqual(['alert a, alert c', 'alert b', 'alert d']);
  });

  it('gives the same spec for the same input', () => {
    const a = timeSeriesChart(serverTable(5), serverChartOptions(5));
    const b = timeSeriesChart(serverTable(5), serverChartOptions(5));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('uses 10 strong hues up to ten series and 20 paired hues beyond', () => {
    expect([1, 10, 11, 20].map(seriesScheme)).toEqual(['tableau10', 'tableau10', 'tableau20', 'tableau20']);
  });
});

describe('the spec checks themselves', () => {
  it('report schema errors for an invalid spec', () => {
    const invalid = { mark: 'lines', data: { values: [] } } as unknown as VlSpec;
    expect(vlSchemaErrors(invalid)).not.toEqual([]);
  });

  it('report compile warnings for a dropped channel', () => {
    const dropped: VlSpec = { data: { values: [] }, mark: 'bar', encoding: { shape: { field: 'a', type: 'nominal' } } };
    expect(vlCompileWarnings(dropped)).not.toEqual([]);
  });
});
