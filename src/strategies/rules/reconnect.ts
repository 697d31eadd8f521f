import type { Backoff } from '../backoff/types.js';
import type { Rng } from '../types.js';

/** A client's reconnect loop: retries since its last successful connect, and the delay it waited last. */
export interface ReconnectState {
  readonly retry: number;
  readonly prevDelayMs: number;
}

/** The state of a client that has just connected, or never tried: no retries yet. */
export const CONNECTED: ReconnectState = { retry: 0, prevDelayMs: 0 };

/** What the client does after a drop, refusal or failure: wait `delayMs` (then `state` holds), or give up. */
export type ReconnectStep =
  | { readonly kind: 'wait'; readonly delayMs: number; readonly state: ReconnectState }
  | { readonly kind: 'give-up'; readonly state: ReconnectState };

/**
 * After a drop, refusal or failure: the next retry by the backoff strategy, at least a refusal's
 * retry-after hint (`hintMs` > 0; 0 for none). A client that gives up keeps its retry count and
 * previous delay; one that connects starts again from `CONNECTED`.
 */
export function nextReconnect(backoff: Backoff, state: ReconnectState, hintMs: number, rng: Rng): ReconnectStep {
  const retry = state.retry + 1;
  const delayMs = hintMs > 0 ? backoff.next(retry, state.prevDelayMs, rng, hintMs) : backoff.next(retry, state.prevDelayMs, rng);
  if (delayMs === null) return { kind: 'give-up', state: { retry, prevDelayMs: state.prevDelayMs } };
  return { kind: 'wait', delayMs, state: { retry, prevDelayMs: delayMs } };
}
