import type { Rng } from '../types.js';

/**
 * What a policy may know about one connection's send queue; the adapter keeps it (the sim's queue
 * model, or a real socket's `bufferedAmount` plus its own queue). Read-only to the policy.
 */
export interface SendQueueView {
  /** Bytes queued and not yet written to the consumer. */
  readonly queuedBytes: number;
  readonly queuedMessages: number;
  /** When the oldest queued message was enqueued; NaN when the queue is empty. */
  readonly oldestQueuedAtMs: number;
  /** When `queuedBytes` last went above the policy's `softLimitBytes`; NaN while it is at or under it. */
  readonly slowSinceMs: number;
  /** Bytes of the queued message with this conflation key; 0 when none is queued (the adapter indexes them to conflate). */
  queuedBytesOf(key: string): number;
}

/** One message about to be sent: its size and, for conflation and delta encoding, a key (a channel or an entity id). */
export interface OutgoingMessage {
  readonly bytes: number;
  readonly key: string | null;
}

/**
 * What to do with one outgoing message, discriminated on `kind`:
 * - `enqueue`: queue it with `bytes` (at most the message's; fewer when delta-encoded);
 * - `drop-newest`: drop this message, the queue is unchanged;
 * - `drop-oldest`: drop the `count` oldest queued messages (1 ≤ count ≤ queuedMessages), then enqueue this one;
 * - `conflate`: replace the queued message with the same key by this one, or enqueue it when none is queued;
 * - `disconnect`: close the slow consumer with a WebSocket close `code` (3000–4999) and a short `reason`;
 *   the queue and this message are discarded.
 */
export type BackpressureDecision =
  | { readonly kind: 'enqueue'; readonly bytes: number }
  | { readonly kind: 'drop-newest' }
  | { readonly kind: 'drop-oldest'; readonly count: number }
  | { readonly kind: 'conflate' }
  | { readonly kind: 'disconnect'; readonly code: number; readonly reason: string };

/**
 * Decides, for each outgoing message, what happens to it given the connection's send queue: the
 * backpressure signal is this return value, as undici's `dispatch()` returning false; the adapter
 * emits `connection:drained` (undici's `'drain'`) when the queue falls back to `softLimitBytes` or under.
 *
 * One instance per connection, in the sim and in the real server: a policy may keep per-connection
 * state (delta keeps the keys it has sent). No policy draws from `rng` today; it is there for the port.
 */
export interface Backpressure {
  readonly name: string;
  /** Above this many queued bytes the connection is slow: the adapter sets `slowSinceMs` and waits for a drain. */
  readonly softLimitBytes: number;
  onSend(message: OutgoingMessage, queue: SendQueueView, nowMs: number, rng: Rng): BackpressureDecision;
  /**
   * Whether a message of `bytes` offered to an empty queue that is not slow is always enqueued whole
   * (or conflated into nothing, which is the same) and leaves the policy as it was. The sim then skips
   * `onSend` for recipients that keep up (its cohort fan-out). Leave it out when that is not so.
   */
  passesWhenEmpty?(bytes: number): boolean;
  /**
   * True when the policy keeps no per-connection state (its decision follows from the message, the
   * queue view and the time alone), so one instance may serve every connection: the sim then holds one
   * for all of them instead of an object per connection. Leave it out when that is not so (delta).
   */
  readonly shareable?: boolean;
}
