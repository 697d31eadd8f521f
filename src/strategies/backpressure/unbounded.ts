import type { Backpressure } from './types.js';
import { enqueue } from './limits.js';

export interface UnboundedOptions {
  /** Queued bytes above which the connection counts as slow (Node 20 `write()` returns false above 16 KiB). @default 16384 */
  softLimitBytes: number;
}

/** Always enqueues, as ws does: `bufferedAmount` grows without bound and memory with it. */
export function createUnbounded(options: UnboundedOptions): Backpressure {
  return {
    name: 'unbounded',
    softLimitBytes: options.softLimitBytes,
    shareable: true,
    onSend(message) {
      return enqueue(message.bytes);
    },
    passesWhenEmpty: () => true,
  };
}
