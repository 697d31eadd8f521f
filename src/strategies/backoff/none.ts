import type { Backoff } from './types.js';

/** Never reconnects: the client gives up at the first drop or failure. */
export function createNone(): Backoff {
  return { name: 'none', next: () => null };
}
