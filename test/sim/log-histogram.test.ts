import { describe, expect, it } from 'vitest';
import { LogHistogram } from '../../src/metrics/index.js';
import { RngStreams } from '../../src/engine/index.js';

describe('LogHistogram', () => {
  it('buckets tile the microseconds without gaps, each at most 1/512 of its values wide', () => {
    let previousUpper = -1;
    for (let idx = 0; idx < 1024 + 40 * 512; idx++) {
      const low = previousUpper + 1;
      const up = LogHistogram.upper(idx);
      expect(LogHistogram.index(low)).toBe(idx);
      expect(LogHistogram.index(up)).toBe(idx);
      if (low >= 1024) expect((up - low + 1) / low).toBeLessThanOrEqual(1 / 512);
      previousUpper = up;
    }
  });

  it('percentiles are within 0.2 % of the exact order statistics; count, mean and max are exact', () => {
    const rng = new RngStreams(3).stream('latency');
    const h = new LogHistogram();
    const values: number[] = [];
    for (let k = 0; k < 20_000; k++) {
      const v = -50 * Math.log(1 - rng.next()) + 0.5;
      values.push(v);
      h.record(v);
    }
    values.sort((a, b) => a - b);
    for (const p of [50, 90, 99]) {
      const exact = values[Math.ceil((p / 100) * values.length) - 1] as number;
      expect(Math.abs(h.percentileMs(p) - exact) / exact).toBeLessThan(0.002 + 0.001 / exact);
    }
    const s = h.summarize('x');
    expect(s['x.count']).toBe(20_000);
    expect(s['x.max']).toBe(values[values.length - 1]);
    expect(s['x.mean']).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 9);
  });

  it('adding an interval histogram equals recording into one', () => {
    const a = new LogHistogram();
    const b = new LogHistogram();
    const both = new LogHistogram();
    for (let k = 1; k < 5000; k++) {
      (k % 3 === 0 ? a : b).record(k * 0.37);
      both.record(k * 0.37);
    }
    a.add(b);
    const { 'x.mean': mean, ...rest } = a.summarize('x');
    const { 'x.mean': meanBoth, ...restBoth } = both.summarize('x');
    expect(rest).toEqual(restBoth);
    expect(mean).toBeCloseTo(meanBoth as number, 9);
  });

  it('recording a sorted cohort shifted by a base gives the buckets, count and max of recording each value', () => {
    const rng = new RngStreams(11).stream('cohort');
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(rng.next() * 3000);
      const spread = [0.01, 1, 300][trial % 3] as number;
      const offsets = Array.from({ length: n }, () => (rng.next() - 0.5) * spread + (trial % 5 === 0 ? -0.2 : 0)).sort((a, b) => a - b);
      const sorted = Float64Array.from(offsets);
      const prefix = new Float64Array(n + 1);
      for (let k = 0; k < n; k++) prefix[k + 1] = (prefix[k] as number) + (sorted[k] as number);
      const base = [0.05, 3, 120, 40_000][trial % 4] as number;
      const from = Math.floor(rng.next() * n);
      const to = from + Math.floor(rng.next() * (n - from + 1));
      const one = new LogHistogram();
      const shifted = new LogHistogram();
      for (let k = from; k < to; k++) one.record(base + (sorted[k] as number));
      shifted.recordShifted(base, sorted, prefix, from, to);
      const a = one.summarize('x');
      const b = shifted.summarize('x');
      for (const stat of ['count', 'p50', 'p90', 'p99', 'max'] as const) expect(b[`x.${stat}`], `${stat} in trial ${trial}`).toBe(a[`x.${stat}`]);
      expect(b['x.mean']).toBeCloseTo(a['x.mean'] as number, 6);
      for (const p of [1, 10, 25, 75, 99.9]) expect(shifted.percentileMs(p)).toBe(one.percentileMs(p));
    }
  });
});
