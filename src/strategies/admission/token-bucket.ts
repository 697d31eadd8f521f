import type { Admission } from './types.js';
import { admitted, refuser, type RetryAfterOptions } from './refusal.js';

export interface TokenBucketOptions extends RetryAfterOptions {
  /** Handshakes admitted per second in the long run. @default 500 */
  ratePerSec: number;
  /** Tokens the bucket holds (the largest burst admitted at once); null uses max(1, ratePerSec). @default null */
  burst: number | null;
}

/**
 * Rate-limits handshakes: the bucket starts full, refills continuously at ratePerSec up to `burst`,
 * and each admission takes one token; with less than one token it refuses with 'rate'.
 * Refusals take no token. Time is the first `nowMs` seen onwards, and never runs backwards.
 */
export function createTokenBucket(options: TokenBucketOptions): Admission {
  const { ratePerSec } = options;
  const burst = options.burst ?? Math.max(1, ratePerSec);
  const refuse = refuser(options);
  let tokens = burst;
  let lastMs: number | null = null;
  /** Rounding slack, so a refill summed from inexact times still reaches a whole token. */
  const whole = 1 - 1e-9;

  const refill = (nowMs: number): void => {
    if (lastMs !== null && nowMs <= lastMs) return;
    if (lastMs !== null) tokens = Math.min(burst, tokens + ((nowMs - lastMs) * ratePerSec) / 1000);
    lastMs = nowMs;
  };

  return {
    name: 'token-bucket',
    admit(_view, nowMs, rng) {
      refill(nowMs);
      if (tokens < whole) return refuse('rate', rng);
      tokens = Math.max(0, tokens - 1);
      return admitted;
    },
  };
}
