import type { Backpressure } from './types.js';
import { dropNewest, enqueue, fits } from './limits.js';

export interface DropNewestOptions {
  /** Queued bytes the message must fit under. @default 65536 */
  limitBytes: number;
}

/** Drops a message that would take the queue over the limit (uWebSockets maxBackpressure with closeOnBackpressureLimit false). */
export function createDropNewest(options: DropNewestOptions, name = 'drop-newest'): Backpressure {
  const { limitBytes } = options;
  return {
    name,
    softLimitBytes: limitBytes,
    shareable: true,
    onSend(message, queue) {
      return fits(queue.queuedBytes, message.bytes, limitBytes) ? enqueue(message.bytes) : dropNewest;
    },
    passesWhenEmpty: (bytes) => bytes <= limitBytes,
  };
}
