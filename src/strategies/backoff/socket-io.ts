import type { Backoff } from './types.js';
import { retrying, type AttemptLimitOptions } from './limits.js';
import { pow } from '../../numeric/fmath.js';

export interface SocketIoOptions extends AttemptLimitOptions {
  /** Manager `reconnectionDelay`: the first retry's nominal delay. */
  reconnectionDelayMs: number;
  /** Manager `reconnectionDelayMax`: the cap, applied after the jitter. */
  reconnectionDelayMaxMs: number;
  /** Manager `randomizationFactor` (backo2 `jitter`), in [0, 1]; 0 draws nothing. */
  randomizationFactor: number;
}

/**
 * The Socket.IO client (socket.io `packages/socket.io-client/lib/manager.ts`, `contrib/backo2.ts`
 * `Backoff.duration()`): ms = delay × 2^(attempt−1); one draw r gives both the deviation
 * ⌊r × factor × ms⌋ and its sign (even ⌊10r⌋ subtracts, odd adds); then min(ms, max), truncated.
 *
 * Two departures: backo2's `| 0` is `Math.trunc` (identical, as max is at most 2^31 − 1), and ms
 * is clamped at 10 × max before the jitter (identical, as from there on every draw yields max: a
 * subtracted deviation is under 0.9 × ms). Only past attempt 1015, where backo2's ms overflows and
 * its subtracting draws give Infinity − Infinity = NaN, which `| 0` makes 0 ms, do they differ.
 */
export function createSocketIo(options: SocketIoOptions): Backoff {
  const { reconnectionDelayMs, reconnectionDelayMaxMs: maxMs, randomizationFactor: jitter } = options;
  return retrying('socket-io', options, (attempt, _previousDelayMs, rng) => {
    let ms = Math.min(reconnectionDelayMs * pow(2, attempt - 1), 10 * maxMs);
    if (jitter > 0) {
      const rand = rng.next();
      const deviation = Math.floor(rand * jitter * ms);
      ms = (Math.floor(rand * 10) & 1) === 0 ? ms - deviation : ms + deviation;
    }
    return Math.trunc(Math.min(ms, maxMs));
  });
}
