/** Observations per batch in MSER-5. */
const BATCH = 5;

export interface Mser5 {
  /** Batches of five cut from the start, d. */
  truncateBatches: number;
  /** Observations cut from the start, 5·d: the steady state starts at this index. */
  truncateIndex: number;
  /** Mean of every raw observation from truncateIndex to the end (NaN for an empty series). */
  mean: number;
}

/**
 * MSER-5 warm-up detection (K. P. White Jr., "An effective truncation heuristic for bias reduction in
 * simulation output", Simulation 69(6), 1997; W. W. Franklin and K. P. White Jr., "Stationarity tests
 * and MSER-5", Winter Simulation Conference 2008): where to cut an initial transient off an output series.
 *
 * The series is cut into k batch means Y_1..Y_k of 5 consecutive observations (an incomplete last batch
 * is left out of the batches, not of the returned mean). For each d in [0, ⌊k/2⌋],
 * MSER(d) = Σ_{j>d} (Y_j − Ȳ_d)² / (k − d)², with Ȳ_d the mean of the batches after d: the squared
 * standard error of the truncated mean, which a transient inflates and truncation pays for in fewer
 * batches. The d with the smallest MSER wins (ties: the smallest d, so a constant series keeps
 * everything). At least two batches are always kept (with one left, MSER is 0 by construction and would
 * win regardless), so series shorter than 15 observations are not truncated.
 *
 * O(n): the sums of squared deviations of every suffix come from one backward pass of Welford's
 * update, which stays exact for a constant series where Σy² − (Σy)²/n would not.
 */
export function mser5(series: readonly number[]): Mser5 {
  for (const v of series) if (!Number.isFinite(v)) throw new TypeError(`mser5: every observation must be a finite number, got ${v}`);
  const k = Math.floor(series.length / BATCH);
  const lastCandidate = Math.min(Math.floor(k / 2), k - 2);
  let best = 0;
  let bestMser = Infinity;
  let count = 0;
  let mean = 0;
  let squares = 0;
  for (let j = k - 1; j >= 0; j--) {
    let sum = 0;
    for (let i = j * BATCH; i < (j + 1) * BATCH; i++) sum += series[i] as number;
    const y = sum / BATCH;
    count++;
    const delta = y - mean;
    mean += delta / count;
    squares += delta * (y - mean);
    if (j > lastCandidate) continue;
    const mser = squares / (count * count);
    if (mser <= bestMser) {
      best = j;
      bestMser = mser;
    }
  }
  const truncateIndex = best * BATCH;
  let rest = 0;
  for (let i = truncateIndex; i < series.length; i++) rest += series[i] as number;
  return { truncateBatches: best, truncateIndex, mean: rest / (series.length - truncateIndex) };
}
