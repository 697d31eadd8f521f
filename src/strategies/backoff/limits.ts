import { z } from 'zod';
import type { Rng } from '../types.js';
import type { Backoff } from './types.js';
import { pow } from '../../numeric/fmath.js';

/** Options every backoff that retries shares. */
export const attemptLimit = {
  /** Give up after this many retries; 0 retries forever. @default 0 */
  maxAttempts: z.number().int().min(0).default(0),
  /** Wait at least a server refusal's retry-after (max of it and the strategy's own delay). @default true */
  honourRetryAfter: z.boolean().default(true),
};

/**
 * The same options for a preset that follows a named client library, which reads no retry-after:
 * a refused upgrade reaches a browser's WebSocket API as a bare error and close 1006, with no
 * status or headers (WHATWG WebSockets, "fail the WebSocket connection":
 * https://websockets.spec.whatwg.org/#feedback-from-the-protocol), and none of these clients reads
 * the response on Node either (socket.io-client treats it as a transport error). Set
 * `honourRetryAfter: true` for a client of your own that does.
 */
export const presetAttemptLimit = {
  maxAttempts: attemptLimit.maxAttempts,
  /** Wait at least a server refusal's retry-after; the real client does not. @default false */
  honourRetryAfter: z.boolean().default(false),
};

/** The parsed `attemptLimit` options. */
export interface AttemptLimitOptions {
  readonly maxAttempts: number;
  readonly honourRetryAfter: boolean;
}

/** A strategy's own delay before retry `attempt`; it may draw from `rng`. */
export type DelayRule = (attempt: number, previousDelayMs: number, rng: Rng) => number;

/** The strategy's delay, raised to the server's retry-after when it is honoured (and only then validated). */
export function atLeastRetryAfter(delayMs: number, retryAfterMs: number | undefined, honour: boolean): number {
  if (retryAfterMs === undefined || !honour) return delayMs;
  if (!Number.isFinite(retryAfterMs) || retryAfterMs < 0) {
    throw new TypeError(`Expected retryAfterMs to be a finite number from 0 and up, got ${String(retryAfterMs)}`);
  }
  return Math.max(delayMs, retryAfterMs);
}

/**
 * A backoff from its delay rule plus the rules every retrying strategy shares: give up after
 * `maxAttempts` (before drawing), and wait at least the retry-after when honoured.
 */
export function retrying(name: string, options: AttemptLimitOptions, delay: DelayRule): Backoff {
  const { maxAttempts, honourRetryAfter } = options;
  return {
    name,
    next(attempt, previousDelayMs, rng, retryAfterMs) {
      if (maxAttempts > 0 && attempt > maxAttempts) return null;
      return atLeastRetryAfter(delay(attempt, previousDelayMs, rng), retryAfterMs, honourRetryAfter);
    },
  };
}

/** base × factor^(attempt−1), capped; the ceiling that jittered schedules draw under. */
export function exponentialCeilingMs(attempt: number, baseMs: number, capMs: number, factor = 2): number {
  return Math.min(capMs, baseMs * pow(factor, attempt - 1));
}
