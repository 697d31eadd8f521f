import type { Backpressure } from './types.js';
import { dropNewest, enqueue, fits } from './limits.js';

export interface DropOldestOptions {
  /** Queued bytes the message must fit under. @default 65536 */
  limitBytes: number;
}

/**
 * Makes room for a message that would take the queue over the limit by dropping the oldest queued ones:
 * as many as the excess over the queue's average message size, at least 1. The average is an estimate,
 * so with mixed sizes the queue may end a little over the limit (under one message in the conformance
 * runs); the next overflow counts that excess too.
 * A message larger than the limit on its own is dropped instead.
 */
export function createDropOldest(options: DropOldestOptions): Backpressure {
  const { limitBytes } = options;
  return {
    name: 'drop-oldest',
    softLimitBytes: limitBytes,
    shareable: true,
    onSend(message, queue) {
      if (fits(queue.queuedBytes, message.bytes, limitBytes)) return enqueue(message.bytes);
      if (message.bytes > limitBytes || queue.queuedMessages === 0) return dropNewest;
      const excessBytes = queue.queuedBytes + message.bytes - limitBytes;
      const averageBytes = queue.queuedBytes / queue.queuedMessages;
      const count = averageBytes > 0 ? Math.ceil(excessBytes / averageBytes) : queue.queuedMessages;
      return { kind: 'drop-oldest', count: Math.min(queue.queuedMessages, Math.max(1, count)) };
    },
    passesWhenEmpty: (bytes) => bytes <= limitBytes,
  };
}
