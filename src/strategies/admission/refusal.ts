import { z } from 'zod';
import type { Rng } from '../types.js';
import type { Admission, AdmissionDecision, ServerLoadView } from './types.js';

/** Options every refusing policy shares. */
export interface RetryAfterOptions {
  /** The retry hint sent with a refusal, in ms before jitter; null sends none. @default 5000 */
  retryAfterMs: number | null;
  /** The hint is retryAfterMs × uniform(1 − j, 1 + j), so refused clients do not return in lockstep; in [0, 1]. @default 0.5 */
  retryAfterJitter: number;
}

/** The zod shape of {@link RetryAfterOptions}, spread into each refusing policy's options. */
export const retryAfter = {
  retryAfterMs: z.number().min(0).nullable().default(5000),
  retryAfterJitter: z.number().min(0).max(1).default(0.5),
};

/** The one admit decision; shared, so admitting allocates nothing. */
export const admitted: AdmissionDecision = Object.freeze({ kind: 'admit' });

/** Builds refusals with a jittered hint; one rng draw per refusal that carries a hint, none otherwise. */
export function refuser(options: RetryAfterOptions): (reason: string, rng: Rng) => AdmissionDecision {
  const { retryAfterMs, retryAfterJitter } = options;
  return (reason, rng) => {
    if (retryAfterMs === null) return { kind: 'refuse', reason, retryAfterMs: null };
    const factor = 1 - retryAfterJitter + 2 * retryAfterJitter * rng.next();
    return { kind: 'refuse', reason, retryAfterMs: retryAfterMs * factor };
  };
}

/** A stateless policy that refuses with `reason` whenever `over(view)` holds. */
export function thresholdPolicy(name: string, reason: string, options: RetryAfterOptions, over: (view: ServerLoadView) => boolean): Admission {
  const refuse = refuser(options);
  return {
    name,
    admit(view, _nowMs, rng) {
      return over(view) ? refuse(reason, rng) : admitted;
    },
  };
}
