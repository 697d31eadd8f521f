import { z } from 'zod';

/** Options every backoff shares. */
export const attemptLimit = {
  /** Give up after this many retries; 0 retries forever. @default 0 */
  maxAttempts: z.number().int().min(0).default(0),
};

/** Wraps a delay rule with the give-up rule. */
export function limited(maxAttempts: number, delay: (attempt: number) => number): (attempt: number) => number | null {
  return (attempt) => (maxAttempts > 0 && attempt > maxAttempts ? null : delay(attempt));
}

/** base × factor^(attempt−1), capped; the ceiling that jittered schedules draw under. */
export function exponentialCeilingMs(attempt: number, baseMs: number, capMs: number, factor = 2): number {
  return Math.min(capMs, baseMs * Math.pow(factor, attempt - 1));
}
