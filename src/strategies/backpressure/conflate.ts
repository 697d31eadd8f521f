import type { Backpressure, BackpressureDecision } from './types.js';
import { dropNewest, enqueue, fits } from './limits.js';

export interface ConflateOptions {
  /** Queued bytes the queue must stay under. @default 65536 */
  limitBytes: number;
}

const conflate: BackpressureDecision = { kind: 'conflate' };

/**
 * Keeps at most one queued message per key, the latest: a keyed message replaces the queued one with its
 * key (or is enqueued) when the result fits under the limit, else it is dropped and the older one stays.
 * Messages without a key are enqueued under the limit, else dropped.
 */
export function createConflate(options: ConflateOptions): Backpressure {
  const { limitBytes } = options;
  return {
    name: 'conflate',
    softLimitBytes: limitBytes,
    shareable: true,
    onSend(message, queue) {
      if (message.key === null) return fits(queue.queuedBytes, message.bytes, limitBytes) ? enqueue(message.bytes) : dropNewest;
      return fits(queue.queuedBytes - queue.queuedBytesOf(message.key), message.bytes, limitBytes) ? conflate : dropNewest;
    },
    passesWhenEmpty: (bytes) => bytes <= limitBytes,
  };
}
