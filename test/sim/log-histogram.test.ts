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
});
