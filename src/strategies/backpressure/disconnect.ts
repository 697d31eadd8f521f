import type { Backpressure, BackpressureDecision } from './types.js';
import { enqueue, fits } from './limits.js';

export interface DisconnectOptions {
  /** Queued bytes the message must fit under, else the consumer is disconnected. @default 1048576 */
  limitBytes: number;
  /** Queued bytes above which the connection is slow; null for half of limitBytes. @default null */
  softLimitBytes: number | null;
  /** How long the connection may stay slow (above softLimitBytes) before it is disconnected; null for no limit. @default 30000 */
  maxSlowMs: number | null;
}

/** The close Centrifugo sends a slow consumer. */
export const slowConsumer: BackpressureDecision = { kind: 'disconnect', code: 3008, reason: 'slow' };

/**
 * Closes a slow consumer (3008 "slow") when a message would take its queue over the limit, or when it
 * has been above the soft limit for maxSlowMs or longer (SignalK: 512 KB, 2 MB, 30 s); else enqueues.
 */
export function createDisconnect(options: DisconnectOptions, name = 'disconnect'): Backpressure {
  const { limitBytes, maxSlowMs } = options;
  return {
    name,
    softLimitBytes: options.softLimitBytes ?? limitBytes / 2,
    shareable: true,
    onSend(message, queue, nowMs) {
      if (!fits(queue.queuedBytes, message.bytes, limitBytes)) return slowConsumer;
      if (maxSlowMs !== null && nowMs - queue.slowSinceMs >= maxSlowMs) return slowConsumer;
      return enqueue(message.bytes);
    },
    passesWhenEmpty: (bytes) => bytes <= limitBytes,
  };
}
