import type { LatencyStat } from './catalogue.js';

/** Sub-buckets per power of two: values are kept to 1/512 (about 0.2 %) of their size. */
const SUB_BITS = 9;
const SUB = 1 << SUB_BITS;
/** Exponents above the linear range covered (values up to 2^52 µs). */
const EXPONENTS = 52 - SUB_BITS;
const SIZE = 2 * SUB + EXPONENTS * SUB;

/**
 * Latencies in ms for hot paths (one sample per message per recipient): a log-linear histogram at
 * microsecond resolution, like HDR with 2^-9 relative precision, but one inlined index computation
 * per sample. Exact count, sum and max; percentiles are the upper edge of their bucket.
 */
export class LogHistogram {
  private readonly counts = new Float64Array(SIZE);
  private count = 0;
  private sumMs = 0;
  private maxMs = 0;

  record(valueMs: number): void {
    this.count++;
    this.sumMs += valueMs;
    if (valueMs > this.maxMs) this.maxMs = valueMs;
    const idx = LogHistogram.index(Math.max(0, Math.round(valueMs * 1000)));
    this.counts[idx] = (this.counts[idx] as number) + 1;
  }

  /**
   * Records `base + sorted[k]` for k in [from, to), where `sorted` ascends and `prefix[k]` is the sum of
   * its first k values: a cohort of recipients whose latencies are the same offsets shifted by one
   * batch's start. The buckets are those `record` gives each value, found once per bucket spanned (the
   * values in it are only compared, eight at a time); the sum is the same to rounding. Checked against `record` in test/sim/log-histogram.test.ts.
   */
  recordShifted(baseMs: number, sorted: Float64Array, prefix: Float64Array, from: number, to: number): void {
    if (to <= from) return;
    this.count += to - from;
    this.sumMs += (to - from) * baseMs + ((prefix[to] as number) - (prefix[from] as number));
    const top = baseMs + (sorted[to - 1] as number);
    if (top > this.maxMs) this.maxMs = top;
    const counts = this.counts;
    let k = from;
    while (k < to) {
      const idx = LogHistogram.index(Math.max(0, Math.round((baseMs + (sorted[k] as number)) * 1000)));
      // Values round into this bucket while their µs value is below the next bucket's first.
      const limitUs = idx < SIZE - 1 ? (UPPER[idx] as number) + 0.5 : Infinity;
      let end = k + 1;
      while (end + 7 < to && (baseMs + (sorted[end + 7] as number)) * 1000 < limitUs) end += 8;
      while (end < to && (baseMs + (sorted[end] as number)) * 1000 < limitUs) end++;
      counts[idx] = (counts[idx] as number) + (end - k);
      k = end;
    }
  }

  /** Bucket of a value in µs: exact below 2 × SUB, then SUB buckets per power of two. */
  static index(us: number): number {
    if (us < 2 * SUB) return us;
    if (us < 2 ** 31) {
      const shift = 31 - Math.clz32(us) - SUB_BITS;
      return (shift + 1) * SUB + (us >>> shift) - SUB;
    }
    const msb = Math.floor(Math.log2(us));
    const shift = msb - SUB_BITS;
    return Math.min(SIZE - 1, (shift + 1) * SUB + Math.floor(us / 2 ** shift) - SUB);
  }

  /** The largest µs value that falls in bucket `idx`. */
  static upper(idx: number): number {
    if (idx < 2 * SUB) return idx;
    const shift = Math.floor(idx / SUB) - 1;
    return (idx - (shift + 1) * SUB + SUB + 1) * 2 ** shift - 1;
  }

  /** Adds every sample of `other` (an interval's histogram into the run's). */
  add(other: LogHistogram): void {
    for (let k = 0; k < SIZE; k++) this.counts[k] = (this.counts[k] as number) + (other.counts[k] as number);
    this.count += other.count;
    this.sumMs += other.sumMs;
    if (other.maxMs > this.maxMs) this.maxMs = other.maxMs;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.sumMs = 0;
    this.maxMs = 0;
  }

  get samples(): number {
    return this.count;
  }

  /** The value at `percentile` (0–100) in ms, never above the maximum; 0 when empty. */
  percentileMs(percentile: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil((percentile / 100) * this.count));
    let seen = 0;
    for (let k = 0; k < SIZE; k++) {
      seen += this.counts[k] as number;
      if (seen >= rank) return Math.min(this.maxMs, LogHistogram.upper(k) / 1000);
    }
    return this.maxMs;
  }

  /** `{prefix}.mean`, `.p50`, `.p90`, `.p99`, `.max` and `.count`, as LatencyRecorder gives. */
  summarize<P extends string>(prefix: P): Record<`${P}.${LatencyStat}`, number> {
    return {
      [`${prefix}.mean`]: this.count === 0 ? 0 : this.sumMs / this.count,
      [`${prefix}.p50`]: this.percentileMs(50),
      [`${prefix}.p90`]: this.percentileMs(90),
      [`${prefix}.p99`]: this.percentileMs(99),
      [`${prefix}.max`]: this.maxMs,
      [`${prefix}.count`]: this.count,
    } as Record<`${P}.${LatencyStat}`, number>;
  }
}

/** The largest µs value of every bucket (LogHistogram.upper), for recordShifted. */
const UPPER = Float64Array.from({ length: SIZE }, (_, idx) => LogHistogram.upper(idx));
