import type { Backpressure } from './types.js';
import { dropNewest, enqueue, fits } from './limits.js';

export interface DeltaOptions {
  /** Size of a delta as a share, in (0, 1], of the full message. @default 0.3 */
  ratio: number;
  /** Queued bytes a message must fit under, else it is dropped; null for no limit. @default null */
  limitBytes: number | null;
  /** Queued bytes above which the connection counts as slow, when limitBytes is null. @default 16384 */
  softLimitBytes: number;
}

/**
 * Delta-encodes keyed messages: the first message enqueued for a key goes whole, later ones as
 * ceil(bytes × ratio). Per connection: it remembers the keys it has enqueued, so a dropped message
 * never becomes the base of a delta. Unkeyed messages always go whole.
 */
export function createDelta(options: DeltaOptions): Backpressure {
  const { ratio, limitBytes } = options;
  const sentKeys = new Set<string>();
  return {
    name: 'delta',
    softLimitBytes: limitBytes ?? options.softLimitBytes,
    onSend(message, queue) {
      const { key } = message;
      const bytes = key !== null && sentKeys.has(key) ? Math.ceil(message.bytes * ratio) : message.bytes;
      if (limitBytes !== null && !fits(queue.queuedBytes, bytes, limitBytes)) return dropNewest;
      if (key !== null) sentKeys.add(key);
      return enqueue(bytes);
    },
  };
}
