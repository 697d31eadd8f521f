import type { Backoff } from './types.js';
import { retrying, type AttemptLimitOptions } from './limits.js';

export interface AblyOptions extends AttemptLimitOptions {
  /** Client option `disconnectedRetryTimeout`: the first retry's nominal delay in the disconnected state. */
  disconnectedRetryTimeoutMs: number;
  /** Client option `suspendedRetryTimeout`: the flat delay in the suspended state. */
  suspendedRetryTimeoutMs: number;
  /** `connectionStateTtl`: the recovery window after which the client is suspended. */
  connectionStateTtlMs: number;
}

/** The nominal (no-jitter) disconnected-state delay: timeout × min((n + 2)/3, 2), exact for whole ms. */
function nominalMs(timeoutMs: number, retry: number): number {
  return Math.min((timeoutMs * (retry + 2)) / 3, 2 * timeoutMs);
}

/** The first retry whose nominal cumulative delay (through itself) exceeds the window. */
function suspendedFromRetry(timeoutMs: number, windowMs: number): number {
  let totalMs = 0;
  for (let retry = 1; retry <= 3; retry++) {
    totalMs += nominalMs(timeoutMs, retry);
    if (totalMs > windowMs) return retry;
  }
  // From retry 4 on, every nominal delay is 2 × timeout.
  return 4 + Math.floor((windowMs - totalMs) / (2 * timeoutMs));
}

/**
 * The Ably client (ably-js `src/common/lib/util/defaults.ts`, `utils.ts` `getRetryTime`,
 * `transport/connectionmanager.ts` `notifyState`). Disconnected: retry n waits
 * timeout × min((n + 2)/3, 2) × (1 − 0.2 r), so in (0.8, 1.0] of the nominal 15, 20, 25, 30, 30 … s.
 * Suspended: a flat 30 s, no jitter.
 *
 * ably-js suspends when the 120 s `connectionStateTtl` timer fires, wall time since the drop. A
 * strategy is shared by many clients and sees only the attempt number, so the switch is derived
 * from it: retries run the disconnected ladder while their nominal cumulative delay stays within the
 * window (15 + 20 + 25 + 30 + 30 = 120 s: retries 1–5), and from the first retry that would pass it
 * (retry 6, at a nominal 150 s) wait the suspended 30 s. Not modelled: ably-js's one immediate retry
 * after an established connection drops, and time spent in failed attempts, which in ably-js
 * brings the switch sooner.
 */
export function createAbly(options: AblyOptions): Backoff {
  const { disconnectedRetryTimeoutMs: timeoutMs, suspendedRetryTimeoutMs, connectionStateTtlMs } = options;
  const suspendedFrom = suspendedFromRetry(timeoutMs, connectionStateTtlMs);
  return retrying('ably', options, (attempt, _previousDelayMs, rng) =>
    attempt >= suspendedFrom
      ? suspendedRetryTimeoutMs
      : timeoutMs * Math.min((attempt + 2) / 3, 2) * (1 - rng.next() * 0.2),
  );
}
