import type { Backoff } from './types.js';
import { retrying, type AttemptLimitOptions } from './limits.js';

/** Phoenix's default `reconnectAfterMs` ladder, for tries 1..9. */
const LADDER_MS: readonly number[] = [10, 50, 100, 150, 200, 250, 500, 1000, 2000];
/** The delay after the ladder runs out. */
const AFTER_LADDER_MS = 5000;

/**
 * The Phoenix JS socket (phoenix `assets/js/phoenix/socket.js` `reconnectAfterMs`):
 * `[10, 50, 100, 150, 200, 250, 500, 1000, 2000][tries − 1] || 5000`, no jitter.
 */
export function createPhoenix(options: AttemptLimitOptions): Backoff {
  return retrying('phoenix', options, (attempt) => LADDER_MS[attempt - 1] ?? AFTER_LADDER_MS);
}
