import * as hdr from 'hdr-histogram-js';

import type { LatencyStat } from './catalogue.js';
import type { CdfPoint } from './result.js';

const MICROS_PER_MS = 1000;

/** Percentiles kept for CDF charts: dense in the tail, where latency problems show. */
export const CDF_PERCENTILES = [0, 1, 5, 10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 85, 90, 95, 97.5, 99, 99.5, 99.9, 99.99, 100] as const;

/**
 * Latency samples in ms: an HDR histogram at microsecond resolution (3 significant digits)
 * for percentiles, and an exact running sum for the mean.
 */
export class LatencyRecorder {
  private readonly histogram = hdr.build({ lowestDiscernibleValue: 1, numberOfSignificantValueDigits: 3, autoResize: true });
  private sumMs = 0;
  private count = 0;
  private maxMs = 0;

  record(valueMs: number): void {
    this.sumMs += valueMs;
    this.count++;
    if (valueMs > this.maxMs) this.maxMs = valueMs;
    this.histogram.recordValue(Math.max(0, Math.round(valueMs * MICROS_PER_MS)));
  }

  get samples(): number {
    return this.count;
  }

  get meanMs(): number {
    return this.count === 0 ? 0 : this.sumMs / this.count;
  }

  /** The value at `percentile` (0–100), in ms; 0 when empty. */
  percentileMs(percentile: number): number {
    return this.count === 0 ? 0 : this.histogram.getValueAtPercentile(percentile) / MICROS_PER_MS;
  }

  /** The distribution at {@link CDF_PERCENTILES}: the value below which each share of samples falls; empty when no samples. */
  cdf(): CdfPoint[] {
    if (this.count === 0) return [];
    return CDF_PERCENTILES.map((percentile) => ({ percentile, valueMs: percentile === 100 ? this.maxMs : this.percentileMs(percentile) }));
  }

  /** `{prefix}.mean`, `.p50`, `.p90`, `.p99`, `.max` and `.count`. */
  summarize<P extends string>(prefix: P): Record<`${P}.${LatencyStat}`, number> {
    return {
      [`${prefix}.mean`]: this.meanMs,
      [`${prefix}.p50`]: this.percentileMs(50),
      [`${prefix}.p90`]: this.percentileMs(90),
      [`${prefix}.p99`]: this.percentileMs(99),
      [`${prefix}.max`]: this.maxMs,
      [`${prefix}.count`]: this.count,
    } as Record<`${P}.${LatencyStat}`, number>;
  }
}
